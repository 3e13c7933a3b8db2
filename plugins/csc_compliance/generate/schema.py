"""The tables the generator writes and their columns, in order.

Why embedded rather than read from the SSD YAMLs at run time: the YAMLs live outside the package
(`docs/ssd-schema/`), and a generator that silently changed its output when that folder moved
would break byte-for-byte determinism. The test suite checks these lists against the YAMLs.

Each column has a kind that decides how the formatter writes it: `date` (YAML type datetime),
`flag` (YAML nchar: Y/N flags), `int`, `float`, `text` (json columns are text built by the journeys).
Order = the YAML's field order, then the SSD 1.4.5 variants that authorities really extract
(docs/contract.md#ssd-as-councils-extract-it), then nothing else."""
from __future__ import annotations

# Generated from docs/ssd-schema/ssd_<table>.yml (field name, kind).
SSD_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "ssd_person": (
        ("pers_person_id", "text"),
        ("pers_sex", "text"),
        ("pers_gender", "text"),
        ("pers_ethnicity", "text"),
        ("pers_dob", "date"),
        ("pers_common_child_id", "text"),
        ("pers_legacy_id", "text"),
        ("pers_upn_unknown", "text"),
        ("pers_send_flag", "flag"),
        ("pers_expected_dob", "date"),
        ("pers_death_date", "date"),
        ("pers_is_mother", "flag"),
        ("pers_nationality", "text"),
    ),
    "ssd_family": (
        ("fami_table_id", "text"),
        ("fami_family_id", "text"),
        ("fami_person_id", "text"),
    ),
    "ssd_department": (
        ("dept_team_id", "text"),
        ("dept_team_name", "text"),
        ("dept_team_parent_id", "text"),
        ("dept_team_parent_name", "text"),
    ),
    "ssd_professionals": (
        ("prof_professional_id", "text"),
        ("prof_staff_id", "text"),
        ("prof_professional_name", "text"),
        ("prof_social_worker_registration_no", "text"),
        ("prof_professional_job_title", "text"),
        ("prof_professional_caseload", "int"),
        ("prof_professional_department", "text"),
        ("prof_full_time_equivalency", "float"),
        ("prof_agency_worker_flag", "flag"),
    ),
    "ssd_involvements": (
        ("invo_involvements_id", "text"),
        ("invo_professional_id", "text"),
        ("invo_professional_role_id", "text"),
        ("invo_professional_team", "text"),
        ("invo_involvement_start_date", "date"),
        ("invo_involvement_end_date", "date"),
        ("invo_worker_change_reason", "text"),
        ("invo_person_id", "text"),
        ("invo_referral_id", "text"),
    ),
    "ssd_cin_episodes": (
        ("cine_referral_id", "text"),
        ("cine_person_id", "text"),
        ("cine_referral_date", "date"),
        ("cine_cin_primary_need_code", "text"),
        ("cine_referral_source_code", "text"),
        ("cine_referral_source_desc", "text"),
        ("cine_referral_outcome_json", "text"),
        ("cine_referral_nfa", "flag"),
        ("cine_close_reason", "text"),
        ("cine_close_date", "date"),
        ("cine_referral_team", "text"),
        ("cine_referral_worker_id", "text"),
    ),
    "ssd_cin_assessments": (
        ("cina_assessment_id", "text"),
        ("cina_person_id", "text"),
        ("cina_referral_id", "text"),
        ("cina_assessment_start_date", "date"),
        ("cina_assessment_child_seen", "flag"),
        ("cina_assessment_auth_date", "date"),
        ("cina_assessment_outcome_json", "text"),
        ("cina_assessment_outcome_nfa", "flag"),
        ("cina_assessment_team", "text"),
        ("cina_assessment_worker_id", "text"),
    ),
    "ssd_cin_plans": (
        ("cinp_cin_plan_id", "text"),
        ("cinp_referral_id", "text"),
        ("cinp_person_id", "text"),
        ("cinp_cin_plan_start_date", "date"),
        ("cinp_cin_plan_end_date", "date"),
        ("cinp_cin_plan_team", "text"),
        ("cinp_cin_plan_worker_id", "text"),
    ),
    "ssd_cin_visits": (
        ("cinv_cin_visit_id", "text"),
        ("cinv_person_id", "text"),
        ("cinv_cin_visit_date", "date"),
        ("cinv_cin_visit_seen", "flag"),
        ("cinv_cin_visit_seen_alone", "flag"),
        ("cinv_cin_visit_bedroom", "flag"),
    ),
    "ssd_s47_enquiry": (
        ("s47e_s47_enquiry_id", "text"),
        ("s47e_referral_id", "text"),
        ("s47e_person_id", "text"),
        ("s47e_s47_start_date", "date"),
        ("s47e_s47_end_date", "date"),
        ("s47e_s47_nfa", "flag"),
        ("s47e_s47_outcome_json", "text"),
        ("s47e_s47_completed_by_worker_id", "text"),
        ("s47e_s47_completed_by_team", "text"),
    ),
    "ssd_initial_cp_conference": (
        ("icpc_icpc_id", "text"),
        ("icpc_icpc_meeting_id", "text"),
        ("icpc_s47_enquiry_id", "text"),
        ("icpc_person_id", "text"),
        ("icpc_cp_plan_id", "text"),
        ("icpc_referral_id", "text"),
        ("icpc_icpc_transfer_in", "flag"),
        ("icpc_icpc_target_date", "date"),
        ("icpc_icpc_date", "date"),
        ("icpc_icpc_outcome_cp_flag", "flag"),
        ("icpc_icpc_outcome_json", "text"),
        ("icpc_icpc_team", "text"),
        ("icpc_icpc_worker_id", "text"),
    ),
    "ssd_cp_plans": (
        ("cppl_cp_plan_id", "text"),
        ("cppl_referral_id", "text"),
        ("cppl_icpc_id", "text"),
        ("cppl_person_id", "text"),
        ("cppl_cp_plan_start_date", "date"),
        ("cppl_cp_plan_end_date", "date"),
        ("cppl_cp_plan_initial_category", "text"),
        ("cppl_cp_plan_ola", "flag"),
        ("cppl_cp_plan_latest_category", "text"),
    ),
    "ssd_cp_visits": (
        ("cppv_cp_visit_id", "text"),
        ("cppv_person_id", "text"),
        ("cppv_cp_plan_id", "text"),
        ("cppv_cp_visit_date", "date"),
        ("cppv_cp_visit_seen", "flag"),
        ("cppv_cp_visit_seen_alone", "flag"),
        ("cppv_cp_visit_bedroom", "flag"),
    ),
    "ssd_cp_reviews": (
        ("cppr_cp_review_id", "text"),
        ("cppr_person_id", "text"),
        ("cppr_cp_plan_id", "text"),
        ("cppr_cp_review_due", "date"),
        ("cppr_cp_review_date", "date"),
        ("cppr_cp_review_meeting_id", "text"),
        ("cppr_cp_review_outcome_continue_cp", "flag"),
        ("cppr_cp_review_quorate", "flag"),
        ("cppr_cp_review_participation", "flag"),
    ),
    "ssd_cla_episodes": (
        ("clae_cla_episode_id", "text"),
        ("clae_person_id", "text"),
        ("clae_cla_episode_start_date", "date"),
        ("clae_cla_episode_start_reason", "text"),
        ("clae_cla_primary_need_code", "text"),
        ("clae_cla_episode_ceased_date", "date"),
        ("clae_cla_episode_ceased_reason", "text"),
        ("clae_cla_id", "text"),
        ("clae_referral_id", "text"),
        ("clae_cla_placement_id", "text"),
        ("clae_entered_care_date", "date"),
        ("clae_cla_last_iro_contact_date", "date"),
    ),
    "ssd_cla_placement": (
        ("clap_cla_placement_id", "text"),
        ("clap_cla_placement_start_date", "date"),
        ("clap_cla_placement_type", "text"),
        ("clap_cla_placement_urn", "text"),
        ("clap_cla_placement_distance", "float"),
        ("clap_cla_id", "text"),
        ("clap_cla_placement_provider", "text"),
        ("clap_cla_placement_postcode", "text"),
        ("clap_cla_placement_end_date", "date"),
        ("clap_cla_placement_change_reason", "text"),
        ("clap_person_id", "text"),
    ),
    "ssd_cla_visits": (
        ("clav_cla_visit_id", "text"),
        ("clav_cla_id", "text"),
        ("clav_person_id", "text"),
        ("clav_cla_visit_date", "date"),
        ("clav_cla_visit_seen", "flag"),
        ("clav_cla_visit_seen_alone", "flag"),
    ),
    "ssd_cla_reviews": (
        ("clar_cla_review_id", "text"),
        ("clar_cla_id", "text"),
        ("clar_cla_review_due_date", "date"),
        ("clar_cla_review_date", "date"),
        ("clar_cla_review_cancelled", "flag"),
        ("clar_cla_review_participation", "text"),
    ),
    "ssd_cla_care_plan": (
        ("lacp_table_id", "text"),
        ("lacp_person_id", "text"),
        ("lacp_cla_care_plan_start_date", "date"),
        ("lacp_cla_care_plan_end_date", "date"),
        ("lacp_cla_care_plan_json", "text"),
    ),
    "ssd_care_leavers": (
        ("clea_table_id", "text"),
        ("clea_person_id", "text"),
        ("clea_care_leaver_eligibility", "text"),
        ("clea_care_leaver_in_touch", "text"),
        ("clea_care_leaver_latest_contact", "date"),
        ("clea_care_leaver_accommodation", "text"),
        ("clea_care_leaver_accom_suitable", "text"),
        ("clea_care_leaver_activity", "text"),
        ("clea_pathway_plan_review_date", "date"),
        ("clea_care_leaver_personal_advisor", "text"),
        ("clea_care_leaver_allocated_team", "text"),
        ("clea_care_leaver_worker_id", "text"),
    ),
    "ssd_pre_proceedings": (
        ("prep_table_id", "text"),
        ("prep_person_id", "text"),
        ("prep_plo_family_id", "text"),
        ("prep_pre_pro_decision_date", "date"),
        ("prep_initial_pre_pro_meeting_date", "date"),
        ("prep_pre_pro_outcome", "text"),
        ("prep_agree_stepdown_issue_date", "date"),
        ("prep_cp_plans_referral_period", "int"),
        ("prep_legal_gateway_outcome", "text"),
        ("prep_prev_pre_proc_child", "int"),
        ("prep_prev_care_proc_child", "int"),
        ("prep_pre_pro_letter_date", "date"),
        ("prep_care_pro_letter_date", "date"),
        ("prep_pre_pro_meetings_num", "int"),
        ("prep_pre_pro_parents_legal_rep", "flag"),
        ("prep_parents_legal_rep_point_of_issue", "flag"),
        ("prep_court_reference", "text"),
        ("prep_care_proc_court_hearings", "int"),
        ("prep_care_proc_short_notice", "flag"),
        ("prep_proc_short_notice_reason", "text"),
        ("prep_la_inital_plan_approved", "flag"),
        ("prep_la_initial_care_plan", "text"),
        ("prep_la_final_plan_approved", "flag"),
        ("prep_la_final_care_plan", "text"),
    ),}

