"""ASSESS_45WD, CP_VISIT and NO_CURRENT_PLAN exactly as docs/measures.md defines them, with attribution, on a
hand-made extract. D = Friday 2024-12-20, so due-soon horizons and overdue counts cross Christmas."""
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from csc_compliance.core.workdays import add_wd, working_days_between
from measure_fixture import build_warehouse, exceptions

D = dt.date(2024, 12, 20)
HORIZON = add_wd(D, 5)              # 2024-12-31: 23, 24, 27, 30, 31 (25th, 26th bank holidays)


def start_for_due(due: dt.date, n: int) -> dt.date:
    """The earliest date whose n-th working day after it is `due` (to plant a due date exactly)."""
    d = due - dt.timedelta(days=3 * n)
    while add_wd(d, n) < due:
        d += dt.timedelta(days=1)
    assert add_wd(d, n) == due
    return d


ISO = dt.date.isoformat
DUE_TODAY_REF = start_for_due(D, 45)
DUE_HORIZON_REF = start_for_due(HORIZON, 45)
DUE_AFTER_HORIZON_REF = start_for_due(add_wd(HORIZON, 1), 45)

ALLOCATED = "ALLOCATED CASE WORKER"
TABLES = {
    "ssd_department": [
        {"dept_team_id": "T1", "dept_team_name": "North 1", "dept_team_parent_id": "AREA1",
         "dept_team_parent_name": "North"},
        {"dept_team_id": "T2", "dept_team_name": "South 1", "dept_team_parent_id": "AREA2",
         "dept_team_parent_name": "South"},
        # unconfigured areas named like the configured lead, and like Unassigned (case aside)
        {"dept_team_id": "T8", "dept_team_name": "East 1", "dept_team_parent_id": "AREA8",
         "dept_team_parent_name": "lead NORTH"},
        {"dept_team_id": "T9", "dept_team_name": "West 1", "dept_team_parent_id": "AREA9",
         "dept_team_parent_name": "Unassigned"},
        # one area, its name spelt two ways (the majority names it); another area of the same name; no area id
        {"dept_team_id": "TF1", "dept_team_parent_id": "AREAF", "dept_team_parent_name": "Far"},
        {"dept_team_id": "TF2", "dept_team_parent_id": "AREAF", "dept_team_parent_name": "Far East"},
        {"dept_team_id": "TF3", "dept_team_parent_id": "AREAF", "dept_team_parent_name": "Far"},
        {"dept_team_id": "TG1", "dept_team_parent_id": "AREAG", "dept_team_parent_name": "far"},
        {"dept_team_id": "TX1", "dept_team_parent_name": "Nowhere"},
    ],
    "ssd_professionals": [
        {"prof_professional_id": "W1", "prof_professional_job_title": "Social Worker", "prof_agency_worker_flag": "N"},
        {"prof_professional_id": "W2", "prof_professional_job_title": "Social Worker", "prof_agency_worker_flag": "Y"},
    ],
    "ssd_involvements": [
        # P1: allocated through the 1.4.5 code, with stray case and spaces
        {"invo_involvements_id": "I1", "invo_professional_id": "W1", "invo_professional_role_id": " cw ",
         "invo_professional_team": "T1", "invo_involvement_start_date": "2024-01-01", "invo_person_id": "P1"},
        # P1's older allocation, also open: the latest start wins
        {"invo_involvements_id": "I0", "invo_professional_id": "W2", "invo_professional_role_id": ALLOCATED,
         "invo_professional_team": "T2", "invo_involvement_start_date": "2023-01-01", "invo_person_id": "P1"},
        # P2: a family support worker is not an allocated worker; P3: allocation ended before D
        {"invo_involvements_id": "I2", "invo_professional_id": "W2",
         "invo_professional_role_id": "Family Support Worker",
         "invo_professional_team": "T2", "invo_involvement_start_date": "2024-01-01", "invo_person_id": "P2"},
        {"invo_involvements_id": "I3", "invo_professional_id": "W2", "invo_professional_role_id": ALLOCATED,
         "invo_professional_team": "T2", "invo_involvement_start_date": "2024-01-01",
         "invo_involvement_end_date": "2024-06-01", "invo_person_id": "P3"},
        # N_LAC: allocated, no team on the involvement: team falls back to the open referral's
        {"invo_involvements_id": "I4", "invo_professional_id": "W1",
         "invo_professional_role_id": "Allocated Case Worker",
         "invo_professional_team": "", "invo_involvement_start_date": "2024-01-01", "invo_person_id": "N_LAC"},
    ],
    "ssd_cin_episodes": [
        {"cine_referral_id": "R1", "cine_person_id": "P1", "cine_referral_date": "2024-10-01"},
        {"cine_referral_id": "R_TODAY", "cine_person_id": "P1", "cine_referral_date": ISO(DUE_TODAY_REF)},
        {"cine_referral_id": "R_HORIZON", "cine_person_id": "P1", "cine_referral_date": ISO(DUE_HORIZON_REF)},
        {"cine_referral_id": "R_AFTER", "cine_person_id": "P1", "cine_referral_date": ISO(DUE_AFTER_HORIZON_REF)},
        {"cine_referral_id": "R_CLOSED", "cine_person_id": "P2", "cine_referral_date": "2024-09-02",
         "cine_close_date": "2024-10-01", "cine_referral_team": "T1", "cine_referral_worker_id": "W1"},
        {"cine_referral_id": "R_P3", "cine_person_id": "P3", "cine_referral_date": "2024-09-02",
         "cine_referral_team": "T1", "cine_referral_worker_id": "W1"},
        # NO_CURRENT_PLAN cases
        {"cine_referral_id": "R_NA", "cine_person_id": "N_A", "cine_referral_date": "2024-09-02"},
        {"cine_referral_id": "R_NB", "cine_person_id": "N_B", "cine_referral_date": "2024-09-02"},
        {"cine_referral_id": "R_NC", "cine_person_id": "N_C", "cine_referral_date": "2024-09-02"},
        {"cine_referral_id": "R_NF", "cine_person_id": "N_F", "cine_referral_date": "2024-09-02"},
        {"cine_referral_id": "R_LAC", "cine_person_id": "N_LAC", "cine_referral_date": "2024-01-02",
         "cine_referral_team": "T1"},
    ],
    "ssd_cin_assessments": [
        # long authorised (in no measure): rows a recording gap is routed by, for a child with no allocation
        {"cina_assessment_id": "A_OWN_TEAM", "cina_person_id": "P_UNSEEN", "cina_assessment_start_date": "2022-01-04",
         "cina_assessment_auth_date": "2022-02-01", "cina_assessment_team": "T1", "cina_assessment_worker_id": "W1"},
        {"cina_assessment_id": "A_NO_SUCH_TEAM", "cina_person_id": "P_UNSEEN",
         "cina_assessment_start_date": "2022-01-04", "cina_assessment_auth_date": "2022-02-01",
         "cina_assessment_team": "T404", "cina_assessment_worker_id": "W404"},
        {"cina_assessment_id": "A_OVER", "cina_person_id": "P1", "cina_referral_id": "R1",
         "cina_assessment_start_date": "2024-10-02"},
        {"cina_assessment_id": "A_TODAY", "cina_person_id": "P1", "cina_referral_id": "R_TODAY",
         "cina_assessment_start_date": ISO(DUE_TODAY_REF)},
        {"cina_assessment_id": "A_HORIZON", "cina_person_id": "P1", "cina_referral_id": "R_HORIZON",
         "cina_assessment_start_date": ISO(DUE_HORIZON_REF)},
        {"cina_assessment_id": "A_AFTER", "cina_person_id": "P1", "cina_referral_id": "R_AFTER",
         "cina_assessment_start_date": ISO(DUE_AFTER_HORIZON_REF)},
        {"cina_assessment_id": "A_AUTH", "cina_person_id": "P1", "cina_referral_id": "R1",
         "cina_assessment_start_date": "2024-10-02", "cina_assessment_auth_date": "2024-11-01"},
        # authorised after D: not yet happened, so still outstanding
        {"cina_assessment_id": "A_AUTH_LATER", "cina_person_id": "P1", "cina_referral_id": "R1",
         "cina_assessment_start_date": "2024-10-02", "cina_assessment_auth_date": "2024-12-23"},
        # no such referral: 45 working days from the assessment's own start (DD/MM/YYYY accepted)
        {"cina_assessment_id": "A_NOREF", "cina_person_id": "P2", "cina_referral_id": "R_MISSING",
         "cina_assessment_start_date": "01/10/2024", "cina_assessment_team": "T2",
         "cina_assessment_worker_id": "W2"},
        # placeholder dates from SQL Server (smalldatetime's and datetime's earliest): due dates all the same
        {"cina_assessment_id": "A_1900", "cina_person_id": "P2", "cina_referral_id": "R_MISSING",
         "cina_assessment_start_date": "1900-01-01 00:00:00"},
        {"cina_assessment_id": "A_1753", "cina_person_id": "P2", "cina_referral_id": "R_MISSING",
         "cina_assessment_start_date": "1753-01-01"},
        # the referral closed: still listed, whatever the referral's state
        {"cina_assessment_id": "A_CLOSED_REF", "cina_person_id": "P2", "cina_referral_id": "R_CLOSED",
         "cina_assessment_start_date": "2024-09-03"},
        # starts after D: ignored
        {"cina_assessment_id": "A_FUTURE", "cina_person_id": "P1", "cina_referral_id": "R1",
         "cina_assessment_start_date": "2024-12-23"},
        # NO_CURRENT_PLAN
        {"cina_assessment_id": "NA1", "cina_person_id": "N_A", "cina_referral_id": "R_NA",
         "cina_assessment_start_date": "2024-09-03", "cina_assessment_auth_date": "2024-11-15",
         "cina_assessment_outcome_nfa": "N", "cina_assessment_team": "T2", "cina_assessment_worker_id": "W2"},
        {"cina_assessment_id": "NB1", "cina_person_id": "N_B", "cina_referral_id": "R_NB",
         "cina_assessment_start_date": "2024-09-03", "cina_assessment_auth_date": "2024-11-15",
         "cina_assessment_outcome_nfa": "Yes"},
        {"cina_assessment_id": "NC1", "cina_person_id": "N_C", "cina_referral_id": "R_NC",
         "cina_assessment_start_date": "2024-09-03", "cina_assessment_auth_date": "2024-11-15",
         "cina_assessment_outcome_nfa": "N"},
        {"cina_assessment_id": "NF1", "cina_person_id": "N_F", "cina_referral_id": "R_NF",
         "cina_assessment_start_date": "2024-09-03", "cina_assessment_auth_date": "2024-10-15",
         "cina_assessment_outcome_nfa": "N"},
        {"cina_assessment_id": "NF2", "cina_person_id": "N_F", "cina_referral_id": "R_NF",
         "cina_assessment_start_date": "2024-11-03"},
    ],
    "ssd_cin_plans": [
        {"cinp_cin_plan_id": "CIN_C", "cinp_person_id": "N_C", "cinp_cin_plan_start_date": "2024-11-20"},
    ],
    "ssd_cp_plans": [
        {"cppl_cp_plan_id": "CP_A", "cppl_person_id": "P1", "cppl_icpc_id": "IC1",
         "cppl_cp_plan_start_date": "2024-11-01"},
        {"cppl_cp_plan_id": "CP_B", "cppl_person_id": "P2", "cppl_cp_plan_start_date": "2024-12-10"},
        {"cppl_cp_plan_id": "CP_C", "cppl_person_id": "P3", "cppl_cp_plan_start_date": "2024-11-01"},
        {"cppl_cp_plan_id": "CP_D", "cppl_person_id": "P3", "cppl_cp_plan_start_date": "2024-06-01",
         "cppl_cp_plan_end_date": "2024-12-01"},
        {"cppl_cp_plan_id": "CP_E", "cppl_person_id": "P4", "cppl_cp_plan_start_date": "2024-11-01"},
        # P5 has two open plans: each gives its own row
        {"cppl_cp_plan_id": "CP_F1", "cppl_person_id": "P5", "cppl_cp_plan_start_date": "2024-11-04"},
        {"cppl_cp_plan_id": "CP_F2", "cppl_person_id": "P5", "cppl_cp_plan_start_date": "2024-12-02"},
        # ends after D: still open
        {"cppl_cp_plan_id": "CP_G", "cppl_person_id": "P6", "cppl_cp_plan_start_date": "2024-11-01",
         "cppl_cp_plan_end_date": "2025-01-10"},
    ],
    "ssd_initial_cp_conference": [
        {"icpc_icpc_id": "IC1", "icpc_person_id": "P1", "icpc_icpc_date": "2024-10-30", "icpc_icpc_team": "T2",
         "icpc_icpc_worker_id": "W2"},
        {"icpc_icpc_id": "IC4", "icpc_person_id": "P4", "icpc_cp_plan_id": "CP_E", "icpc_icpc_date": "2024-10-30",
         "icpc_icpc_team": "T2", "icpc_icpc_worker_id": "W2"},
    ],
    "ssd_cp_visits": [
        {"cppv_cp_visit_id": "V1", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP_A",
         "cppv_cp_visit_date": "2024-12-02", "cppv_cp_visit_seen": "Y"},
        {"cppv_cp_visit_id": "V2", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP_A",
         "cppv_cp_visit_date": "2024-12-10", "cppv_cp_visit_seen": "N"},
        {"cppv_cp_visit_id": "V3", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP_A",
         "cppv_cp_visit_date": "2024-12-12", "cppv_cp_visit_seen": "Maybe"},
        {"cppv_cp_visit_id": "V4", "cppv_person_id": "P3", "cppv_cp_plan_id": "CP_C",
         "cppv_cp_visit_date": "2024-12-19", "cppv_cp_visit_seen": "Yes"},
        # no plan id: belongs to P4's plan through the person
        {"cppv_cp_visit_id": "V5", "cppv_person_id": "P4", "cppv_cp_plan_id": "", "cppv_cp_visit_date": "2024-12-05",
         "cppv_cp_visit_seen": "1"},
        # before the plan started: does not count
        {"cppv_cp_visit_id": "V6", "cppv_person_id": "P5", "cppv_cp_plan_id": "CP_F2",
         "cppv_cp_visit_date": "2024-11-29", "cppv_cp_visit_seen": "Y"},
        {"cppv_cp_visit_id": "V7", "cppv_person_id": "P5", "cppv_cp_plan_id": "CP_F1",
         "cppv_cp_visit_date": "2024-11-29", "cppv_cp_visit_seen": "Y"},
        # after D: not yet happened
        {"cppv_cp_visit_id": "V8", "cppv_person_id": "P6", "cppv_cp_plan_id": "CP_G",
         "cppv_cp_visit_date": "2024-12-30", "cppv_cp_visit_seen": "Y"},
    ],
    "ssd_cla_episodes": [
        # N_LAC: a period of care split into two episodes; start of care from the entered-care date
        {"clae_cla_episode_id": "E1", "clae_person_id": "N_LAC", "clae_cla_id": "CLA1",
         "clae_cla_episode_start_date": "2024-06-03", "clae_cla_episode_ceased_date": "2024-08-01",
         "clae_entered_care_date": "2024-06-03"},
        {"clae_cla_episode_id": "E2", "clae_person_id": "N_LAC", "clae_cla_id": "CLA1",
         "clae_cla_episode_start_date": "2024-08-01", "clae_entered_care_date": "2024-06-03"},
        # N_CP_OK: looked after with an open care plan
        {"clae_cla_episode_id": "E3", "clae_person_id": "N_CP_OK", "clae_cla_id": "CLA2",
         "clae_cla_episode_start_date": "2024-06-03"},
        # N_LEFT: left care (latest episode ceased): not looked after
        {"clae_cla_episode_id": "E4", "clae_person_id": "N_LEFT", "clae_cla_id": "CLA3",
         "clae_cla_episode_start_date": "2024-06-03", "clae_cla_episode_ceased_date": "2024-07-01"},
    ],
    "ssd_cla_care_plan": [
        {"lacp_table_id": "CP1", "lacp_person_id": "N_CP_OK", "lacp_cla_care_plan_start_date": "2024-06-10"},
        {"lacp_table_id": "CP2", "lacp_person_id": "N_LAC", "lacp_cla_care_plan_start_date": "2024-06-10",
         "lacp_cla_care_plan_end_date": "2024-09-01"},
    ],
}
CONFIG = {"authority": {"code": "T", "name": "Test Council"},
          "strategic_leads": [{"name": "Lead North", "area_ids": ["AREA1"]}]}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("first"), TABLES, D.isoformat(), CONFIG)


