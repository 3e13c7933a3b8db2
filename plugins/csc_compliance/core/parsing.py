"""How raw extract values are read: dates, flags, JSON and JSON keys, and whether a record is open at D.
Defined once, as DuckDB macros that the landing step creates in the warehouse, so dbt and the data-quality
suites read values the same way.

Accepted (docs/contract.md#file-formats): dates YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff] (SQL Server), DD/MM/YYYY;
flags Y/N, Yes/No, 1/0, True/False (any case); `*_json` values a JSON object or array (what SQL Server's
FOR JSON writes). Anything else reads as null and is a recording gap."""

import datetime as dt
import re

ACCEPTED_DATE_FORMATS = "YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff], DD/MM/YYYY"
YES_VALUES = ("Y", "YES", "1", "TRUE")
NO_VALUES = ("N", "NO", "0", "FALSE")

MACROS = {
    "csc_parse_date": r"""
CREATE OR REPLACE MACRO csc_parse_date(s) AS CASE
  WHEN s IS NULL OR trim(s) = '' THEN NULL
  -- year 0000 is no year of the calendar (strptime would read it as 1 BC)
  WHEN left(trim(s), 5) = '0000-' OR right(trim(s), 5) = '/0000' THEN NULL
  WHEN regexp_full_match(trim(s), '\d{4}-\d{2}-\d{2}') THEN try_strptime(trim(s), '%Y-%m-%d')::DATE
  WHEN regexp_full_match(trim(s), '\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?')
    THEN try_strptime(substr(trim(s), 1, 10), '%Y-%m-%d')::DATE
  WHEN regexp_full_match(trim(s), '\d{1,2}/\d{1,2}/\d{4}') THEN try_strptime(trim(s), '%d/%m/%Y')::DATE
  ELSE NULL END""",
    "csc_parse_flag": """
CREATE OR REPLACE MACRO csc_parse_flag(s) AS CASE
  WHEN upper(trim(s)) IN ({yes}) THEN TRUE
  WHEN upper(trim(s)) IN ({no}) THEN FALSE
  ELSE NULL END""".format(yes=", ".join(f"'{v}'" for v in YES_VALUES),
                          no=", ".join(f"'{v}'" for v in NO_VALUES)),
    # a *_json value, trimmed, when it is a JSON object or array (FOR JSON never writes a bare scalar); else null
    "csc_parse_json": """
CREATE OR REPLACE MACRO csc_parse_json(s) AS CASE
  WHEN left(trim(s), 1) IN ('{', '[') AND json_valid(trim(s)) THEN trim(s)
  ELSE NULL END""",
    # SQL Server FOR JSON writes {"KEY":"Y",...}, or [{"KEY":"Y"}] without WITHOUT_ARRAY_WRAPPER; a key may be
    # absent or the JSON malformed: read as null.
    "csc_json_flag": """
CREATE OR REPLACE MACRO csc_json_flag(j, k) AS
  csc_parse_flag(CASE WHEN json_valid(j) THEN coalesce(json_extract_string(j, '$.' || k),
                                                       json_extract_string(j, '$[0].' || k)) END)""",
    # Open at D (docs/conventions.md#open-at-d): started on or before d, not ended by d. Null when the start
    # is unknown, so a caller says what an unknown start means (dbt's open_at_d: not open).
    "csc_open_at": """
CREATE OR REPLACE MACRO csc_open_at(start_date, end_date, d) AS
  start_date <= d AND (end_date IS NULL OR end_date > d)""",
}


def create_macros(con) -> None:
    for sql in MACROS.values():
        con.execute(sql)


def iso_date(value) -> dt.date:
    """A reporting date (--as-at, manifest.json's as_at, the DAG's as_at param): exactly YYYY-MM-DD and a
    real date. Python's own fromisoformat also takes 20261123 and 2026-W48-1, which the contract does not."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{text!r} is not in YYYY-MM-DD form")
    return dt.date.fromisoformat(text)