# SSD release 1.4.5 columns carried in addition to the YAML's (docs/contract.md#ssd-as-councils-extract-it).
VARIANT_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "ssd_person": (
        ("pers_upn", "text"),
        ("pers_forename", "text"),
        ("pers_surname", "text"),
        ("pers_single_unique_id", "text"),
    ),
    "ssd_cla_reviews": (
        ("clar_cla_person_id", "text"),
    ),
}

# The product's extension tables (docs/contract.md#extension-tables), columns exactly as listed there.
EXTENSION_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "ssd_ext_core_groups": (
        ("cogr_core_group_id", "text"),
        ("cogr_person_id", "text"),
        ("cogr_cp_plan_id", "text"),
        ("cogr_meeting_date", "date"),
        ("cogr_team", "text"),
        ("cogr_worker_id", "text"),
    ),
    "ssd_ext_supervisions": (
        ("supv_supervision_id", "text"),
        ("supv_person_id", "text"),
        ("supv_supervision_date", "date"),
        ("supv_recorded_date", "date"),
        ("supv_supervisor_id", "text"),
        ("supv_worker_id", "text"),
    ),
    "ssd_ext_cin_reviews": (
        ("cinr_review_id", "text"),
        ("cinr_cin_plan_id", "text"),
        ("cinr_person_id", "text"),
        ("cinr_review_date", "date"),
    ),
}

TABLES: tuple[str, ...] = tuple(SSD_COLUMNS) + tuple(EXTENSION_COLUMNS)


def columns(table: str) -> list[tuple[str, str]]:
    """(column, kind) of a table in file order: YAML fields, then 1.4.5 variants; or the extension's."""
    if table in EXTENSION_COLUMNS:
        return list(EXTENSION_COLUMNS[table])
    return list(SSD_COLUMNS[table]) + list(VARIANT_COLUMNS.get(table, ()))


def column_names(table: str) -> list[str]:
    return [c for c, _ in columns(table)]
