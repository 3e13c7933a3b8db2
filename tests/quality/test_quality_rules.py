"""Each rule kind finds exactly the planted failing rows (by raw row number) and nothing else. The
catalogue and rows are in quality_samples.py, so these tests do not move when the real catalogue grows."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from csc_compliance.quality import QualityError, QualityResult, run_quality_suites, runner
from csc_compliance.quality import gaps as gaps_module
from quality_samples import (
    CATALOGUE,
    DEPARTMENTS,
    EXPECTED,
    GAP_COLUMNS,
    PERSON,
    PLANS,
    VISITS,
    D,
    build_warehouse,
    rule,
)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[QualityResult, object]:
    tmp = tmp_path_factory.mktemp("quality_rules")
    con = build_warehouse(tmp / "warehouse.duckdb", CATALOGUE, {
        "ssd_person": PERSON, "ssd_cp_plans": PLANS, "ssd_cp_visits": VISITS, "ssd_department": DEPARTMENTS})
    result = run_quality_suites(con, CATALOGUE, D, tmp / "data_docs", "manual__2026-11-23T02:00:00+00:00")
    yield result, tmp
    con.close()


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_each_rule_finds_exactly_the_planted_rows(run, rule_id):
    gaps = run[0].gaps
    assert gaps.loc[gaps.rule_id == rule_id, "row_number"].tolist() == EXPECTED[rule_id]


def test_no_other_gaps(run):
    assert set(run[0].gaps.rule_id) == set(EXPECTED)
    assert len(run[0].gaps) == sum(len(v) for v in EXPECTED.values())


def test_gaps_frame_shape_and_order(run):
    gaps = run[0].gaps
    assert list(gaps.columns) == GAP_COLUMNS
    assert gaps["row_number"].dtype == "int64"
    assert gaps.equals(gaps.sort_values(["rule_id", "table", "row_number"]).reset_index(drop=True))


def test_record_and_person_ids(run):
    gaps = run[0].gaps.set_index(["rule_id", "row_number"])
    assert gaps.loc[("PERS_ID_UNIQUE", 4), ["record_id", "person_id"]].tolist() == ["P1", "P1"]
    assert gaps.loc[("PERS_ID_REQUIRED", 2), ["record_id", "person_id"]].tolist() == ["", ""]
    assert gaps.loc[("CPP_PERSON_EXISTS", 8), ["record_id", "person_id"]].tolist() == ["CP8", "p8"]
    assert gaps.loc[("CPV_SEEN_VALID", 4), ["record_id", "person_id", "severity"]].tolist() == ["V4", "P1", "warning"]
    # a table with no person id column: person_id is empty
    assert gaps.loc[("DEPT_ID_UNIQUE", 3), ["record_id", "person_id", "table"]].tolist() == ["T1", "", "ssd_department"]


def test_messages_name_the_column_never_the_value(run):
    gaps = run[0].gaps
    row = gaps[(gaps.rule_id == "PERS_DOB_VALID") & (gaps.row_number == 2)].iloc[0]
    assert row["column"] == "pers_dob"
    assert row["message"] == ("pers_dob is not a valid date "
                              "(accepted: YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff], DD/MM/YYYY)")
    planted = {str(v).strip() for rows in (PERSON, PLANS, VISITS, DEPARTMENTS) for r in rows
               for k, v in r.items() if v and len(str(v).strip()) >= 5} - {D.isoformat()}
    for message in gaps["message"].unique():
        assert not [v for v in planted if v in message], message
    assert gaps.groupby("rule_id")["message"].nunique().eq(1).all()
    assert (gaps.apply(lambda g: g["column"] in g["message"], axis=1)).all()


def test_reference_to_an_absent_parent_is_skipped(run):
    suites = {s["suite"]: s for s in run[0].suites}
    assert "CPV_REFERRAL_EXISTS" in suites["ssd_cp_visits"]["skipped_rules"]
    assert suites["ssd_cp_visits"]["status"] == "failed"
    assert suites["ssd_cp_visits"]["expectations"] == 2
    assert "CPV_REFERRAL_EXISTS" not in set(run[0].gaps.rule_id)


def test_suite_summaries(run):
    suites = {s["suite"]: s for s in run[0].suites}
    assert set(suites) == {"ssd_person", "ssd_cp_plans", "ssd_cp_visits", "ssd_department"}
    person = suites["ssd_person"]
    assert person == {**person, "table": "ssd_person", "expectations": 4, "failed_expectations": 4,
                      "unexpected_rows": 8, "success": False, "status": "failed"}
    for s in suites.values():
        assert set(s) >= {"suite", "table", "expectations", "failed_expectations", "unexpected_rows", "success"}


def test_absent_table_is_skipped(tmp_path):
    con = build_warehouse(tmp_path / "w.duckdb", CATALOGUE, {"ssd_cp_plans": PLANS[:1]})
    try:
        result = run_quality_suites(con, CATALOGUE, D, tmp_path / "dd", "r1")
    finally:
        con.close()
    suites = {s["suite"]: s for s in result.suites}
    assert suites["ssd_person"]["status"] == "skipped" and suites["ssd_person"]["success"] is None
    assert suites["ssd_person"]["skipped_rules"] == ["PERS_ID_REQUIRED", "PERS_ID_UNIQUE", "PERS_DOB_VALID",
                                                     "PERS_DOB_NOT_FUTURE"]
    # the plans table is present, but its reference to ssd_person is skipped since the parent is absent
    assert suites["ssd_cp_plans"]["skipped_rules"] == ["CPP_PERSON_EXISTS"]
    assert suites["ssd_cp_plans"]["success"] is True
    assert result.gaps.empty and list(result.gaps.columns) == GAP_COLUMNS
    assert not (tmp_path / "dd" / "validations" / "ssd_person").exists()
    assert (tmp_path / "dd" / "validations" / "ssd_cp_plans").is_dir()


def test_empty_present_tables(tmp_path):
    data = {t: [] for t in CATALOGUE["tables"]}
    con = build_warehouse(tmp_path / "w.duckdb", CATALOGUE, data)
    try:
        result = run_quality_suites(con, CATALOGUE, D, tmp_path / "dd", "r1")
    finally:
        con.close()
    assert result.gaps.empty and list(result.gaps.columns) == GAP_COLUMNS
    assert all(s["success"] is True for s in result.suites), result.suites
    assert sum(s["expectations"] for s in result.suites) == len(CATALOGUE["rules"])
    assert result.data_docs_index.is_file()


def test_all_null_columns(tmp_path):
    """Optional columns absent from the extract land as all-null: never a gap, except `required`."""
    con = build_warehouse(tmp_path / "w.duckdb", CATALOGUE, {
        "ssd_person": [{}, {}], "ssd_cp_plans": [{}], "ssd_cp_visits": [{}], "ssd_department": [{}]})
    try:
        result = run_quality_suites(con, CATALOGUE, D, tmp_path / "dd", "r1")
    finally:
        con.close()
    assert result.gaps[["rule_id", "row_number"]].values.tolist() == [["PERS_ID_REQUIRED", 1],
                                                                      ["PERS_ID_REQUIRED", 2]]


def test_unknown_kind_is_refused(tmp_path):
    bad = {**CATALOGUE, "rules": [rule("X", "ssd_person", "pers_dob", "sometimes")]}
    con = build_warehouse(tmp_path / "w.duckdb", bad, {"ssd_person": []})
    try:
        with pytest.raises(ValueError, match="unknown kind"):
            run_quality_suites(con, bad, D, tmp_path / "dd", "r1")
    finally:
        con.close()


def test_gx_sees_every_row_not_a_sample(tmp_path):
    """Enough failing rows that any sampling or partial list would show."""
    n = 5000
    con = build_warehouse(tmp_path / "w.duckdb", CATALOGUE, {"ssd_department": []})
    con.execute(f"""INSERT INTO raw.ssd_department (dept_team_id, _row_number, _source_file)
                    SELECT CASE WHEN i % 2 = 0 THEN 'T' || i ELSE 'DUP' END, i + 1, 'd.csv'
                    FROM range({n}) t(i)""")
    try:
        result = run_quality_suites(con, CATALOGUE, D, tmp_path / "dd", "r1")
    finally:
        con.close()
    assert result.gaps.row_number.tolist() == list(range(2, n + 1, 2))
    assert pd.Series(result.gaps.record_id).eq("DUP").all()


def test_gx_evaluation_error_stops_the_run():
    """An expectation GX could not evaluate must not read as 'no failing rows'."""
    result = SimpleNamespace(
        exception_info={"metric-id": {"raised_exception": True, "exception_message": "boom"}},
        expectation_config=SimpleNamespace(meta={"rule_id": "PERS_DOB_NOT_FUTURE"}))
    with pytest.raises(QualityError, match="PERS_DOB_NOT_FUTURE.*boom"):
        runner._raise_on_exceptions("ssd_person", SimpleNamespace(results=[result]))


def test_a_partial_index_list_is_refused():
    assert gaps_module.failing_rows({"unexpected_count": 2, "unexpected_index_list": [
        {"_row_number": ["3", "7"]}]}, "R").tolist() == [3, 7]
    assert gaps_module.failing_rows({"unexpected_count": 2, "unexpected_index_list": [
        {"_row_number": 3, "x": 1}, {"_row_number": 7, "x": 2}]}, "R").tolist() == [3, 7]
    with pytest.raises(gaps_module.GapExtractionError):
        gaps_module.failing_rows({"unexpected_count": 3, "unexpected_index_list": [
            {"_row_number": ["3", "7"]}]}, "R")


def test_consistency_rules_of_the_shipped_catalogue(tmp_path):
    """The `check` rules: an ICPC on a weekend, an ICPC with no s47, a CIN plan open alongside a CP plan,
    two open CIN plans, a young person of 18+ on a plan, a supervision recorded late, seen before birth."""
    from csc_compliance.core.catalogue import rule_catalogue

    catalogue = rule_catalogue()
    wanted = {"ICPC_NOT_ON_WEEKEND", "ICPC_HAS_S47", "CINP_NOT_ALONGSIDE_CP_OR_CARE", "CINP_ONE_OPEN_PER_CHILD",
              "CPPL_UNDER_18", "SUPV_RECORDED_WITHIN_5WD", "CPPV_VISIT_NOT_BEFORE_BIRTH", "CLAE_NO_OVERLAPPING_PERIODS"}
    catalogue = {**catalogue, "rules": [r for r in catalogue["rules"] if r["id"] in wanted]}
    data = {
        "ssd_person": [{"pers_person_id": "P1", "pers_dob": "2015-01-01"},
                       {"pers_person_id": "P2", "pers_dob": "2006-01-01"},
                       {"pers_person_id": "P3", "pers_dob": "2026-06-01"}],
        "ssd_initial_cp_conference": [
            {"icpc_icpc_id": "I1", "icpc_s47_enquiry_id": "S1", "icpc_icpc_date": "2026-11-21"},   # a Saturday
            {"icpc_icpc_id": "I2", "icpc_s47_enquiry_id": "", "icpc_icpc_date": "2026-11-20"},     # no s47
            {"icpc_icpc_id": "I3", "icpc_s47_enquiry_id": "", "icpc_icpc_date": "2026-11-20",
             "icpc_icpc_transfer_in": "Y"},
        ],
        "ssd_cin_plans": [
            {"cinp_cin_plan_id": "C1", "cinp_person_id": "P1", "cinp_cin_plan_start_date": "2026-01-01"},
            {"cinp_cin_plan_id": "C2", "cinp_person_id": "P1", "cinp_cin_plan_start_date": "2026-02-01"},
            {"cinp_cin_plan_id": "C3", "cinp_person_id": "P3", "cinp_cin_plan_start_date": "2026-02-01",
             "cinp_cin_plan_end_date": "2026-03-01"},
        ],
        "ssd_cp_plans": [
            {"cppl_cp_plan_id": "CP1", "cppl_person_id": "P1", "cppl_cp_plan_start_date": "2026-03-01"},
            {"cppl_cp_plan_id": "CP2", "cppl_person_id": "P2", "cppl_cp_plan_start_date": "2023-03-01"},
        ],
        "ssd_ext_supervisions": [
            {"supv_supervision_id": "S1", "supv_person_id": "P1", "supv_supervision_date": "2024-12-20",
             "supv_recorded_date": "2025-01-02"},   # 23, 24, 27, 30, 31 Dec: the 5th working day is the 31st
            {"supv_supervision_id": "S2", "supv_person_id": "P1", "supv_supervision_date": "2024-12-20",
             "supv_recorded_date": "2024-12-31"},
        ],
        "ssd_cp_visits": [
            {"cppv_cp_visit_id": "V1", "cppv_person_id": "P3", "cppv_cp_visit_date": "2026-05-01",
             "cppv_cp_visit_seen": "Y"},
            {"cppv_cp_visit_id": "V2", "cppv_person_id": "P3", "cppv_cp_visit_date": "2026-05-01",
             "cppv_cp_visit_seen": "N"},
        ],
        "ssd_cla_episodes": [
            {"clae_cla_episode_id": "E1", "clae_person_id": "P1", "clae_cla_id": "A",
             "clae_cla_episode_start_date": "2026-01-01", "clae_cla_episode_ceased_date": "2026-03-01"},
            {"clae_cla_episode_id": "E2", "clae_person_id": "P1", "clae_cla_id": "B",
             "clae_cla_episode_start_date": "2026-02-01"},
            {"clae_cla_episode_id": "E3", "clae_person_id": "P2", "clae_cla_id": "C",
             "clae_cla_episode_start_date": "2026-01-01", "clae_cla_episode_ceased_date": "2026-02-01"},
            {"clae_cla_episode_id": "E4", "clae_person_id": "P2", "clae_cla_id": "D",
             "clae_cla_episode_start_date": "2026-02-01"},
        ],
    }
    con = build_warehouse(tmp_path / "w.duckdb", catalogue, data)
    try:
        gaps = run_quality_suites(con, catalogue, D, tmp_path / "dd", "r1").gaps
    finally:
        con.close()
    found = {(g.rule_id, g.record_id) for g in gaps.itertuples()}
    assert found == {
        ("ICPC_NOT_ON_WEEKEND", "I1"), ("ICPC_HAS_S47", "I2"),
        ("CINP_ONE_OPEN_PER_CHILD", "C1"), ("CINP_ONE_OPEN_PER_CHILD", "C2"),
        ("CINP_NOT_ALONGSIDE_CP_OR_CARE", "C1"), ("CINP_NOT_ALONGSIDE_CP_OR_CARE", "C2"),
        ("CPPL_UNDER_18", "CP2"), ("SUPV_RECORDED_WITHIN_5WD", "S1"), ("CPPV_VISIT_NOT_BEFORE_BIRTH", "V1"),
        ("CLAE_NO_OVERLAPPING_PERIODS", "E1"), ("CLAE_NO_OVERLAPPING_PERIODS", "E2"),
    }, found


def test_dept_parent_name_flags_only_the_teams_spelling_the_area_otherwise(tmp_path):
    """An area's name is the spelling most of its teams give, ties to the first in file order, counted over
    the teams as staged (first row per team id), as int_units chooses it (docs/conventions.md#attribution):
    only the teams spelling it otherwise are flagged, not every team of the area."""
    from csc_compliance.core.catalogue import rule_catalogue

    catalogue = rule_catalogue()
    catalogue = {**catalogue, "rules": [r for r in catalogue["rules"] if r["id"] == "DEPT_PARENT_NAME_CONSISTENT"]}

    def team(team_id, area_id, area_name):
        return {"dept_team_id": team_id, "dept_team_parent_id": area_id, "dept_team_parent_name": area_name}

    departments = [
        team("T1", "AN", "North"), team("T2", "AN", " North "), team("T3", "AN", "Nrth"),  # 3 North, 1 Nrth
        team("T4", "AN", "North"),
        team("T5", "AE", "East"), team("T6", "AE", "Est"),      # 1-1 tie: East is first in file order
        team("T7", "AW", "Wst"), team("T8", "AW", "West"),      # 1-1 tie: Wst is first in file order
        team("T8", "AW", "West"),                                # a repeated team id is not a second vote
        team("T9", "AS", "South"), team("T10", "AS", "South"), team("T11", "AS", ""),  # consistent; blank n/a
    ]
    con = build_warehouse(tmp_path / "w.duckdb", catalogue, {"ssd_department": departments})
    try:
        gaps = run_quality_suites(con, catalogue, D, tmp_path / "dd", "r1").gaps
    finally:
        con.close()
    assert gaps[["row_number", "record_id"]].values.tolist() == [[3, "T3"], [6, "T6"], [8, "T8"], [9, "T8"]]
    assert set(gaps.rule_id) == {"DEPT_PARENT_NAME_CONSISTENT"}
