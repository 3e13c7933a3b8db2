"""Every other exception measure (docs/measures.md#exception-measures) on a hand-made extract, with its edge
cases (D = Friday 2024-12-20; the due-soon horizon add_wd(D, 5) is 2024-12-31 across the Christmas bank holidays)."""
import datetime as dt

import pandas as pd
import pytest

from csc_compliance.core.workdays import add_wd
from measure_fixture import build_warehouse, exceptions

D = dt.date(2024, 12, 20)
d = dt.date


def cp(pid, person, start, end=""):
    return {"cppl_cp_plan_id": pid, "cppl_person_id": person, "cppl_cp_plan_start_date": start,
            "cppl_cp_plan_end_date": end}


def alloc(iid, person, worker, team="T1", role="CW"):
    return {"invo_involvements_id": iid, "invo_professional_id": worker, "invo_professional_role_id": role,
            "invo_professional_team": team, "invo_involvement_start_date": "2024-01-02", "invo_person_id": person}


def episode(eid, person, cla, start, ceased="", placement="", entered=""):
    return {"clae_cla_episode_id": eid, "clae_person_id": person, "clae_cla_id": cla,
            "clae_cla_episode_start_date": start, "clae_cla_episode_ceased_date": ceased,
            "clae_cla_placement_id": placement, "clae_entered_care_date": entered}


def placement(pid, cla, start, ptype, end=""):
    return {"clap_cla_placement_id": pid, "clap_cla_id": cla, "clap_cla_placement_start_date": start,
            "clap_cla_placement_end_date": end, "clap_cla_placement_type": ptype}


def visit(vid, person, cla, date, seen="Y"):
    return {"clav_cla_visit_id": vid, "clav_cla_id": cla, "clav_person_id": person, "clav_cla_visit_date": date,
            "clav_cla_visit_seen": seen}


