"""How raw extract values are read: dates, flags and JSON keys. Defined once, as DuckDB macros that the
landing step creates in the warehouse, so dbt staging and the data-quality suites read values the same way.

Accepted (contract.md): dates YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff] (SQL Server), DD/MM/YYYY;
flags Y/N, Yes/No, 1/0, True/False (any case). Anything else reads as null and is a recording gap."""

ACCEPTED_DATE_FORMATS = "YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff], DD/MM/YYYY"
YES_VALUES = ("Y", "YES", "1", "TRUE")
NO_VALUES = ("N", "NO", "0", "FALSE")

MACROS = {
    "csc_parse_date": r"""
CREATE OR REPLACE MACRO csc_parse_date(s) AS CASE
  WHEN s IS NULL OR trim(s) = '' THEN NULL
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
    # SQL Server FOR JSON writes {"KEY":"Y",...}, or [{"KEY":"Y"}] without WITHOUT_ARRAY_WRAPPER; a key may be
    # absent or the JSON malformed: read as null.
    "csc_json_flag": """
CREATE OR REPLACE MACRO csc_json_flag(j, k) AS
  csc_parse_flag(CASE WHEN json_valid(j) THEN coalesce(json_extract_string(j, '$.' || k),
                                                       json_extract_string(j, '$[0].' || k)) END)""",
}


def create_macros(con) -> None:
    for sql in MACROS.values():
        con.execute(sql)
