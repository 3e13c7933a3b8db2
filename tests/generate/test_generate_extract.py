"""The synthetic extract generator (csc_compliance.generate) on the demo profile: files and columns,
determinism, manifest, sentinel expectations, planted recording gaps, formats and realism."""
import datetime as dt
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from csc_compliance.generate import (  # noqa: E402
    PROFILES,
    generate_extract,
    names,
)
from csc_compliance.generate.gaps import KINDS  # noqa: E402
from csc_compliance.generate.schema import TABLES  # noqa: E402
from gen_helpers import DUE_COLUMNS, NO, YES, is_open, parse_date, read_table, safe_date  # noqa: E402

AS_AT = dt.date(2026, 11, 20)
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs/ssd-schema"   # the SSD YAML, in the repository
SSD_TABLES = ["ssd_person", "ssd_family", "ssd_department", "ssd_professionals", "ssd_involvements",
              "ssd_cin_episodes", "ssd_cin_assessments", "ssd_cin_plans", "ssd_cin_visits", "ssd_s47_enquiry",
              "ssd_initial_cp_conference", "ssd_cp_plans", "ssd_cp_visits", "ssd_cp_reviews", "ssd_cla_episodes",
              "ssd_cla_placement", "ssd_cla_visits", "ssd_cla_reviews", "ssd_cla_care_plan", "ssd_care_leavers",
              "ssd_pre_proceedings"]
EXTENSIONS = {  # docs/contract.md#extension-tables
    "ssd_ext_core_groups": ["cogr_core_group_id", "cogr_person_id", "cogr_cp_plan_id", "cogr_meeting_date",
                            "cogr_team", "cogr_worker_id"],
    "ssd_ext_supervisions": ["supv_supervision_id", "supv_person_id", "supv_supervision_date",
                             "supv_recorded_date", "supv_supervisor_id", "supv_worker_id"],
    "ssd_ext_cin_reviews": ["cinr_review_id", "cinr_cin_plan_id", "cinr_person_id", "cinr_review_date"],
}
VARIANTS = {"ssd_person": ["pers_upn", "pers_forename", "pers_surname", "pers_single_unique_id"],
            "ssd_cla_reviews": ["clar_cla_person_id"]}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "extract"
    report = generate_extract(profile="demo", seed=42, as_at=AS_AT, out_dir=out)
    return report, out


@pytest.fixture(scope="module")
def tables(demo):
    _, out = demo
    return {t: read_table(out, t) for t in TABLES}


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---- files, columns, manifest -------------------------------------------------------------------

def test_every_table_is_written_once_with_the_ssd_columns(demo, tables):
    report, out = demo
    assert set(TABLES) == set(SSD_TABLES) | set(EXTENSIONS)
    for table in TABLES:
        files = [p.name for p in out.iterdir() if p.stem == table]
        expected = f"{table}.parquet" if table in ("ssd_cp_visits", "ssd_department") else f"{table}.csv"
        assert files == [expected], table
        header, rows = tables[table]
        assert report.tables[table] == len(rows) > 0, table
        if table in EXTENSIONS:
            assert header == EXTENSIONS[table]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{t}.parquet" if t in ("ssd_cp_visits", "ssd_department") else f"{t}.csv" for t in TABLES]
        + ["_planted.json", "manifest.json"])


def test_columns_follow_the_ssd_yaml_order_then_the_1_4_5_variants(tables):
    for table in SSD_TABLES:
        docs = [d for d in yaml.safe_load_all((SCHEMA_DIR / f"{table}.yml").read_text()) if d]
        fields = [f["name"] for d in docs for n in d["nodes"] if n["name"] == table for f in n["fields"]]
        assert tables[table][0] == fields + VARIANTS.get(table, []), table