CP_YES = '{"NFA_FLAG":"N","CP_CONFERENCE_FLAG":"Y"}'
CP_NO = '{"NFA_FLAG":"N","CP_CONFERENCE_FLAG":"N"}'
TABLES = {
    "ssd_department": [
        {"dept_team_id": "T1", "dept_team_name": "North 1", "dept_team_parent_id": "A1",
         "dept_team_parent_name": "North"},
    ],
    "ssd_professionals": [
        {"prof_professional_id": "W1", "prof_professional_job_title": "Social Worker", "prof_agency_worker_flag": "Y"},
        {"prof_professional_id": "WM", "prof_professional_job_title": "Team MANAGER", "prof_agency_worker_flag": "N"},
    ],
    "ssd_involvements": [alloc("I1", "K1", "W1"), alloc("I2", "K2", "W1"), alloc("I3", "K3", "WM")],
    "ssd_cin_episodes": [
        {"cine_referral_id": "RK1", "cine_person_id": "K1", "cine_referral_date": "2024-10-01"},
        {"cine_referral_id": "RK2", "cine_person_id": "K2", "cine_referral_date": "2024-10-01"},
        {"cine_referral_id": "RK3", "cine_person_id": "K3", "cine_referral_date": "2024-10-01"},
        {"cine_referral_id": "RU", "cine_person_id": "U1", "cine_referral_date": "2024-10-01"},
        # re-referral within 12 months of the earlier one
        {"cine_referral_id": "RU0", "cine_person_id": "U1", "cine_referral_date": "2024-03-01",
         "cine_close_date": "2024-05-01"},
    ],
    "ssd_s47_enquiry": [
        {"s47e_s47_enquiry_id": "S1", "s47e_person_id": "K1", "s47e_s47_start_date": "2024-11-01", "s47e_s47_nfa": "N"},
        {"s47e_s47_enquiry_id": "S2", "s47e_person_id": "K1", "s47e_s47_start_date": "2024-11-01", "s47e_s47_nfa": "Y"},
        {"s47e_s47_enquiry_id": "S3", "s47e_person_id": "K1", "s47e_s47_start_date": "2024-11-01", "s47e_s47_nfa": "N"},
        {"s47e_s47_enquiry_id": "S4", "s47e_person_id": "K1", "s47e_s47_start_date": "2024-11-01", "s47e_s47_nfa": "N",
         "s47e_s47_end_date": "2024-11-20", "s47e_s47_outcome_json": CP_YES},
        {"s47e_s47_enquiry_id": "S5", "s47e_person_id": "K1", "s47e_s47_start_date": "2024-11-01", "s47e_s47_nfa": "N",
         "s47e_s47_end_date": "2024-11-20", "s47e_s47_outcome_json": CP_NO},
        {"s47e_s47_enquiry_id": "S6", "s47e_person_id": "K1", "s47e_s47_start_date": "2024-11-01", "s47e_s47_nfa": "N"},
    ],
    "ssd_initial_cp_conference": [
        {"icpc_icpc_id": "IC3", "icpc_s47_enquiry_id": "S3", "icpc_person_id": "K1", "icpc_icpc_date": "2024-11-20"},
        {"icpc_icpc_id": "IC6", "icpc_s47_enquiry_id": "S6", "icpc_person_id": "K1", "icpc_icpc_date": ""},
        # a transfer-in ICPC is not in ICPC_15WD_RATE
        {"icpc_icpc_id": "IC9", "icpc_s47_enquiry_id": "S1", "icpc_person_id": "K1", "icpc_icpc_date": "",
         "icpc_icpc_transfer_in": "Y"},
    ],
    "ssd_cp_plans": [
        cp("CPX", "K1", "2024-11-01"), cp("CPY", "K2", "2024-10-01"), cp("CPZ", "K3", "2024-09-20"),
        cp("CPW", "K4", "2024-01-10"), cp("CPM", "K5", "2024-08-31"),
        cp("CP18", "K6", "2023-06-20"), cp("CP24", "K7", "2022-11-01"),
        # K7's earlier plan: CP24 is not a repeat in the 12 months, but CPR (below) is
        cp("CPR0", "K8", "2022-01-10", "2023-03-01"), cp("CPR", "K8", "2024-06-01"),
        cp("CPC", "C2", "2024-11-01"),
    ],
    "ssd_ext_core_groups": [
        {"cogr_core_group_id": "G1", "cogr_person_id": "K2", "cogr_cp_plan_id": "", "cogr_meeting_date": "2024-10-10"},
        # before its plan started: does not count for CPX
        {"cogr_core_group_id": "G2", "cogr_person_id": "K1", "cogr_cp_plan_id": "CPX",
         "cogr_meeting_date": "2024-10-20"},
    ],
    "ssd_cp_reviews": [
        {"cppr_cp_review_id": "RW", "cppr_person_id": "K4", "cppr_cp_plan_id": "CPW",
         "cppr_cp_review_date": "2024-04-10"},
    ],
    "ssd_cp_visits": [
        {"cppv_cp_visit_id": "V1", "cppv_person_id": "K1", "cppv_cp_plan_id": "CPX", "cppv_cp_visit_date": "2024-12-02",
         "cppv_cp_visit_seen": "Y", "cppv_cp_visit_seen_alone": "Y"},
        {"cppv_cp_visit_id": "V2", "cppv_person_id": "K2", "cppv_cp_plan_id": "CPY", "cppv_cp_visit_date": "2024-12-03",
         "cppv_cp_visit_seen": "Y", "cppv_cp_visit_seen_alone": "N"},
        {"cppv_cp_visit_id": "V3", "cppv_person_id": "K2", "cppv_cp_plan_id": "CPY", "cppv_cp_visit_date": "2024-08-03",
         "cppv_cp_visit_seen": "Y", "cppv_cp_visit_seen_alone": "Y"},
    ],
    "ssd_cin_plans": [
        {"cinp_cin_plan_id": "CIN1", "cinp_person_id": "C1", "cinp_cin_plan_start_date": "2024-11-01"},
        {"cinp_cin_plan_id": "CIN2", "cinp_person_id": "C2", "cinp_cin_plan_start_date": "2024-11-01"},
        {"cinp_cin_plan_id": "CIN3", "cinp_person_id": "C3", "cinp_cin_plan_start_date": "2024-09-01"},
    ],
    "ssd_cin_visits": [
        {"cinv_cin_visit_id": "CV3", "cinv_person_id": "C3", "cinv_cin_visit_date": "2024-12-02",
         "cinv_cin_visit_seen": "Y"},
    ],
    "ssd_ext_cin_reviews": [
        {"cinr_review_id": "CR3", "cinr_cin_plan_id": "CIN3", "cinr_person_id": "C3", "cinr_review_date": "2024-09-15"},
    ],
    "ssd_cla_episodes": [
        episode("E1", "L1", "CLA1", "2024-06-03", placement="PL1", entered="2024-06-03"),
        episode("E2a", "L2", "CLA2", "2024-11-25", "2024-12-10", "PL2a", "2024-11-25"),
        episode("E2b", "L2", "CLA2", "2024-12-10", placement="PL2b", entered="2024-11-25"),
        episode("E3", "L3", "CLA3", "2023-01-01", placement="PL3", entered="2023-01-01"),
        episode("E4", "L4", "CLA4", "2023-01-01", placement="PL4", entered="2023-01-01"),
        episode("E5", "L5", "CLA5", "2024-03-01", placement="PL5", entered="2024-03-01"),
    ],
    "ssd_cla_placement": [
        placement("PL1", "CLA1", "2024-06-03", "U3"),
        placement("PL2a", "", "2024-11-25", "U3", "2024-12-10"), placement("PL2b", "", "2024-12-10", "U3"),
        placement("PL3", "CLA3", "2023-01-01", "U1"), placement("PL4", "CLA4", "2023-01-01", "U3"),
        placement("PL5", "CLA5", "2024-03-01", "U4"),
    ],
    "ssd_cla_visits": [
        visit("LV1", "L1", "CLA1", "2024-10-01"), visit("LV2", "L2", "", "2024-12-01"),
        visit("LV3", "L3", "CLA3", "2024-11-01"), visit("LV4", "L4", "CLA4", "2024-11-01"),
        visit("LV5", "L5", "CLA5", "2024-10-15"), visit("LV5x", "L5", "CLA5", "2024-12-18", seen="N"),
    ],
    "ssd_cla_reviews": [
        {"clar_cla_review_id": "LR1", "clar_cla_id": "CLA1", "clar_cla_review_date": "2024-06-25",
         "clar_cla_review_cancelled": "N"},
        {"clar_cla_review_id": "LR1c", "clar_cla_id": "CLA1", "clar_cla_review_date": "2024-10-01",
         "clar_cla_review_cancelled": "Y"},
        {"clar_cla_review_id": "LR3a", "clar_cla_id": "CLA3", "clar_cla_review_date": "2024-03-01",
         "clar_cla_review_cancelled": "N"},
        {"clar_cla_review_id": "LR3b", "clar_cla_id": "", "clar_cla_person_id": "L3",
         "clar_cla_review_date": "2024-08-01", "clar_cla_review_cancelled": ""},
    ],
    "ssd_cla_care_plan": [],
    "ssd_care_leavers": [
        {"clea_table_id": "CL1a", "clea_person_id": "Y1", "clea_pathway_plan_review_date": "2024-03-01"},
        {"clea_table_id": "CL1b", "clea_person_id": "Y1", "clea_pathway_plan_review_date": ""},
        {"clea_table_id": "CL2", "clea_person_id": "Y2", "clea_pathway_plan_review_date": ""},
        {"clea_table_id": "CL3", "clea_person_id": "Y3", "clea_pathway_plan_review_date": "2024-10-01"},
    ],
    "ssd_pre_proceedings": [
        {"prep_table_id": "PR1", "prep_person_id": "K1", "prep_plo_family_id": "F1",
         "prep_initial_pre_pro_meeting_date": "2024-06-01"},
        {"prep_table_id": "PR1s", "prep_person_id": "K2", "prep_plo_family_id": "F1",
         "prep_initial_pre_pro_meeting_date": "2024-06-01"},
        {"prep_table_id": "PR2", "prep_person_id": "K3", "prep_plo_family_id": "F2",
         "prep_pre_pro_letter_date": "2024-08-30"},
        {"prep_table_id": "PR3", "prep_person_id": "K4", "prep_plo_family_id": "F3",
         "prep_initial_pre_pro_meeting_date": "2024-01-01", "prep_pre_pro_outcome": "Care proceedings issued"},
        {"prep_table_id": "PR4", "prep_person_id": "K5", "prep_plo_family_id": "F4",
         "prep_initial_pre_pro_meeting_date": "2024-01-01", "prep_agree_stepdown_issue_date": "2024-12-01"},
        {"prep_table_id": "PR5", "prep_person_id": "K6", "prep_plo_family_id": "F5",
         "prep_initial_pre_pro_meeting_date": "2024-01-01", "prep_agree_stepdown_issue_date": "2025-01-05"},
        {"prep_table_id": "PR6", "prep_person_id": "K7", "prep_plo_family_id": "F6",
         "prep_initial_pre_pro_meeting_date": "2024-09-01"},
    ],
    "ssd_ext_supervisions": [
        {"supv_supervision_id": "SV1", "supv_person_id": "K1", "supv_supervision_date": "2024-11-10",
         "supv_recorded_date": "2024-11-10"},
        {"supv_supervision_id": "SV0", "supv_person_id": "K2", "supv_supervision_date": "2024-09-10",
         "supv_recorded_date": "2024-09-10"},
    ],
    "ssd_family": [
        {"fami_table_id": "FA1", "fami_family_id": "FAM7", "fami_person_id": "K7"},
    ],
}
CONFIG = {"local_standards": {"caseload_threshold": 2}}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("all"), TABLES, D.isoformat(), CONFIG)


