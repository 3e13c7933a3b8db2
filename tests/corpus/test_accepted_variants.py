"""Bad-input corpus, part 1: every format variant docs/contract.md#file-formats accepts gives exactly what
the plain extract gives.

Each case rewrites one table of the generated extract in one accepted spelling (a different table per case).
Per case: the table, written that way, lands the same values as the plain one (dates and flags as the
measures read them, row numbers included). Then all cases together make ONE combined extract, and the
pipeline's stages (prepare -> land -> transform -> validate -> publish, in-process, no Airflow) run once on
the plain extract and once on the combined one: exceptions.csv, kpi_values.csv and recording_gaps.csv
must be byte-identical, and each case's table must carry the same recording gaps, on the same rows."""
from __future__ import annotations

import csv
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import pytest

from corpus_tools import (
    AS_AT,
    OUTPUT_CSVS,
    column_names,
    copy_extract,
    land,
    landed_values,
    parse_date,
    read_csv_rows,
    read_table,
    run_stages,
    table_file,
    write_table,
)
from csc_compliance.core.catalogue import tables as catalogue_tables
from csc_compliance.ingest.files import discover
from csc_compliance.ingest.manifest import read_manifest

YES = {"Y", "YES", "1", "TRUE"}
NO = {"N", "NO", "0", "FALSE"}


def _columns_of_type(table: str, *kinds: str) -> list[str]:
    return [c for c, spec in catalogue_tables()[table]["columns"].items() if spec.get("type") in kinds]


def _respell_dates(folder: Path, table: str, spell: Callable[[dt.date], str]) -> None:
    t = read_table(folder, table)
    for column in _columns_of_type(table, "date", "due_date"):
        for row in t.rows:
            d = parse_date(t.get(row, column))
            if d is not None:
                t.set(row, column, spell(d))
    write_table(folder, t)


# --- the variants: each mutates its table in `folder` (a copy of the generated extract) -------------------

def utf8_bom(folder):
    t = read_table(folder, "ssd_cin_assessments")
    assert not t.bom
    t.bom = True
    write_table(folder, t)


def crlf_line_ends(folder):
    t = read_table(folder, "ssd_cin_episodes")
    assert not t.crlf
    t.crlf = True
    write_table(folder, t)


def every_field_quoted(folder):
    write_table(folder, read_table(folder, "ssd_cp_reviews"), quoting=csv.QUOTE_ALL)


def quoted_commas_quotes_and_line_breaks(folder):
    """A free-text column (not one the product reads) whose values hold commas, doubled quotes, LF and CRLF
    line breaks: a record spans several lines, and every later row must keep its row number. One value is
    3 MB long (over DuckDB's default 2 MB record)."""
    t = read_table(folder, "ssd_cin_plans")
    t.header.append("cinp_plan_notes")
    for n, row in enumerate(t.rows):
        row.append(f'Plan {n}, agreed with "Mum", reviewed\nline two\r\nline three' if n % 3 == 0 else None)
    t.rows[1][-1] = "a long, long note\n" * 170_000
    write_table(folder, t)


def columns_in_another_order(folder):
    t = read_table(folder, "ssd_cp_plans")
    t.header.reverse()
    for row in t.rows:
        row.reverse()
    write_table(folder, t)


def upper_case_file_name(folder):
    t = read_table(folder, "ssd_cla_placement")
    write_table(folder, t, file_name="SSD_CLA_PLACEMENT.CSV")


def upper_case_column_names(folder):
    t = read_table(folder, "ssd_cla_visits")
    t.header = [h.upper() for h in t.header]
    write_table(folder, t)


def column_names_padded_with_spaces(folder):
    t = read_table(folder, "ssd_ext_cin_reviews")
    t.header = [f" {h}  " for h in t.header]
    write_table(folder, t)


def csv_table_as_parquet_of_strings(folder):
    """ssd_cin_visits (DD/MM/YYYY dates, Yes/No flags) as Parquet holding the same strings."""
    t = read_table(folder, "ssd_cin_visits")
    write_table(folder, t, fmt="parquet")