def test_parquet_tables_mix_a_native_date_with_strings(demo):
    import duckdb

    _, out = demo
    con = duckdb.connect()
    types = dict((r[0], r[1]) for r in con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{out / 'ssd_cp_visits.parquet'}')").fetchall())
    assert types.pop("cppv_cp_visit_date") == "DATE"
    assert set(types.values()) == {"VARCHAR"}
    types = {r[1] for r in con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{out / 'ssd_department.parquet'}')").fetchall()}
    assert types == {"VARCHAR"}


def test_manifest_is_written_last_and_names_the_date_and_authority(demo):
    report, out = demo
    assert json.loads((out / "manifest.json").read_text()) == {"as_at": "2026-11-20", "authority": "DEMO"}
    manifest_time = (out / "manifest.json").stat().st_mtime_ns
    assert all(p.stat().st_mtime_ns <= manifest_time for p in out.iterdir())
    assert json.loads((out / "_planted.json").read_text()) == report.planted


def test_same_seed_same_bytes_other_seed_other_data_and_a_rerun_may_overwrite(demo, tmp_path):
    _, out = demo
    again = tmp_path / "again"
    generate_extract("demo", 42, AS_AT, again)
    assert digest(again) == digest(out)
    generate_extract("demo", 42, AS_AT, again)            # our own earlier output may be replaced
    assert digest(again) == digest(out)
    other = tmp_path / "other"
    generate_extract("demo", 43, AS_AT, other)
    d1, d2 = digest(out), digest(other)
    assert d1["manifest.json"] == d2["manifest.json"]
    assert sum(d1[k] != d2[k] for k in d1) >= 20


def test_refuses_a_folder_holding_other_files_and_bad_arguments(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="notes.txt"):
        generate_extract("demo", 1, AS_AT, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    with pytest.raises(ValueError, match="profile"):
        generate_extract("nope", 1, AS_AT, tmp_path / "x")
    with pytest.raises(ValueError, match="as_at"):
        generate_extract("demo", 1, "2026-11-20", tmp_path / "x")
    assert set(PROFILES) >= {"demo", "large"}


# ---- sentinels ----------------------------------------------------------------------------------

def test_planted_sentinels_have_the_agreed_shape(demo, tables):
    report, _ = demo
    keys = {"kpi_id", "person_id", "record_id", "status", "due_date", "days_overdue", "worker_id", "team_id",
            "area_id"}
    first3 = [p for p in report.planted if p["kpi_id"] in ("ASSESS_45WD", "CP_VISIT", "NO_CURRENT_PLAN")]
    assert len(first3) >= 9
    assert {(p["kpi_id"], p["status"]) for p in first3} >= {
        (k, s) for k in ("ASSESS_45WD", "CP_VISIT", "NO_CURRENT_PLAN") for s in ("overdue", "due_soon", "none")}
    assert len({(p["kpi_id"], p["record_id"]) for p in report.planted}) == len(report.planted)
    workers = {r["prof_professional_id"] for r in tables["ssd_professionals"][1]}
    teams = {r["dept_team_id"]: r["dept_team_parent_id"] for r in tables["ssd_department"][1]}
    persons = {r["pers_person_id"] for r in tables["ssd_person"][1]}
    for p in report.planted:
        assert set(p) == keys
        assert p["status"] in ("overdue", "due_soon", "none")
        assert p["person_id"].startswith("SENT") and p["person_id"] in persons
        if p["status"] == "none":
            assert p["due_date"] is None and p["days_overdue"] is None
        if p["status"] == "due_soon":
            assert p["days_overdue"] is None and p["due_date"] >= AS_AT.isoformat()
        if p["status"] == "overdue" and p["due_date"]:
            assert p["days_overdue"] == (AS_AT - dt.date.fromisoformat(p["due_date"])).days > 0
        if p["worker_id"]:
            assert p["worker_id"] in workers and teams[p["team_id"]] == p["area_id"]


def test_sentinel_expectations_match_hand_computed_dates(demo):
    """D = Fri 2026-11-20; dates counted by hand on a calendar (no bank holidays in Oct-Nov 2026)."""
    report, _ = demo
    got = {(p["kpi_id"], p["person_id"]): p for p in report.planted if p["status"] != "none"}
    expect = [
        # referral 52 working days ago: due 45 wd after = 7 wd before D = Wed 11 Nov
        ("ASSESS_45WD", "SENT0001", "overdue", "2026-11-11", 9),
        ("ASSESS_45WD", "SENT0002", "due_soon", "2026-11-20", None),    # due today: not yet overdue
        ("ASSESS_45WD", "SENT0003", "due_soon", "2026-11-25", None),
        # latest seen visit Fri 30 Oct (15 wd ago) + 10 wd = Fri 13 Nov
        ("CP_VISIT", "SENT0006", "overdue", "2026-11-13", 7),
        # seen Mon 2 Nov (14 wd ago); the visit 4 wd ago was not seen: Mon 16 Nov
        ("CP_VISIT", "SENT0007", "overdue", "2026-11-16", 4),
        ("CP_VISIT", "SENT0008", "overdue", "2026-11-18", 2),           # no visit: plan start Wed 4 Nov + 10
        ("CP_VISIT", "SENT0010", "due_soon", "2026-11-25", None),
        # authorised Fri 23 Oct (20 wd ago) + 10 wd = Fri 6 Nov
        ("NO_CURRENT_PLAN", "SENT0012", "overdue", "2026-11-06", 14),
        ("NO_CURRENT_PLAN", "SENT0013", "due_soon", "2026-11-24", None),
    ]
    for kpi, pid, status, due, days in expect:
        p = got[(kpi, pid)]
        assert (p["status"], p["due_date"], p["days_overdue"]) == (status, due, days), (kpi, pid)
    nones = {(p["kpi_id"], p["person_id"]) for p in report.planted if p["status"] == "none"}
    assert {("ASSESS_45WD", "SENT0004"), ("ASSESS_45WD", "SENT0005"), ("CP_VISIT", "SENT0009"),
            ("NO_CURRENT_PLAN", "SENT0014"), ("NO_CURRENT_PLAN", "SENT0016"),
            ("NO_CURRENT_PLAN", "SENT0018")} <= nones
    assert got[("NO_CURRENT_PLAN", "SENT0017")]["status"] == "overdue"   # looked after, no open care plan


def test_no_bulk_row_touches_a_sentinel(demo, tables):
    report, _ = demo
    sentinel_records = {p["record_id"] for p in report.planted}
    for g in report.gaps:
        assert not str(g["record_id"] or "").startswith("SENT")
    for table, (header, rows) in tables.items():
        id_col = header[0]
        ids = Counter(r[id_col] for r in rows if r[id_col] and r[id_col].startswith("SENT"))
        assert all(n == 1 for n in ids.values()), table
        for r in rows:
            if r[id_col] in sentinel_records:
                assert all(not (v or "").startswith(("99", "REF9", "CPP9")) or c == "pers_common_child_id"
                           or c == "pers_single_unique_id" for c, v in r.items())


# ---- recording gaps -----------------------------------------------------------------------------

def test_each_gap_kind_is_planted_a_few_times_where_the_report_says(demo, tables):
    report, _ = demo
    kinds = Counter(g["kind"] for g in report.gaps)
    assert set(kinds) == set(KINDS)
    assert min(kinds.values()) >= 3, kinds
    for g in report.gaps:
        header, rows = tables[g["table"]]
        row = rows[g["row_number"] - 1]
        if g["kind"] == "cin_plan_open_with_cp":
            cp = {r["cppl_cp_plan_id"]: r for r in tables["ssd_cp_plans"][1]}[g["value"]]
            assert row["cinp_cin_plan_end_date"] is None and row["cinp_person_id"] == cp["cppl_person_id"]
            assert cp["cppl_cp_plan_end_date"] is None
            continue
        assert row[g["column"]] == g["value"], g
        if g["kind"] == "duplicate_key":
            assert sum(r[g["column"]] == g["value"] for r in rows) >= 2
        if g["kind"] == "future_date":
            assert parse_date(g["value"]) > AS_AT
        if g["kind"] == "unparseable_date":
            with pytest.raises(ValueError):
                parse_date(g["value"])
        if g["kind"] == "unknown_flag":
            assert g["value"].upper() not in YES | NO
        if g["kind"] == "icpc_on_weekend":
            assert parse_date(g["value"]).weekday() >= 5
        if g["kind"] == "supervision_recorded_late":
            assert (parse_date(row["supv_recorded_date"]) - parse_date(row["supv_supervision_date"])).days > 7
    # the planted late recordings are the only ones more than 5 working days late
    from csc_compliance.generate.workcal import add_wd
    late = [i for i, r in enumerate(tables["ssd_ext_supervisions"][1], start=1)
            if safe_date(r["supv_recorded_date"]) > add_wd(safe_date(r["supv_supervision_date"]), 5)]
    assert late == sorted(g["row_number"] for g in report.gaps if g["kind"] == "supervision_recorded_late")


def test_references_hold_except_where_a_gap_was_planted(demo, tables):
    report, _ = demo
    planted = {(g["table"], g["column"], g["value"]) for g in report.gaps}

    def keys(table, col):
        return {r[col] for r in tables[table][1] if r[col]}

    checks = [("ssd_cin_assessments", "cina_referral_id", "ssd_cin_episodes", "cine_referral_id"),
              ("ssd_cin_visits", "cinv_person_id", "ssd_person", "pers_person_id"),
              ("ssd_cp_visits", "cppv_cp_plan_id", "ssd_cp_plans", "cppl_cp_plan_id"),
              ("ssd_cp_plans", "cppl_icpc_id", "ssd_initial_cp_conference", "icpc_icpc_id"),
              ("ssd_cla_episodes", "clae_cla_placement_id", "ssd_cla_placement", "clap_cla_placement_id"),
              ("ssd_cla_placement", "clap_cla_id", "ssd_cla_episodes", "clae_cla_id"),
              ("ssd_cla_visits", "clav_cla_id", "ssd_cla_episodes", "clae_cla_id"),
              ("ssd_cla_reviews", "clar_cla_id", "ssd_cla_episodes", "clae_cla_id"),
              ("ssd_involvements", "invo_professional_id", "ssd_professionals", "prof_professional_id"),
              ("ssd_involvements", "invo_professional_team", "ssd_department", "dept_team_id"),
              ("ssd_involvements", "invo_person_id", "ssd_person", "pers_person_id"),
              ("ssd_ext_core_groups", "cogr_cp_plan_id", "ssd_cp_plans", "cppl_cp_plan_id"),
              ("ssd_ext_cin_reviews", "cinr_cin_plan_id", "ssd_cin_plans", "cinp_cin_plan_id"),
              ("ssd_initial_cp_conference", "icpc_s47_enquiry_id", "ssd_s47_enquiry", "s47e_s47_enquiry_id"),
              ("ssd_care_leavers", "clea_person_id", "ssd_person", "pers_person_id"),
              ("ssd_family", "fami_person_id", "ssd_person", "pers_person_id")]
    for table, col, parent, parent_col in checks:
        broken = keys(table, col) - keys(parent, parent_col)
        assert all((table, col, b) in planted for b in broken), (table, col, sorted(broken)[:5])
    transfer_in = [r for r in tables["ssd_initial_cp_conference"][1] if r["icpc_icpc_transfer_in"].upper() in YES]
    assert transfer_in and all(r["icpc_s47_enquiry_id"] is None for r in transfer_in)


def test_nothing_is_dated_after_as_at_except_planted_future_dates(demo, tables):
    report, _ = demo
    future = {(g["table"], g["row_number"], g["column"]) for g in report.gaps if g["kind"] == "future_date"}
    unparseable = {(g["table"], g["row_number"], g["column"]) for g in report.gaps if g["kind"] == "unparseable_date"}
    due_later = 0
    for table, (header, rows) in tables.items():
        date_cols = [c for c in header if c.endswith(("_date", "_dob", "_due")) or c in DUE_COLUMNS]
        for i, row in enumerate(rows, start=1):
            for c in date_cols:
                try:
                    d = parse_date(row[c])
                except ValueError:
                    assert (table, i, c) in unparseable, (table, i, c, row[c])
                    continue
                if d is None or d <= AS_AT:
                    continue
                if c in DUE_COLUMNS:
                    due_later += 1
                else:
                    assert (table, i, c) in future, (table, i, c, row[c])
    assert due_later > 0   # planned due and target dates may lie after as_at


def test_flags_use_the_accepted_spellings_except_planted_unknowns(demo, tables):
    report, _ = demo
    unknown = {(g["table"], g["row_number"], g["column"]) for g in report.gaps if g["kind"] == "unknown_flag"}
    spellings = Counter()
    for table, (header, rows) in tables.items():
        flags = [c for c in header if c.endswith(("_flag", "_seen", "_seen_alone", "_nfa", "_cancelled",
                                                  "_transfer_in", "_bedroom", "_cp_flag"))]
        for i, row in enumerate(rows, start=1):
            for c in flags:
                v = row[c]
                if v is None:
                    continue
                spellings[v] += 1
                assert v.upper() in YES | NO or (table, i, c) in unknown, (table, i, c, v)
    assert {"Y", "N", "Yes", "No", "1", "0", "True", "False"} <= set(spellings)
    assert spellings["Y"] > spellings["Yes"] + spellings["1"] + spellings["True"]


# ---- formats ------------------------------------------------------------------------------------

def test_format_variants_are_all_exercised(demo, tables):
    _, out = demo
    assert (out / "ssd_cin_plans.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    crlf = (out / "ssd_cla_reviews.csv").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 100
    assert b"\r\n" not in (out / "ssd_person.csv").read_bytes()
    assert tables["ssd_cin_episodes"][1][0]["cine_referral_date"].endswith(" 00:00:00.000")
    assert "/" in tables["ssd_cin_visits"][1][0]["cinv_cin_visit_date"]
    texts = [v for t in ("ssd_involvements", "ssd_cla_placement") for r in tables[t][1] for v in r.values() if v]
    assert any("\n" in v and "," in v for v in texts) and any('"' in v and "," in v for v in texts)
    person_bytes = (out / "ssd_person.csv").read_bytes()
    assert person_bytes.count(b"\n") == len(tables["ssd_person"][1]) + 1   # no multi-line person rows


JSON_KEYS = {
    ("ssd_cin_episodes", "cine_referral_outcome_json"): ["SINGLE_ASSESSMENT_FLAG", "NFA_FLAG",
        "STRATEGY_DISCUSSION_FLAG", "CLA_REQUEST_FLAG", "NON_AGENCY_ADOPTION_FLAG", "PRIVATE_FOSTERING_FLAG",
        "CP_TRANSFER_IN_FLAG", "CP_CONFERENCE_FLAG", "CARE_LEAVER_FLAG", "OTHER_OUTCOMES_EXIST_FLAG"],
    ("ssd_cin_assessments", "cina_assessment_outcome_json"): ["NFA_FLAG", "NFA_S47_END_FLAG",
        "STRATEGY_DISCUSSION_FLAG", "CLA_REQUEST_FLAG", "PRIVATE_FOSTERING_FLAG", "LEGAL_ACTION_FLAG",
        "PROV_OF_SERVICES_FLAG", "PROV_OF_SB_CARE_FLAG", "SPECIALIST_ASSESSMENT_FLAG",
        "REFERRAL_TO_OTHER_AGENCY_FLAG", "OTHER_ACTIONS_FLAG", "OTHER_OUTCOMES_EXIST_FLAG",
        "TOTAL_NO_OF_OUTCOMES", "COMMENTS"],
    ("ssd_s47_enquiry", "s47e_s47_outcome_json"): ["NFA_FLAG", "LEGAL_ACTION_FLAG", "PROV_OF_SERVICES_FLAG",
        "PROV_OF_SB_CARE_FLAG", "CP_CONFERENCE_FLAG", "NFA_CONTINUE_SINGLE_FLAG", "MONITOR_FLAG",
        "OTHER_OUTCOMES_EXIST_FLAG", "TOTAL_NO_OF_OUTCOMES", "OUTCOME_COMMENTS"],
    ("ssd_initial_cp_conference", "icpc_icpc_outcome_json"): ["NFA_FLAG", "REFERRAL_TO_OTHER_AGENCY_FLAG",
        "SINGLE_ASSESSMENT_FLAG", "PROV_OF_SERVICES_FLAG", "CP_FLAG", "OTHER_OUTCOMES_EXIST_FLAG",
        "TOTAL_NO_OF_OUTCOMES", "COMMENTS"],
    ("ssd_cla_care_plan", "lacp_cla_care_plan_json"): ["REMAINSUP", "RETURN1M", "RETURN6M", "RETURNEV",
        "LTRELFR", "LTFOST18", "RESPLMT", "SUPPLIV", "ADOPTION", "OTHERPLN"],
}


def test_json_columns_are_compact_for_json_with_the_yaml_keys(tables):
    for (table, col), keys in JSON_KEYS.items():
        values = [r[col] for r in tables[table][1] if r[col]]
        assert values, (table, col)
        for v in values:
            obj = json.loads(v)
            assert list(obj) == keys, (table, col)
            assert json.dumps(obj, separators=(",", ":")) == v          # compact, as FOR JSON writes it
    s47 = [json.loads(r["s47e_s47_outcome_json"]) for r in tables["ssd_s47_enquiry"][1] if r["s47e_s47_outcome_json"]]
    assert {o["CP_CONFERENCE_FLAG"] for o in s47} == {"Y", "N"}


# ---- the fictional authority and its children ---------------------------------------------------

def test_names_are_invented_and_numbers_are_test_range(tables):
    for r in tables["ssd_person"][1]:
        if r["pers_forename"]:
            assert names.is_generated_forename(r["pers_forename"]), r["pers_forename"]
        assert names.is_generated_surname(r["pers_surname"]), r["pers_surname"]
        assert r["pers_common_child_id"].startswith("999") and r["pers_single_unique_id"].startswith("999")
    assert all(names.is_generated_name(r["prof_professional_name"]) for r in tables["ssd_professionals"][1])


def test_organisation_areas_teams_and_workforce(tables):
    depts = tables["ssd_department"][1]
    areas = {r["dept_team_id"]: r["dept_team_name"] for r in depts if r["dept_team_parent_id"] is None}
    assert areas == {"A1": "North Locality", "A2": "South Locality", "A3": "East Locality"}
    teams = [r for r in depts if r["dept_team_parent_id"]]
    assert len(teams) == 9 and all(areas[r["dept_team_parent_id"]] == r["dept_team_parent_name"] for r in teams)
    profs = tables["ssd_professionals"][1]
    titles = Counter(r["prof_professional_job_title"] for r in profs)
    assert titles["Team Manager"] == 9 and titles["Family Support Worker"] >= 3
    social = [r for r in profs if "Manager" not in r["prof_professional_job_title"]
              and r["prof_professional_job_title"] not in ("Family Support Worker", "Personal Advisor")]
    agency = sum(r["prof_agency_worker_flag"] == "Y" for r in social) / len(social)
    assert 0.08 <= agency <= 0.25


def allocated_at(tables, D):
    """Per child: the allocated worker at D (docs/conventions.md#attribution) and whether the child has an open case."""
    open_case = set()
    for table, pid, s, e in (("ssd_cin_episodes", "cine_person_id", "cine_referral_date", "cine_close_date"),
                             ("ssd_cin_plans", "cinp_person_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
                             ("ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
                             ("ssd_cla_episodes", "clae_person_id", "clae_cla_episode_start_date",
                              "clae_cla_episode_ceased_date")):
        for r in tables[table][1]:
            if is_open(safe_date(r[s]), safe_date(r[e]), D):
                open_case.add(r[pid])
    best = {}
    for r in tables["ssd_involvements"][1]:
        if (r["invo_professional_role_id"] or "").strip().upper() not in ("ALLOCATED CASE WORKER", "CW"):
            continue
        start, end = safe_date(r["invo_involvement_start_date"]), safe_date(r["invo_involvement_end_date"])
        if is_open(start, end, D):
            key = (start, r["invo_involvements_id"])
            if r["invo_person_id"] not in best or key > best[r["invo_person_id"]][0]:
                best[r["invo_person_id"]] = (key, r["invo_professional_id"])
    return open_case, {p: w for p, (_, w) in best.items()}


def test_caseloads_unallocated_and_manager_held_cases(tables):
    open_case, worker_of = allocated_at(tables, AS_AT)
    caseload = Counter(worker_of[p] for p in open_case if p in worker_of)
    assert max(caseload.values()) >= 25
    unallocated = [p for p in open_case if p not in worker_of]
    assert 0.01 <= len(unallocated) / len(open_case) <= 0.06
    managers = {r["prof_professional_id"] for r in tables["ssd_professionals"][1]
                if "manager" in r["prof_professional_job_title"].lower()}
    assert sum(worker_of[p] in managers for p in open_case if p in worker_of) >= 3
    n_social = len({w for w in caseload if w not in managers})
    assert 12 <= len(open_case) / n_social <= 22          # about one worker per 15-20 open cases
    roles = Counter(r["invo_professional_role_id"] for r in tables["ssd_involvements"][1])
    assert {"ALLOCATED CASE WORKER", "CW", " cw", "Allocated Case Worker", "Family Support Worker"} <= set(roles)
    teams = {r["dept_team_id"] for r in tables["ssd_department"][1]}
    assert {r["invo_professional_team"] for r in tables["ssd_involvements"][1]} <= teams


def test_journeys_have_the_shapes_the_measures_look_for(tables):
    D = AS_AT
    rows = lambda t: tables[t][1]  # noqa: E731
    # assessments: some authorised late, some open past 45 working days, some never authorised
    asm = rows("ssd_cin_assessments")
    assert sum(r["cina_assessment_auth_date"] is None for r in asm) > 20
    # CP plans: repeats, and plans open over 18 months and over 2 years
    cp = [(r["cppl_person_id"], safe_date(r["cppl_cp_plan_start_date"]), safe_date(r["cppl_cp_plan_end_date"]))
          for r in rows("ssd_cp_plans")]
    starts = defaultdict(list)
    for p, s, _ in cp:
        if s:
            starts[p].append(s)
    recent = [(p, s) for p, s, _ in cp if s and D - dt.timedelta(days=365) < s <= D]
    repeats = sum(any(o < s for o in starts[p]) for p, s in recent) / len(recent)
    assert 0.15 <= repeats <= 0.35, repeats
    open_cp = [s for _, s, e in cp if is_open(s, e, D)]
    assert sum(s <= D - dt.timedelta(days=548) for s in open_cp) >= 2
    assert sum(s <= D - dt.timedelta(days=731) for s in open_cp) >= 1
    # ICPCs: about 40% later than 15 working days after the s47 started
    s47 = {r["s47e_s47_enquiry_id"]: safe_date(r["s47e_s47_start_date"]) for r in rows("ssd_s47_enquiry")}
    from csc_compliance.generate.workcal import add_wd
    late = [safe_date(r["icpc_icpc_date"]) > add_wd(s47[r["icpc_s47_enquiry_id"]], 15)
            for r in rows("ssd_initial_cp_conference") if r["icpc_s47_enquiry_id"] in s47
            and safe_date(r["icpc_icpc_date"])]
    assert 0.25 <= sum(late) / len(late) <= 0.55
    # periods of care split into several episodes, each with the entered-care date
    eps = Counter(r["clae_cla_id"] for r in rows("ssd_cla_episodes"))
    assert sum(n > 1 for n in eps.values()) > 20
    assert all(r["clae_entered_care_date"] for r in rows("ssd_cla_episodes"))
    types = Counter(r["clap_cla_placement_type"] for r in rows("ssd_cla_placement"))
    assert {"U1", "U4", "U6"} <= set(types)
    cancelled = Counter(r["clar_cla_review_cancelled"] for r in rows("ssd_cla_reviews"))
    assert cancelled["Y"] > 5 and cancelled["True"] > 0
    # care leavers: reviews over 6 months old and some never recorded
    ppr = [safe_date(r["clea_pathway_plan_review_date"]) for r in rows("ssd_care_leavers")]
    assert sum(d is None for d in ppr) >= 1 and sum(d is not None and d < D - dt.timedelta(days=183) for d in ppr) >= 2
    # pre-proceedings: families of siblings, some running past 16 and 26 weeks, some concluded
    prep = rows("ssd_pre_proceedings")
    assert max(Counter(r["prep_plo_family_id"] for r in prep).values()) >= 2
    running = [D - (safe_date(r["prep_initial_pre_pro_meeting_date"]) or safe_date(r["prep_pre_pro_decision_date"]))
               for r in prep if r["prep_pre_pro_outcome"] is None and not r["prep_agree_stepdown_issue_date"]]
    assert any(x.days >= 182 for x in running) and any(112 <= x.days < 182 for x in running)
    assert any(r["prep_pre_pro_outcome"] for r in prep)
    # families: siblings share a family id
    assert max(Counter(r["fami_family_id"] for r in rows("ssd_family")).values()) >= 3
    # supervisions: most recorded the same day, some more than 5 working days later
    sup = rows("ssd_ext_supervisions")
    same = sum(r["supv_recorded_date"] == r["supv_supervision_date"] for r in sup) / len(sup)
    assert 0.7 <= same <= 0.9
    # source records carry the team and worker of the time
    assert sum(bool(r["cina_assessment_team"]) for r in asm) / len(asm) > 0.95


def test_demo_is_about_two_thousand_children_and_fast(demo):
    report, _ = demo
    assert 1950 <= report.tables["ssd_person"] <= 2100
    assert report.authority == "DEMO"


def test_any_as_at_works_a_sunday_after_christmas(tmp_path):
    """The sentinels are designed relative to as_at; on a non-working day the same rules still hold."""
    from csc_compliance.generate.sentinels import item_status

    as_at = dt.date(2027, 1, 3)
    report = generate_extract("demo", 5, as_at, tmp_path / "sunday")
    assert json.loads((tmp_path / "sunday" / "manifest.json").read_text())["as_at"] == "2027-01-03"
    for p in report.planted:
        if p["status"] != "none" and p["due_date"]:
            assert item_status(dt.date.fromisoformat(p["due_date"]), as_at)[0] == p["status"]
    assert {p["status"] for p in report.planted if p["kpi_id"] == "ASSESS_45WD"} >= {"overdue", "due_soon", "none"}


def test_nothing_ends_before_it_starts_except_planted_gaps(demo, tables):
    report, _ = demo
    planted = {(g["table"], g["row_number"]) for g in report.gaps}
    pairs = [("ssd_cin_episodes", "cine_referral_date", "cine_close_date"),
             ("ssd_cin_assessments", "cina_assessment_start_date", "cina_assessment_auth_date"),
             ("ssd_cin_plans", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
             ("ssd_s47_enquiry", "s47e_s47_start_date", "s47e_s47_end_date"),
             ("ssd_cp_plans", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
             ("ssd_cla_episodes", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
             ("ssd_cla_episodes", "clae_entered_care_date", "clae_cla_episode_start_date"),
             ("ssd_cla_placement", "clap_cla_placement_start_date", "clap_cla_placement_end_date"),
             ("ssd_involvements", "invo_involvement_start_date", "invo_involvement_end_date"),
             ("ssd_cla_care_plan", "lacp_cla_care_plan_start_date", "lacp_cla_care_plan_end_date"),
             ("ssd_ext_supervisions", "supv_supervision_date", "supv_recorded_date"),
             ("ssd_pre_proceedings", "prep_pre_pro_decision_date", "prep_initial_pre_pro_meeting_date")]
    for table, start, end in pairs:
        for i, r in enumerate(tables[table][1], start=1):
            s, e = safe_date(r[start]), safe_date(r[end])
            assert not (s and e and e < s) or (table, i) in planted, (table, i, r[start], r[end])
    # every referral has someone recorded against it
    refs = tables["ssd_cin_episodes"][1]
    assert sum(r["cine_referral_worker_id"] is None for r in refs) / len(refs) < 0.01