def due(row):
    return None if pd.isna(row["due_date"]) else row["due_date"].date()


def test_s47_icpc_15wd(wh):
    rows = exceptions(wh, "S47_ICPC_15WD")
    assert due(rows["S1"]) == d(2024, 11, 22) and rows["S1"]["status"] == "overdue"
    assert "S2" not in rows and "S3" not in rows and "S5" not in rows   # NFA; ICPC held; ended without CP flag
    assert "S4" in rows and "S6" in rows                                # ended with CP flag; ICPC not yet held


def test_core_groups(wh):
    first, interval = exceptions(wh, "CORE_GROUP_FIRST"), exceptions(wh, "CORE_GROUP_INTERVAL")
    assert due(first["CPX"]) == d(2024, 11, 15)                         # the 20 October meeting predates the plan
    assert "CPY" not in first and due(interval["CPY"]) == d(2024, 11, 21)  # through the person; + 6 weeks


def test_cp_review(wh):
    rows = exceptions(wh, "CP_REVIEW")
    assert "CPX" not in rows                                             # first review due 2025-02-01
    assert rows["CPZ"]["status"] == "due_soon" and due(rows["CPZ"]) == D  # due today: not yet overdue
    assert due(rows["CPW"]) == d(2024, 10, 10)                           # latest review + 6 months
    assert due(rows["CPM"]) == d(2024, 11, 30)                           # 31 August + 3 months: month-end clamp