def test_assess_45wd(wh):
    rows = exceptions(wh, "ASSESS_45WD")
    over = rows["A_OVER"]
    assert over["status"] == "overdue" and over["due_date"].date() == dt.date(2024, 12, 3)
    assert (over["days_overdue"], over["working_days_overdue"]) == (17, 13)
    # due today is not yet overdue; due on the horizon's last day is due soon; one day later is not listed
    assert rows["A_TODAY"]["status"] == "due_soon" and rows["A_TODAY"]["due_date"].date() == D
    assert rows["A_HORIZON"]["status"] == "due_soon" and rows["A_HORIZON"]["due_date"].date() == HORIZON
    assert "A_AFTER" not in rows
    assert pd.isna(rows["A_TODAY"]["days_overdue"])  # empty for due_soon rows
    assert "A_AUTH" not in rows and "A_FUTURE" not in rows
    assert rows["A_AUTH_LATER"]["status"] == "overdue"
    assert rows["A_NOREF"]["due_date"].date() == add_wd(dt.date(2024, 10, 1), 45)
    assert rows["A_CLOSED_REF"]["due_date"].date() == add_wd(dt.date(2024, 9, 2), 45)
    for record, start in (("A_1900", dt.date(1900, 1, 1)), ("A_1753", dt.date(1753, 1, 1))):
        due = add_wd(start, 45)
        assert rows[record]["due_date"].date() == due, record
        assert rows[record]["days_overdue"] == (D - due).days
        assert rows[record]["working_days_overdue"] == working_days_between(due, D)