def _type_columns(t, columns, sql_type: str, fits: Callable[[str], bool], types: dict,
                  native: Callable[[str], str] | None = None) -> None:
    """Give `sql_type` to each column whose every value fits (None aside), rewriting values to `native`."""
    for column in columns:
        if all(v is None or fits(v) for v in (t.get(r, column) for r in t.rows)):
            if native:
                for row in t.rows:
                    v = t.get(row, column)
                    t.set(row, column, None if v is None else native(v))
            types[column] = sql_type


def parquet_native_types(folder):
    """ssd_initial_cp_conference as Parquet typed natively: DATE dates, BOOLEAN flags."""
    table = "ssd_initial_cp_conference"
    t = read_table(folder, table)
    types = {}
    _type_columns(t, _columns_of_type(table, "date", "due_date"), "DATE", parse_date, types,
                  lambda v: parse_date(v).isoformat())
    _type_columns(t, _columns_of_type(table, "flag"), "BOOLEAN", lambda v: v.upper() in YES | NO, types,
                  lambda v: "true" if v.upper() in YES else "false")
    assert {"DATE", "BOOLEAN"} <= set(types.values()), types
    t.parquet_types = types
    write_table(folder, t, fmt="parquet")


def _london_instant(value: str) -> str:
    """A London wall-clock datetime as the UTC-adjusted instant Spark and pyarrow write (TIMESTAMP WITH TIME
    ZONE): midnight on a summer day is 23:00 the day before in UTC."""
    local = dt.datetime.combine(parse_date(value), dt.time(0, 0), tzinfo=ZoneInfo("Europe/London"))
    return local.astimezone(dt.timezone.utc).isoformat(sep=" ")


def parquet_timestamps(folder):
    """ssd_cla_episodes (SQL Server datetimes) as Parquet with TIMESTAMP columns, the start dates as UTC
    instants (TIMESTAMP WITH TIME ZONE) of London midnights."""
    table = "ssd_cla_episodes"
    t = read_table(folder, table)
    types = {}
    dates = _columns_of_type(table, "date", "due_date")
    instants = [c for c in dates if c.endswith("start_date")]
    _type_columns(t, [c for c in dates if c not in instants], "TIMESTAMP", parse_date, types)
    _type_columns(t, instants, "TIMESTAMPTZ", parse_date, types, _london_instant)
    assert len(types) >= 3 and "TIMESTAMPTZ" in types.values(), types
    assert any(" 23:00:00+00:00" in (t.get(r, c) or "") for c in instants for r in t.rows)  # a summer date
    t.parquet_types = types
    write_table(folder, t, fmt="parquet")


def parquet_integer_ids(folder):
    """ssd_family as Parquet with its all-digit id columns typed BIGINT (SQL Server int keys), the child's id
    DOUBLE (what pandas writes for an integer column that holds a null: 5417676.0)."""
    import re

    t = read_table(folder, "ssd_family")
    types = {}
    filled = [c for c in t.header if any(t.get(r, c) for r in t.rows)]
    _type_columns(t, filled, "BIGINT", lambda v: bool(re.fullmatch(r"[1-9][0-9]{0,17}", v)), types)
    assert "fami_person_id" in types, types
    types["fami_person_id"] = "DOUBLE"
    t.parquet_types = types
    write_table(folder, t, fmt="parquet")


def parquet_table_as_csv(folder):
    """ssd_cp_visits, Parquet with a DATE column in the generated extract, as a CSV file instead."""
    t = read_table(folder, "ssd_cp_visits")
    assert t.fmt == "parquet"
    write_table(folder, t, fmt="csv")


def mixed_line_ends(folder):
    """ssd_department, Parquet in the generated extract, as a CSV whose lines end in CRLF, some in LF alone
    (a file appended to by another tool)."""
    t = read_table(folder, "ssd_department")
    t.crlf = True
    path = write_table(folder, t, fmt="csv")
    lines = path.read_bytes().split(b"\r\n")
    assert len(lines) > 6
    path.write_bytes(b"".join(line + (b"\n" if i % 3 == 1 else b"\r\n") for i, line in enumerate(lines[:-1])))
    assert b"\r\n" in path.read_bytes() and path.read_bytes().count(b"\n") > path.read_bytes().count(b"\r\n")