def test_cin_measures_cover_cin_level_children_only(wh):
    visits, reviews = exceptions(wh, "CIN_VISIT"), exceptions(wh, "CIN_REVIEW")
    assert due(visits["CIN1"]) == add_wd(d(2024, 11, 1), 20)
    assert "CIN2" not in visits and "CIN2" not in reviews                # C2 is on a CP plan
    assert "CIN3" not in visits and due(reviews["CIN3"]) == d(2024, 12, 15)


def test_cla_visit(wh):
    rows = exceptions(wh, "CLA_VISIT")
    assert due(rows["CLA1"]) == d(2024, 11, 12)                          # seen 1 October + 6 weeks
    assert due(rows["CLA2"]) == d(2024, 12, 17)                          # moved 10 December: + 7 days
    assert "CLA3" not in rows                                            # long-term past its anniversary: 3 months
    assert due(rows["CLA4"]) == d(2024, 12, 13)                          # not a long-term type: 6 weeks
    assert due(rows["CLA5"]) == d(2024, 11, 26)                          # long-term, before the anniversary


def test_cla_review(wh):
    rows = exceptions(wh, "CLA_REVIEW")
    assert due(rows["CLA1"]) == d(2024, 9, 25)                           # one review (the cancelled one ignored)
    assert rows["CLA2"]["status"] == "due_soon" and due(rows["CLA2"]) == add_wd(d(2024, 11, 25), 20)
    assert "CLA3" not in rows                                            # two reviews: + 6 months (person link)