def test_an_area_named_like_a_configured_lead_is_not_routed_to_that_lead(wh):
    """Lead North is configured for AREA1 only: AREA8, named "lead NORTH", gets a lead of its own."""
    leads = dict(wh.execute("select team_id, lead from intermediate.int_units").fetchall())
    assert {t: leads[t] for t in ("T1", "T2", "T8", "T9")} == {
        "T1": "Lead North", "T2": "South", "T8": "lead NORTH (AREA8)", "T9": "Unassigned (AREA9)"}


def test_an_area_is_one_lead_however_its_teams_spell_its_name(wh):
    """Routing is by area id: AREAF's teams name it "Far" twice and "Far East" once, so all three go to one lead
    named as most of them name it; AREAG is also "far", so neither is merged with the other. A team with no
    area id has no known area (Unassigned downstream)."""
    units = {r[0]: r[1:] for r in wh.execute("select team_id, area_name, lead from intermediate.int_units").fetchall()}
    assert units["TF1"] == units["TF2"] == units["TF3"] == ("Far", "Far (AREAF)")
    assert units["TG1"] == ("far", "far (AREAG)")
    assert units["TX1"] == (None, None)


def test_a_recording_gap_is_routed_by_its_own_rows_team_when_the_child_has_no_allocation(wh):
    """docs/conventions.md#attribution: the allocated worker's team, else the source record's own team/worker
    (for a gap, its row's), else the open referral's. A team or worker the extract does not know routes nothing."""
    from csc_compliance.pipeline.dbt_build import dbt_vars, run_dbt_build
    from csc_compliance.quality.gaps import store_gaps
    from csc_compliance.settings.config import load_config

    rows = dict(wh.execute("select cina_assessment_id, _row_number from raw.ssd_cin_assessments").fetchall())
    allocated = wh.execute("select person_id, allocated_team_id, allocated_worker_id from "
                           "intermediate.int_person_attribution where allocated_team_id is not null "
                           "limit 1").fetchall()[0]
    gaps = pd.DataFrame([
        {"rule_id": "R1", "severity": "error", "table": "ssd_cin_assessments", "row_number": rows["A_OWN_TEAM"],
         "record_id": "A_OWN_TEAM", "person_id": "P_UNSEEN", "column": "c", "message": "m"},
        {"rule_id": "R2", "severity": "error", "table": "ssd_cin_assessments", "row_number": rows["A_NO_SUCH_TEAM"],
         "record_id": "A_NO_SUCH_TEAM", "person_id": "P_UNSEEN", "column": "c", "message": "m"},
        # the child's allocation comes first, whatever the row says
        {"rule_id": "R3", "severity": "error", "table": "ssd_cin_assessments", "row_number": rows["A_OWN_TEAM"],
         "record_id": "A_OWN_TEAM", "person_id": allocated[0], "column": "c", "message": "m"},
        {"rule_id": "R4", "severity": "error", "table": "ssd_cp_plans", "row_number": 1,   # no team column
         "record_id": "x", "person_id": "P_UNSEEN", "column": "c", "message": "m"},
    ])
    store_gaps(wh, gaps)
    build = Path(wh.execute("select path from duckdb_databases() where database_name = current_database()")
                 .fetchone()[0]).parent
    run_dbt_build(build / "warehouse.duckdb", build, dbt_vars(load_config(None), D.isoformat()),
                  select="dq_recording_gaps")
    routed = {r[0]: r[1:] for r in wh.execute(
        "select rule_id, worker_id, team_id, area_id, lead from marts.dq_recording_gaps").fetchall()}
    assert routed["R1"] == ("W1", "T1", "AREA1", "Lead North")
    assert routed["R2"] == (None, None, None, "Unassigned")
    assert routed["R3"][:2] == (allocated[2], allocated[1])
    assert routed["R4"] == (None, None, None, "Unassigned")


