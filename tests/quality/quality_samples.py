"""Shared by the data-quality tests: a small hand-built warehouse in a temporary DuckDB file, shaped as the
landing step leaves it (every catalogue column VARCHAR, `_row_number`, `_source_file`,
meta.table_availability, the csc_parse_* macros), and a small catalogue with planted rows."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from csc_compliance.core.parsing import create_macros
from csc_compliance.core.workdays import calendar_frame


def build_warehouse(path: Path, catalogue: dict, data: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    """Every catalogue table as raw.<table>; tables named in `data` are present with those rows (in file
    order, _row_number from 1), the others absent (zero rows, present = false)."""
    con = duckdb.connect(str(path))
    create_macros(con)  # the one definition the landing step uses
    # the working-day calendar dbt builds before validation runs (rules on working days read it)
    calendar = calendar_frame(dt.date(2000, 1, 1), dt.date(2030, 12, 31))  # noqa: F841 (read by name in SQL)
    con.execute("CREATE SCHEMA IF NOT EXISTS intermediate")
    con.execute("CREATE OR REPLACE TABLE intermediate.int_calendar AS SELECT * FROM calendar")
    con.execute("CREATE SCHEMA IF NOT EXISTS raw; CREATE SCHEMA IF NOT EXISTS meta")
    con.execute("CREATE OR REPLACE TABLE meta.table_availability (table_name VARCHAR, present BOOLEAN)")
    for table, spec in catalogue["tables"].items():
        cols = list(spec["columns"])
        ddl = ", ".join(f'"{c}" VARCHAR' for c in cols)
        con.execute(f'CREATE OR REPLACE TABLE raw."{table}" ({ddl}, _row_number BIGINT, _source_file VARCHAR)')
        rows = data.get(table)
        con.execute("INSERT INTO meta.table_availability VALUES (?, ?)", [table, rows is not None])
        for i, row in enumerate(rows or [], start=1):
            unknown = set(row) - set(cols)
            assert not unknown, f"test row names unknown columns {unknown}"
            values = [row.get(c) for c in cols] + [i, f"{table}.csv"]
            marks = ", ".join("?" for _ in values)
            con.execute(f'INSERT INTO raw."{table}" VALUES ({marks})', values)
    return con


D = dt.date(2026, 11, 23)
GAP_COLUMNS = ["rule_id", "severity", "table", "row_number", "record_id", "person_id", "column", "message"]


def rule(rule_id, table, column, kind, severity="error", **extra):
    return {"id": rule_id, "table": table, "column": column, "kind": kind, "severity": severity,
            "description": f"{rule_id} description", "why": f"{rule_id} why", **extra}


CATALOGUE = {
    "version": "test",
    "tables": {
        "ssd_person": {"key": "pers_person_id", "person_id": "pers_person_id", "columns": {
            "pers_person_id": {"type": "text", "required": True},
            "pers_dob": {"type": "date", "required": True, "personal": True},
            "pers_forename": {"type": "text", "personal": True},
        }},
        "ssd_cp_plans": {"key": "cppl_cp_plan_id", "person_id": "cppl_person_id", "columns": {
            "cppl_cp_plan_id": {"type": "text", "required": True},
            "cppl_person_id": {"type": "text", "required": True},
            "cppl_cp_plan_start_date": {"type": "date", "required": True},
            "cppl_cp_plan_end_date": {"type": "date", "required": True},
            "cppl_outcome_json": {"type": "json"},
        }},
        "ssd_cp_visits": {"key": "cppv_cp_visit_id", "person_id": "cppv_person_id", "columns": {
            "cppv_cp_visit_id": {"type": "text", "required": True},
            "cppv_person_id": {"type": "text", "required": True},
            "cppv_cp_plan_id": {"type": "text", "required": True},
            "cppv_cp_visit_date": {"type": "date", "required": True},
            "cppv_cp_visit_seen": {"type": "flag", "required": True},
        }},
        "ssd_department": {"key": "dept_team_id", "columns": {
            "dept_team_id": {"type": "text", "required": True},
            "dept_team_parent_id": {"type": "text", "required": True},
        }},
        "ssd_cin_episodes": {"key": "cine_referral_id", "person_id": "cine_person_id", "columns": {
            "cine_referral_id": {"type": "text", "required": True},
            "cine_person_id": {"type": "text", "required": True},
        }},
    },
    "rules": [
        rule("PERS_ID_REQUIRED", "ssd_person", "pers_person_id", "required"),
        rule("PERS_ID_UNIQUE", "ssd_person", "pers_person_id", "unique"),
        rule("PERS_DOB_VALID", "ssd_person", "pers_dob", "valid_date", dfe_code="CIN 8525"),
        rule("PERS_DOB_NOT_FUTURE", "ssd_person", "pers_dob", "not_future"),
        rule("CPP_END_AFTER_START", "ssd_cp_plans", "cppl_cp_plan_end_date", "not_before",
             other="cppl_cp_plan_start_date"),
        rule("CPP_PERSON_EXISTS", "ssd_cp_plans", "cppl_person_id", "references",
             parent_table="ssd_person", parent_column="pers_person_id"),
        rule("CPP_OUTCOME_JSON_VALID", "ssd_cp_plans", "cppl_outcome_json", "valid_json"),
        rule("CPV_SEEN_VALID", "ssd_cp_visits", "cppv_cp_visit_seen", "valid_flag", severity="warning"),
        rule("CPV_PLAN_EXISTS", "ssd_cp_visits", "cppv_cp_plan_id", "references",
             parent_table="ssd_cp_plans", parent_column="cppl_cp_plan_id"),
        rule("CPV_REFERRAL_EXISTS", "ssd_cp_visits", "cppv_person_id", "references",
             parent_table="ssd_cin_episodes", parent_column="cine_person_id"),
        rule("DEPT_ID_UNIQUE", "ssd_department", "dept_team_id", "unique"),
    ],
}

PERSON = [  # row_number: what it plants
    {"pers_person_id": "P1", "pers_dob": "2019-01-01", "pers_forename": "Ann"},               # 1 dup of 4
    {"pers_person_id": None, "pers_dob": "31/02/2019", "pers_forename": "Zqxwvorth"},         # 2 null id, bad date
    {"pers_person_id": "   ", "pers_dob": "2026-11-24", "pers_forename": "Bea"},              # 3 blank id, future
    {"pers_person_id": " P1 ", "pers_dob": "2019-01-01 10:11:12.123", "pers_forename": "C"},  # 4 dup of 1 (trimmed)
    {"pers_person_id": "P5", "pers_dob": "1/2/2019"},                                          # 5 fine
    {"pers_person_id": "P6", "pers_dob": "2019/01/01"},                                        # 6 bad date
    {"pers_person_id": "P7", "pers_dob": ""},                                                  # 7 blank: no gap
    {"pers_person_id": "P8", "pers_dob": "24/11/2026"},                                        # 8 future
    {"pers_person_id": "P9", "pers_dob": "9999-12-31"},                                        # 9 future
    {"pers_person_id": "P10", "pers_dob": "2026-11-23"},                                       # 10 on D: fine
    {"pers_person_id": "P11", "pers_dob": "1500-01-01"},                                       # 11 fine
    {"pers_person_id": "P12", "pers_dob": "2019-13-01"},                                       # 12 bad date
]
PLANS = [
    {"cppl_cp_plan_id": "CP1", "cppl_person_id": "P1", "cppl_cp_plan_start_date": "2020-01-01",
     "cppl_outcome_json": '{"OUTCOME":"Y"}',
     "cppl_cp_plan_end_date": "2020-01-02"},                                    # 1 fine
    {"cppl_cp_plan_id": "CP2", "cppl_person_id": "PX", "cppl_cp_plan_start_date": "2020-01-02",
     "cppl_outcome_json": '{"OUTCOME":"Yzqv"',
     "cppl_cp_plan_end_date": "2020-01-01"},                                    # 2 end<start, no PX, JSON cut short
    {"cppl_cp_plan_id": "CP3", "cppl_person_id": " P5 ", "cppl_cp_plan_start_date": "2020-01-02",
     "cppl_outcome_json": ' [{"OUTCOME":"N"}] ',
     "cppl_cp_plan_end_date": "2020-01-02"},                                    # 3 same day: fine
    {"cppl_cp_plan_id": "CP4", "cppl_person_id": None, "cppl_cp_plan_start_date": "2020-01-02",
     "cppl_outcome_json": None,
     "cppl_cp_plan_end_date": None},                                            # 4 open: fine
    {"cppl_cp_plan_id": "CP5", "cppl_person_id": "", "cppl_cp_plan_start_date": "garbage",
     "cppl_outcome_json": '',
     "cppl_cp_plan_end_date": "2020-01-01"},                                    # 5 unparseable start
    {"cppl_cp_plan_id": "CP6", "cppl_person_id": "P6", "cppl_cp_plan_start_date": "2020-01-02 00:00:00",
     "cppl_outcome_json": '"Zqvscalar"',
     "cppl_cp_plan_end_date": "01/01/2020"},                                    # 6 end<start, formats, JSON scalar
    {"cppl_cp_plan_id": "CP7", "cppl_person_id": "P7", "cppl_cp_plan_start_date": "2020-01-01",
     "cppl_outcome_json": '{}',
     "cppl_cp_plan_end_date": "9999-12-31"},                                    # 7 fine
    {"cppl_cp_plan_id": "CP8", "cppl_person_id": "p8", "cppl_cp_plan_start_date": "9999-12-31",
     "cppl_outcome_json": 'OUTCOME=Y',
     "cppl_cp_plan_end_date": "2020-01-01"},                                    # 8 end<start; p8 unknown; not JSON
]
VISITS = [
    {"cppv_cp_visit_id": "V1", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP1", "cppv_cp_visit_seen": "Y"},
    {"cppv_cp_visit_id": "V2", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP9", "cppv_cp_visit_seen": "yes"},
    {"cppv_cp_visit_id": "V3", "cppv_person_id": "P1", "cppv_cp_plan_id": " CP2", "cppv_cp_visit_seen": "1"},
    {"cppv_cp_visit_id": "V4", "cppv_person_id": "P1", "cppv_cp_plan_id": None, "cppv_cp_visit_seen": "maybe"},
    {"cppv_cp_visit_id": "V5", "cppv_person_id": "P1", "cppv_cp_plan_id": "", "cppv_cp_visit_seen": " n "},
    {"cppv_cp_visit_id": "V6", "cppv_person_id": "P1", "cppv_cp_plan_id": "cp1", "cppv_cp_visit_seen": "TRUE"},
    {"cppv_cp_visit_id": "V7", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP1", "cppv_cp_visit_seen": ""},
    {"cppv_cp_visit_id": "V8", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP1", "cppv_cp_visit_seen": None},
    {"cppv_cp_visit_id": "V9", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP1", "cppv_cp_visit_seen": "2"},
]
DEPARTMENTS = [{"dept_team_id": "T1"}, {"dept_team_id": "T2"}, {"dept_team_id": "T1"}]

EXPECTED = {
    "PERS_ID_REQUIRED": [2, 3],
    "PERS_ID_UNIQUE": [1, 4],
    "PERS_DOB_VALID": [2, 6, 12],
    "PERS_DOB_NOT_FUTURE": [3, 8, 9],
    "CPP_END_AFTER_START": [2, 6, 8],
    "CPP_PERSON_EXISTS": [2, 8],
    "CPP_OUTCOME_JSON_VALID": [2, 6, 8],  # cut short, a bare scalar, not JSON
    "CPV_SEEN_VALID": [4, 9],
    "CPV_PLAN_EXISTS": [2, 6],
    "DEPT_ID_UNIQUE": [1, 3],
}