def test_pathway_plan_review(wh):
    rows = {r["person_id"]: r for r in exceptions(wh, "PATHWAY_PLAN_REVIEW").values()}
    assert due(rows["Y1"]) == d(2024, 9, 1) and rows["Y1"]["record_id"] == "CL1a"
    assert rows["Y2"]["status"] == "overdue" and due(rows["Y2"]) is None
    assert "Y3" not in rows


def test_plo_duration(wh):
    rows = exceptions(wh, "PLO_DURATION")
    assert rows["PR1"]["status"] == "watch" and rows["PR1"]["flag"] == "red" and due(rows["PR1"]) == d(2024, 9, 21)
    assert pd.isna(rows["PR2"]["flag"]) and due(rows["PR2"]) == d(2024, 12, 20)   # letter date + 16 weeks: today
    assert "PR3" not in rows and "PR4" not in rows and "PR6" not in rows
    assert "PR5" in rows                                                 # step-down after D has not happened


def test_cp_duration(wh):
    rows = exceptions(wh, "CP_DURATION")
    assert rows["CP18"]["status"] == "watch" and pd.isna(rows["CP18"]["flag"]) and due(rows["CP18"]) == D
    assert rows["CP24"]["flag"] == "red" and rows["CP24"]["days_overdue"] == (D - d(2024, 5, 1)).days


def test_allocation_measures(wh):
    assert "U1" in exceptions(wh, "UNALLOCATED") and "K1" not in exceptions(wh, "UNALLOCATED")
    assert set(exceptions(wh, "MANAGER_HELD")) == {"K3"}
    caseload = exceptions(wh, "CASELOAD")
    assert set(caseload) == {"W1"}
    assert pd.isna(caseload["W1"]["person_id"]) and caseload["W1"]["worker_id"] == "W1"


def test_supervision(wh):
    rows = exceptions(wh, "SUPERVISION")
    assert due(rows["K1"]) == d(2024, 12, 10)              # 10 November + 1 month
    assert due(rows["K2"]) == d(2024, 11, 1)               # September's predates the plan: start + 1 month


def kpi(wh, kpi_id, level="la"):
    rows = wh.execute("select * from marts.fct_kpi_values where kpi_id = ? and level = ?", [kpi_id, level]).df()
    return rows.iloc[0]


def test_rates(wh):
    # started since 2023-12-20: all open plans but CP18, CP24; CPR repeats
    assert (kpi(wh, "REPEAT_CP_RATE").numerator, kpi(wh, "REPEAT_CP_RATE").denominator) == (1, 7)
    assert kpi(wh, "REPEAT_CP_2Y_RATE").numerator == 1      # CPR0 ended 2023-03-01, within 24 months of 2024-06-01
    assert (kpi(wh, "RE_REFERRAL_RATE").numerator, kpi(wh, "RE_REFERRAL_RATE").denominator) == (1, 5)
    children = kpi(wh, "CP_OVER_2Y_CHILDREN")
    assert children.numerator == 1 and children.value == 1 and pd.isna(children.denominator)
    assert kpi(wh, "CP_OVER_2Y_FAMILIES").numerator == 1
    assert kpi(wh, "PLO_OVER_26W_CHILDREN").numerator == 3   # K1, K2 (from 1 June) and K6 (step-down after D)
    assert kpi(wh, "PLO_OVER_26W_FAMILIES").numerator == 2   # F1 (two children) and F5
    assert (kpi(wh, "SEEN_ALONE_RATE").numerator, kpi(wh, "SEEN_ALONE_RATE").denominator) == (1, 2)
    assert (kpi(wh, "AGENCY_RATE").numerator, kpi(wh, "AGENCY_RATE").denominator) == (1, 2)
    assert kpi(wh, "ASSESSED_6M").denominator == 4
    assert kpi(wh, "CORE_GROUP_RATE").denominator == 10 - 1  # open CP plans: all but CPR0