def test_cp_visit(wh):
    rows = exceptions(wh, "CP_VISIT")
    # the 10th and 12th visits did not see the child (N, unknown flag): the clock runs from the 2nd
    assert rows["CP_A"]["status"] == "overdue" and rows["CP_A"]["due_date"].date() == dt.date(2024, 12, 16)
    assert rows["CP_A"]["days_overdue"] == 4 and rows["CP_A"]["working_days_overdue"] == 4
    # no visit yet: due 10 working days from the plan start, 24 December, within the horizon
    assert rows["CP_B"]["status"] == "due_soon" and rows["CP_B"]["due_date"].date() == dt.date(2024, 12, 24)
    assert "CP_C" not in rows and "CP_D" not in rows
    assert rows["CP_E"]["due_date"].date() == dt.date(2024, 12, 19)
    # a visit before the plan's start does not count; each open plan is its own row
    assert rows["CP_F2"]["due_date"].date() == add_wd(dt.date(2024, 12, 2), 10)
    assert rows["CP_F1"]["due_date"].date() == add_wd(dt.date(2024, 11, 29), 10)
    # a visit dated after D has not happened
    assert rows["CP_G"]["due_date"].date() == add_wd(dt.date(2024, 11, 1), 10)


def test_no_current_plan(wh):
    rows = exceptions(wh, "NO_CURRENT_PLAN")
    assert rows["N_A"]["due_date"].date() == add_wd(dt.date(2024, 11, 15), 10) and rows["N_A"]["status"] == "overdue"
    assert "N_B" not in rows          # NFA
    assert "N_C" not in rows          # on a CIN plan
    assert "N_F" not in rows          # the latest assessment is not authorised yet
    assert rows["N_LAC"]["due_date"].date() == add_wd(dt.date(2024, 6, 3), 10)   # care plan ended
    assert "N_CP_OK" not in rows and "N_LEFT" not in rows
    assert all(r["person_id"] == k for k, r in rows.items())  # record_id is the person id