def unknown_extra_columns(folder):
    """Two named extra columns, and an unnamed last one: every line, the header's too, ends in a comma."""
    t = read_table(folder, "ssd_ext_supervisions")
    t.header[2:2] = ["supv_local_notes", "Unnamed: 0"]
    t.header.append("")
    for n, row in enumerate(t.rows):
        row[2:2] = [f'note, "{n}"', str(n)]
        row.append("")
    write_table(folder, t)
    assert all(line.endswith(b",") for line in table_file(folder, "ssd_ext_supervisions").read_bytes().splitlines())


def unknown_files_and_folders(folder):
    (folder / "ssd_unknown_table.csv").write_text("a,b\n1,2,3\n")          # ragged: would stop a run if read
    (folder / "notes.txt").write_text("extract notes\n")
    (folder / "ssd_person.csv.bak").write_bytes(b"\xff\xfe not even text")
    (folder / "ssd_cin_plans.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "archive").mkdir()
    (folder / "archive" / "ssd_person.csv").write_text("pers_person_id\n")  # a sub-folder is not read
    (folder / "ssd_person.json").write_text("[]")


def no_newline_at_end_of_file(folder):
    path = table_file(folder, "ssd_cla_reviews")
    data = path.read_bytes()
    assert data.endswith(b"\n")
    path.write_bytes(data.rstrip(b"\r\n"))


def blank_lines_at_end_of_file(folder):
    path = table_file(folder, "ssd_care_leavers")
    path.write_bytes(path.read_bytes() + b"\n\n\n")


def dates_day_month_year(folder):
    _respell_dates(folder, "ssd_ext_core_groups", lambda d: d.strftime("%d/%m/%Y"))


def dates_sql_server_seconds(folder):
    _respell_dates(folder, "ssd_cla_care_plan", lambda d: d.strftime("%Y-%m-%d 09:30:00"))


def dates_sql_server_milliseconds(folder):
    """As SQL Server Management Studio's "results to file" writes a table: datetimes with milliseconds, and
    NULL for every empty cell (the outcome column too: PLO_DURATION must not read it as an outcome)."""
    _respell_dates(folder, "ssd_pre_proceedings", lambda d: d.strftime("%Y-%m-%d 13:45:07.123"))
    t = read_table(folder, "ssd_pre_proceedings")
    empty = sum(v is None for row in t.rows for v in row)
    assert empty and any(t.get(r, "prep_pre_pro_outcome") is None for r in t.rows)
    t.rows = [["NULL" if v is None else v for v in row] for row in t.rows]
    write_table(folder, t)


def flags_in_every_accepted_spelling(folder):
    t = read_table(folder, "ssd_professionals")
    yes, no = ["Yes", "TRUE", "1", "y"], ["No", "false", "0", "n"]
    changed = 0
    for n, row in enumerate(t.rows):
        v = t.get(row, "prof_agency_worker_flag")
        if v in ("Y", "N"):
            t.set(row, "prof_agency_worker_flag", (yes if v == "Y" else no)[n % 4])
            changed += 1
    assert changed > 20
    write_table(folder, t)


def role_as_a_code(folder):
    """SSD 1.4.5 writes the allocated case worker's role as the code CW
    (docs/contract.md#ssd-as-councils-extract-it)."""
    t = read_table(folder, "ssd_involvements")
    changed = 0
    for row in t.rows:
        if t.get(row, "invo_professional_role_id") == "ALLOCATED CASE WORKER":
            t.set(row, "invo_professional_role_id", "CW")
            changed += 1
    assert changed > 100
    write_table(folder, t)


def json_with_array_wrapper(folder):
    """FOR JSON without WITHOUT_ARRAY_WRAPPER: [{...}] instead of {...}."""
    t = read_table(folder, "ssd_s47_enquiry")
    for row in t.rows:
        v = t.get(row, "s47e_s47_outcome_json")
        if v and v.startswith("{"):
            t.set(row, "s47e_s47_outcome_json", f"[{v}]")
    write_table(folder, t)


SSD_145_PERSON_COLUMNS = ("pers_upn", "pers_forename", "pers_surname", "pers_single_unique_id")


def person_in_ssd_yaml_shape(folder):
    """ssd_person as the SSD YAML has it: pers_common_child_id, without release 1.4.5's four columns."""
    t = read_table(folder, "ssd_person")
    keep = [i for i, h in enumerate(t.header) if h not in SSD_145_PERSON_COLUMNS]
    assert "pers_common_child_id" in t.header and len(keep) == len(t.header) - 4
    t.header = [t.header[i] for i in keep]
    t.rows = [[r[i] for i in keep] for r in t.rows]
    write_table(folder, t)


def no_manifest_with_as_at_given(folder):
    (folder / "manifest.json").unlink()


# --- the case table ---------------------------------------------------------------------------------

def _same(rows):
    return rows


def _role_cw(rows):
    i = column_names("ssd_involvements").index("invo_professional_role_id")
    return [r[:i] + ("CW" if r[i] == "ALLOCATED CASE WORKER" else r[i],) + r[i + 1:] for r in rows]


def _without_145_columns(rows):
    cols = column_names("ssd_person")
    gone = {cols.index(c) for c in SSD_145_PERSON_COLUMNS}
    return [tuple(None if i in gone else v for i, v in enumerate(r)) for r in rows]


@dataclass(frozen=True)
class Variant:
    id: str
    table: str | None          # the table it rewrites (None: the folder itself)
    description: str
    mutate: Callable[[Path], None]
    expect: Callable[[list], list] = _same   # the plain table's landed values -> the expected ones


VARIANTS = [
    Variant("utf8_bom", "ssd_cin_assessments", "CSV starting with a UTF-8 BOM", utf8_bom),
    Variant("crlf", "ssd_cin_episodes", "CSV lines ending in CRLF", crlf_line_ends),
    Variant("quote_all", "ssd_cp_reviews", "every field quoted, empty cells as \"\"", every_field_quoted),
    Variant("multiline_fields", "ssd_cin_plans", "quoted fields with commas, quotes and line breaks",
            quoted_commas_quotes_and_line_breaks),
    Variant("column_order", "ssd_cp_plans", "columns in reverse order", columns_in_another_order),
    Variant("upper_case_file", "ssd_cla_placement", "file named SSD_CLA_PLACEMENT.CSV", upper_case_file_name),
    Variant("upper_case_columns", "ssd_cla_visits", "column names in upper case", upper_case_column_names),
    Variant("padded_columns", "ssd_ext_cin_reviews", "column names padded with spaces",
            column_names_padded_with_spaces),
    Variant("parquet_strings", "ssd_cin_visits", "a CSV table given as Parquet of strings",
            csv_table_as_parquet_of_strings),
    Variant("parquet_native_types", "ssd_initial_cp_conference", "Parquet with DATE and BOOLEAN columns",
            parquet_native_types),
    Variant("parquet_timestamps", "ssd_cla_episodes", "Parquet with TIMESTAMP and TIMESTAMP WITH TIME ZONE columns",
            parquet_timestamps),
    Variant("parquet_integer_ids", "ssd_family", "Parquet with BIGINT and DOUBLE id columns", parquet_integer_ids),
    Variant("parquet_as_csv", "ssd_cp_visits", "a Parquet table given as CSV", parquet_table_as_csv),
    Variant("mixed_line_ends", "ssd_department", "CSV lines ending in CRLF, every third in LF alone",
            mixed_line_ends),
    Variant("extra_columns", "ssd_ext_supervisions", "unknown extra columns, one unnamed (lines end in a comma)",
            unknown_extra_columns),
    Variant("unknown_files", None, "unknown files and a sub-folder beside the tables", unknown_files_and_folders),
    Variant("no_final_newline", "ssd_cla_reviews", "no line break after the last row", no_newline_at_end_of_file),
    Variant("trailing_blank_lines", "ssd_care_leavers", "blank lines after the last row",
            blank_lines_at_end_of_file),
    Variant("dates_dmy", "ssd_ext_core_groups", "dates as DD/MM/YYYY", dates_day_month_year),
    Variant("dates_sqlserver", "ssd_cla_care_plan", "dates as YYYY-MM-DD HH:MM:SS", dates_sql_server_seconds),
    Variant("dates_sqlserver_ms", "ssd_pre_proceedings", "dates as YYYY-MM-DD HH:MM:SS.fff, empty cells as NULL",
            dates_sql_server_milliseconds),
    Variant("flag_spellings", "ssd_professionals", "flags as Yes/No, TRUE/false, 1/0, y/n",
            flags_in_every_accepted_spelling),
    Variant("role_code_cw", "ssd_involvements", "allocated worker role as the 1.4.5 code CW", role_as_a_code,
            _role_cw),
    Variant("json_array_wrapper", "ssd_s47_enquiry", "FOR JSON output with its array wrapper",
            json_with_array_wrapper),
    Variant("person_yaml_shape", "ssd_person", "ssd_person with the YAML's columns, not 1.4.5's",
            person_in_ssd_yaml_shape, _without_145_columns),
    Variant("no_manifest", None, "no manifest.json (the reporting date given)", no_manifest_with_as_at_given),
]
IDS = [v.id for v in VARIANTS]


def test_each_variant_rewrites_its_own_table():
    tables = [v.table for v in VARIANTS if v.table]
    assert len(tables) == len(set(tables)), "two variants rewrite one table: the combined run would mix them"
    assert len(VARIANTS) >= 20 and len(set(IDS)) == len(IDS)


# --- per case: landing ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plain_landed(base_extract):
    folder, _ = base_extract
    return land(folder)


@pytest.mark.parametrize("variant", VARIANTS, ids=IDS)
def test_variant_lands_the_same_values(variant, base_extract, plain_landed, tmp_path):
    folder, _ = base_extract
    extract = tmp_path / "extract"
    if variant.table is None:
        copy_extract(folder, extract)
    else:  # the table alone: landing reads it the same whatever else is in the folder
        extract.mkdir()
        shutil.copy2(table_file(folder, variant.table), extract)
        shutil.copy2(folder / "manifest.json", extract)
    variant.mutate(extract)
    if variant.table is None:
        assert set(discover(extract)) == set(discover(folder))
        con = land(extract)
        for table in catalogue_tables():
            assert landed_values(con, table) == landed_values(plain_landed, table), table
        if variant.id == "no_manifest":
            assert read_manifest(extract) is None
        return
    got = landed_values(land(extract), variant.table)
    want = variant.expect(landed_values(plain_landed, variant.table))
    assert len(got) == len(want) > 0
    assert got == want


# --- all cases together: the pipeline --------------------------------------------------------------

@pytest.fixture(scope="module")
def runs(base_extract, tmp_path_factory):
    folder, _ = base_extract
    root = tmp_path_factory.mktemp("corpus-variants")
    combined = copy_extract(folder, root / "combined")
    for variant in VARIANTS:
        variant.mutate(combined)
    run_stages(folder, root / "out-plain", "plain")
    run_stages(combined, root / "out-combined", "combined")
    return root / "out-plain", root / "out-combined"


@pytest.mark.parametrize("rel", OUTPUT_CSVS)
def test_combined_variants_publish_the_same_bytes(runs, rel):
    plain, combined = runs
    assert (plain / rel).read_bytes() == (combined / rel).read_bytes(), rel
    assert len(read_csv_rows(plain / rel)) > 0


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v.table], ids=[v.id for v in VARIANTS if v.table])
def test_variant_table_keeps_its_recording_gaps_and_rows(variant, runs):
    """The per-table view of the byte comparison: the variant's table has the same gaps on the same rows."""
    plain, combined = runs

    def gaps(out):
        return sorted((g["rule_id"], g["row_number"], g["record_id"], g["column"])
                      for g in read_csv_rows(out / "dq" / "recording_gaps.csv") if g["table"] == variant.table)

    assert gaps(combined) == gaps(plain)


def test_the_combined_run_read_every_variant_file(runs):
    """The combined run landed each rewritten table from its rewritten file (not an absent table)."""
    import json

    _, combined = runs
    manifest = json.loads((combined / "run_manifest.json").read_text())
    files = {t["table"]: t.get("file") for t in manifest["extract"]["tables"] if t["present"]}
    assert files["ssd_cla_placement"] == "SSD_CLA_PLACEMENT.CSV"
    assert files["ssd_cin_visits"] == "ssd_cin_visits.parquet"
    assert files["ssd_cp_visits"] == "ssd_cp_visits.csv"
    assert set(files) == set(catalogue_tables())
    assert manifest["reporting_date"] == AS_AT