@pytest.mark.parametrize("kpi_id, numerator, denominator", [
    ("CIN_VISIT_RATE", 1, 2),            # CIN-level children C1 (overdue) and C3; C2 is on a CP plan
    ("CIN_REVIEW_RATE", 1, 2),           # CIN3 overdue
    ("CLA_VISIT_RATE", 1, 5),            # only L3 (long-term, 3 months) is in time
    ("CLA_REVIEW_RATE", 2, 5),           # CLA2 (due soon) and CLA3 in time
    ("CP_REVIEW_RATE", 4, 9),            # CPX, CPY, CPZ (due today) and CPC in time
    ("PATHWAY_PLAN_REVIEW_RATE", 1, 3),  # Y3 only
    ("ICPC_15WD_RATE", 1, 1),            # IC3 held in time; IC6 not held; IC9 a transfer-in
])
def test_review_visit_and_icpc_rates(wh, kpi_id, numerator, denominator):
    row = kpi(wh, kpi_id)
    assert (row.numerator, row.denominator) == (numerator, denominator)
    assert row.value == pytest.approx(numerator / denominator)


def test_a_missing_table_makes_its_measures_not_available(tmp_path):
    tables = {k: v for k, v in TABLES.items() if k != "ssd_cp_visits"}
    wh2 = build_warehouse(tmp_path, tables, D.isoformat(), CONFIG, all_tables=False)
    assert "CP_VISIT" not in set(wh2.execute("select kpi_id from marts.fct_exceptions").df().kpi_id)
    rows = wh2.execute("select * from marts.fct_kpi_values where kpi_id = 'CP_VISIT_RATE'").df()
    assert len(rows) == 1 and rows.level[0] == "la" and pd.isna(rows.numerator[0])
    assert rows.note[0] == "not available: ssd_cp_visits not in the extract"


def test_dbt_unit_tests_pass(wh, tmp_path):
    """Every dbt `unit_tests:` of the project: each measure's (measures/<id>/unit_tests.yml) and the shared models'."""
    import yaml

    from csc_compliance.core.catalogue import DBT_PROJECT_DIR
    from csc_compliance.pipeline.dbt_build import dbt_vars, run_dbt_unit_tests
    from csc_compliance.settings.config import parse_config

    defined = [u for path in (DBT_PROJECT_DIR / "models").rglob("*.yml")
               for u in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", [])]
    warehouse = wh.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()[0]
    results = run_dbt_unit_tests(warehouse, tmp_path, dbt_vars(parse_config({}), D.isoformat()))
    assert len(results) == len(defined) >= 10
    failed = [(r["unique_id"], r["message"]) for r in results if r["status"] != "pass"]
    assert not failed, failed


def test_bad_keys_are_gaps_never_a_failed_night(tmp_path):
    """Keys differing only by spaces are one key (the first row kept); rows with no key do not break the
    marts' key tests; an episode with no ids is ignored. The run completes
    (docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run)."""
    tables = {
        "ssd_cp_plans": [cp("CPA", "K1", "2024-11-01"), cp("CPA ", "K1", "2024-06-01"),
                         cp("", "K2", "2024-11-01"), cp("", "K3", "2024-11-01")],
        "ssd_cla_episodes": [episode("", "L9", "", "2024-06-03")],
        "ssd_cp_visits": [],
    }
    wh3 = build_warehouse(tmp_path, tables, D.isoformat(), CONFIG)
    rows = wh3.execute("select record_id, person_id, due_date from marts.fct_exceptions where kpi_id = 'CP_VISIT' "
                       "order by person_id").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("CPA", "K1"), (None, "K2"), (None, "K3")]
    assert rows[0][2] == add_wd(d(2024, 11, 1), 10)   # the first row in file order is kept