def test_attribution(wh):
    cp = exceptions(wh, "CP_VISIT")
    # allocated worker (latest-starting open allocation) and its team decide; area and configured lead follow
    assert (cp["CP_A"]["worker_id"], cp["CP_A"]["team_id"], cp["CP_A"]["area_id"], cp["CP_A"]["lead"]) == \
        ("W1", "T1", "AREA1", "Lead North")
    # no allocated worker: the CP plan's ICPC (named by the ICPC's icpc_cp_plan_id) gives team and worker;
    # AREA2 has no configured lead, so its lead is named after the area
    assert (cp["CP_E"]["worker_id"], cp["CP_E"]["team_id"], cp["CP_E"]["lead"]) == ("W2", "T2", "South")
    # nothing known: Unassigned
    assert cp["CP_B"]["lead"] == "Unassigned" and pd.isna(cp["CP_B"]["team_id"])
    # no allocated worker: the assessment's own team and worker
    assess = exceptions(wh, "ASSESS_45WD")
    assert (assess["A_NOREF"]["worker_id"], assess["A_NOREF"]["team_id"]) == ("W2", "T2")
    ncp = exceptions(wh, "NO_CURRENT_PLAN")
    assert (ncp["N_LAC"]["worker_id"], ncp["N_LAC"]["team_id"], ncp["N_LAC"]["lead"]) == ("W1", "T1", "Lead North")
    assert (ncp["N_A"]["worker_id"], ncp["N_A"]["team_id"]) == ("W2", "T2")


def test_rates(wh):
    kv = wh.execute("select * from marts.fct_kpi_values").df()
    la = kv[(kv.level == "la")].set_index("kpi_id")
    # children on open CP plans: P1, P2, P3, P4, P5, P6; in time: P3 (visited 19th), P2 (due soon)
    assert (la.loc["CP_VISIT_RATE", "numerator"], la.loc["CP_VISIT_RATE", "denominator"]) == (2, 6)
    assert la.loc["CP_VISIT_RATE", "value"] == pytest.approx(2 / 6)
    # authorised in the 12 months to D: A_AUTH (on time), NA1, NB1, NC1, NF1
    assert la.loc["ASSESS_45WD_RATE", "denominator"] == 5
    levels = set(kv[kv.kpi_id == "CP_VISIT_RATE"].level)
    assert levels == {"la", "area", "team", "worker"}
    unassigned = kv[(kv.kpi_id == "CP_VISIT_RATE") & (kv.level == "team") & (kv.unit_id == "UNASSIGNED")]
    assert len(unassigned) == 1
