"""Bad-input corpus, part 2: every kind of input docs/contract.md refuses stops the run
(docs/contract.md#what-stops-a-run): a file that cannot be read (not UTF-8, ragged rows, a corrupt Parquet file, an
empty file without even a header, a folder or a dangling link where a table's file should be), a table given twice,
a missing required column.

Each case rewrites one table of the generated extract; the run's own stages (prepare, land) run in-process
on a folder holding it, with an output folder that already holds published outputs. The run must stop at
landing with an ExtractError naming the file, the column and the row where there is one, leave that message
(what the command line prints) in the run's error.json, and leave the published outputs exactly as they were.
The command line's own view of a few of these (exit code, stderr, no traceback) is in test_cli_bad_input.py."""
from __future__ import annotations

import csv
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from corpus_tools import AS_AT, CONFIG, Table, csv_bytes, read_table, table_file, tree_digest, write_table
from csc_compliance.core.errors import ExtractError
from csc_compliance.pipeline import stages

LATIN1_E = "é".encode("latin-1")


def _raw_record(folder: Path, table: str, row_number: int, change: Callable[[bytes], bytes]) -> None:
    """Rewrite the table as CSV with the bytes of one data record (counted from 1 after the header, a record
    may span lines) passed through `change`: for faults no CSV writer would produce."""
    t = read_table(folder, table)
    records = [csv_bytes(Table(t.name, t.header, [], crlf=t.crlf, bom=t.bom))]
    records += [csv_bytes(Table(t.name, [], [r], crlf=t.crlf)).split(b"\n", 1)[1] for r in t.rows]
    records[row_number] = change(records[row_number])
    for suffix in (".csv", ".parquet"):
        (folder / f"{table}{suffix}").unlink(missing_ok=True)
    (folder / f"{table}.csv").write_bytes(b"".join(records))


def _drop_columns(folder: Path, table: str, *columns: str, fmt: str | None = None) -> None:
    t = read_table(folder, table)
    keep = [i for i, h in enumerate(t.header) if h not in columns]
    assert len(keep) == len(t.header) - len(columns)
    t.header = [t.header[i] for i in keep]
    t.rows = [[r[i] for i in keep] for r in t.rows]
    t.parquet_types = {c: v for c, v in t.parquet_types.items() if c not in columns}
    write_table(folder, t, fmt=fmt)


def _rewrite_record(folder: Path, table: str, row_number: int, change: Callable[[list], list]) -> None:
    """Change one data row (counted from 1 after the header) and write the table back as CSV."""
    t = read_table(folder, table)
    t.rows[row_number - 1] = change(t.rows[row_number - 1])
    write_table(folder, t, fmt="csv")


# --- the cases ------------------------------------------------------------------------------------

def missing_required_column_csv(folder):
    _drop_columns(folder, "ssd_cin_assessments", "cina_assessment_auth_date")


def missing_required_column_parquet(folder):
    _drop_columns(folder, "ssd_department", "dept_team_parent_id")


def two_required_columns_missing(folder):
    _drop_columns(folder, "ssd_cp_plans", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date")


def required_column_misspelt(folder):
    t = read_table(folder, "ssd_cla_visits")
    t.header[t.ix("clav_cla_visit_seen")] = "clav_visit_seen"
    write_table(folder, t)


def semicolon_separated(folder):
    t = read_table(folder, "ssd_family")
    path = table_file(folder, "ssd_family")
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\n")
        w.writerow(t.header)
        w.writerows([["" if v is None else v for v in r] for r in t.rows])


def given_as_csv_and_parquet(folder):
    """ssd_cp_visits is Parquet in the generated extract; an old CSV copy is left beside it."""
    t = read_table(folder, "ssd_cp_visits")
    parquet = table_file(folder, "ssd_cp_visits").read_bytes()
    write_table(folder, t, fmt="csv")
    (folder / "ssd_cp_visits.parquet").write_bytes(parquet)


def given_twice_by_name_case(folder):
    shutil.copy2(table_file(folder, "ssd_person"), folder / "SSD_PERSON.csv")


def ragged_row_too_many_fields(folder):
    _rewrite_record(folder, "ssd_cin_visits", 500, lambda r: r + ["surplus"])


def ragged_row_too_few_fields(folder):
    """ssd_cla_reviews has CRLF line ends in the generated extract."""
    assert read_table(folder, "ssd_cla_reviews").crlf
    _rewrite_record(folder, "ssd_cla_reviews", 77, lambda r: r[:-1])


def ragged_row_after_multiline_records(folder):
    """Records spanning several lines before the bad one: the row named is the record, not the line."""
    t = read_table(folder, "ssd_cin_plans")
    t.header.append("cinp_plan_notes")
    for n, row in enumerate(t.rows):
        row.append("first line\nsecond, line" if n < 250 else None)
    t.rows[299].append("surplus")
    write_table(folder, t)


def not_utf8_in_a_row(folder):
    _raw_record(folder, "ssd_cin_episodes", 1234, lambda rec: rec.replace(b",", LATIN1_E + b",", 1))


def not_utf8_in_the_header(folder):
    _raw_record(folder, "ssd_s47_enquiry", 0, lambda rec: rec.rstrip(b"\r\n") + b",r" + LATIN1_E + b"sum\n")


def utf16_file(folder):
    path = table_file(folder, "ssd_professionals")
    path.write_bytes(path.read_bytes().decode("utf-8").encode("utf-16"))


def quoted_field_never_closed(folder):
    """ssd_involvements holds records spanning two lines before row 4000: the row is the record's."""
    t = read_table(folder, "ssd_involvements")
    assert any("\n" in (v or "") for r in t.rows[:3999] for v in r)
    _raw_record(folder, "ssd_involvements", 4000, lambda rec: b'"' + rec)


def carriage_return_in_an_unquoted_value(folder):
    """A line break typed into a value that the export did not quote: a CR alone inside row 150's id."""
    _raw_record(folder, "ssd_cla_placement", 150, lambda rec: rec[:3] + b"\r" + rec[3:])


def carriage_return_in_an_unquoted_value_crlf(folder):
    """The same in a CRLF file (ssd_cla_reviews), in its last column, after a quoted multi-line record."""
    t = read_table(folder, "ssd_cla_reviews")
    assert t.crlf
    t.set(t.rows[9], "clar_cla_review_participation", "first\r\nsecond, line")
    write_table(folder, t)
    _raw_record(folder, "ssd_cla_reviews", 40, lambda rec: rec[:-2] + b"\rX" + rec[-2:])


def empty_file(folder):
    table_file(folder, "ssd_cp_reviews").write_bytes(b"")


def bom_and_blank_lines_only(folder):
    table_file(folder, "ssd_ext_core_groups").write_bytes(b"\xef\xbb\xbf\r\n\r\n")


def parquet_not_parquet(folder):
    table_file(folder, "ssd_department").write_bytes(b"dept_team_id,dept_team_name\nT1,Team\n")


def parquet_truncated(folder):
    path = table_file(folder, "ssd_cp_visits")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def parquet_empty(folder):
    table_file(folder, "ssd_cp_visits").write_bytes(b"")


def header_names_a_column_twice(folder):
    t = read_table(folder, "ssd_person")
    t.header[t.ix("pers_sex")] = "PERS_DOB"
    write_table(folder, t)


def table_file_is_a_folder(folder):
    """An extract job that made a folder where the file should be: never read as the table being absent."""
    table_file(folder, "ssd_family").unlink()
    (folder / "ssd_family.csv").mkdir()


def table_file_is_a_dangling_link(folder):
    """ssd_cla_episodes.csv links to a file on a share that is not there tonight."""
    table_file(folder, "ssd_cla_episodes").unlink()
    (folder / "ssd_cla_episodes.csv").symlink_to(folder / "share-not-mounted" / "ssd_cla_episodes.csv")


def table_file_is_a_pipe(folder):
    table_file(folder, "ssd_cp_reviews").unlink()
    os.mkfifo(folder / "ssd_cp_reviews.csv")


@dataclass(frozen=True)
class Refused:
    id: str
    tables: tuple[str, ...]        # the generated tables the case starts from
    description: str
    mutate: Callable[[Path], None]
    file: str                      # what the message must name
    column: str | None = None
    row: int | None = None
    says: tuple[str, ...] = ()     # and words of the reason


REFUSED = [
    Refused("missing_required_column", ("ssd_cin_assessments",), "a required column left out",
            missing_required_column_csv, "ssd_cin_assessments.csv", "cina_assessment_auth_date",
            says=("required column missing",)),
    Refused("missing_required_column_parquet", ("ssd_department",), "a Parquet table without a required column",
            missing_required_column_parquet, "ssd_department.parquet", "dept_team_parent_id",
            says=("required column missing",)),
    Refused("two_required_columns_missing", ("ssd_cp_plans",), "two required columns left out",
            two_required_columns_missing, "ssd_cp_plans.csv", "cppl_cp_plan_start_date",
            says=("cppl_cp_plan_end_date",)),
    Refused("required_column_misspelt", ("ssd_cla_visits",), "clav_cla_visit_seen spelt clav_visit_seen",
            required_column_misspelt, "ssd_cla_visits.csv", "clav_cla_visit_seen", says=("required column missing",)),
    Refused("semicolon_separated", ("ssd_family",), "fields separated by semicolons", semicolon_separated,
            "ssd_family.csv", "fami_family_id", says=("required column missing",)),
    Refused("given_twice_csv_and_parquet", ("ssd_cp_visits",), "ssd_cp_visits.csv beside ssd_cp_visits.parquet",
            given_as_csv_and_parquet, "ssd_cp_visits", says=("given twice", "ssd_cp_visits.csv",
                                                              "ssd_cp_visits.parquet")),
    Refused("given_twice_name_case", ("ssd_person",), "ssd_person.csv beside SSD_PERSON.csv",
            given_twice_by_name_case, "ssd_person", says=("given twice", "SSD_PERSON.csv", "ssd_person.csv")),
    Refused("ragged_row_long", ("ssd_cin_visits",), "row 500 has one field too many", ragged_row_too_many_fields,
            "ssd_cin_visits.csv", row=500, says=("fields where the header has",)),
    Refused("ragged_row_short", ("ssd_cla_reviews",), "row 77 (CRLF file) has one field too few",
            ragged_row_too_few_fields, "ssd_cla_reviews.csv", row=77, says=("fields where the header has",)),
    Refused("ragged_row_after_multiline", ("ssd_cin_plans",), "row 300, after 250 two-line records",
            ragged_row_after_multiline_records, "ssd_cin_plans.csv", row=300,
            says=("fields where the header has",)),
    Refused("not_utf8_row", ("ssd_cin_episodes",), "a Latin-1 byte in row 1234", not_utf8_in_a_row,
            "ssd_cin_episodes.csv", row=1234, says=("UTF-8",)),
    Refused("not_utf8_header", ("ssd_s47_enquiry",), "a Latin-1 byte in the header", not_utf8_in_the_header,
            "ssd_s47_enquiry.csv", row=0, says=("UTF-8",)),
    Refused("utf16", ("ssd_professionals",), "the whole file in UTF-16", utf16_file, "ssd_professionals.csv",
            row=0, says=("UTF-8",)),
    Refused("unclosed_quote", ("ssd_involvements",), "row 4000 opens a quote it never closes",
            quoted_field_never_closed, "ssd_involvements.csv", row=4000, says=("quoted field",)),
    Refused("carriage_return_unquoted", ("ssd_cla_placement",), "a CR alone in an unquoted value of row 150",
            carriage_return_in_an_unquoted_value, "ssd_cla_placement.csv", "clap_cla_placement_id", row=150,
            says=("carriage return",)),
    Refused("carriage_return_unquoted_crlf", ("ssd_cla_reviews",), "a CR alone at the end of row 40 (CRLF file)",
            carriage_return_in_an_unquoted_value_crlf, "ssd_cla_reviews.csv", "clar_cla_person_id", row=40,
            says=("carriage return",)),
    Refused("empty_file", ("ssd_cp_reviews",), "0 bytes", empty_file, "ssd_cp_reviews.csv", says=("empty",)),
    Refused("bom_and_blank_lines_only", ("ssd_ext_core_groups",), "a BOM and two blank lines",
            bom_and_blank_lines_only, "ssd_ext_core_groups.csv", says=("empty",)),
    Refused("parquet_not_parquet", ("ssd_department",), "CSV text in a .parquet file", parquet_not_parquet,
            "ssd_department.parquet", says=("Parquet",)),
    Refused("parquet_truncated", ("ssd_cp_visits",), "a Parquet file cut in half", parquet_truncated,
            "ssd_cp_visits.parquet", says=("Parquet",)),
    Refused("parquet_empty", ("ssd_cp_visits",), "a 0-byte Parquet file", parquet_empty, "ssd_cp_visits.parquet",
            says=("Parquet",)),
    Refused("header_column_twice", ("ssd_person",), "pers_dob and PERS_DOB in one header",
            header_names_a_column_twice, "ssd_person.csv", "pers_dob", says=("twice",)),
    Refused("table_file_is_a_folder", ("ssd_family",), "a folder named ssd_family.csv", table_file_is_a_folder,
            "ssd_family.csv", says=("cannot be read", "folder")),
    Refused("table_file_is_a_dangling_link", ("ssd_cla_episodes",), "a link to a file that is not there",
            table_file_is_a_dangling_link, "ssd_cla_episodes.csv", says=("cannot be read", "does not exist")),
    Refused("table_file_is_a_pipe", ("ssd_cp_reviews",), "a named pipe where the file should be",
            table_file_is_a_pipe, "ssd_cp_reviews.csv", says=("cannot be read", "not a regular file")),
]


def test_the_corpus_has_its_cases():
    assert len(REFUSED) >= 15 and len({r.id for r in REFUSED}) == len(REFUSED)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """An output folder holding what a previous night published (small stand-ins: only their bytes count)."""
    out = tmp_path_factory.mktemp("corpus-refused") / "out"
    for rel in ("exceptions/exceptions.csv", "kpis/kpi_values.csv", "dq/recording_gaps.csv", "run_manifest.json",
                "history.duckdb", "warehouse.duckdb", "data_docs/index.html"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(f"published before: {rel}\n")
    return out, tree_digest(out)


@pytest.mark.parametrize("case", REFUSED, ids=[r.id for r in REFUSED])
def test_refused_input_stops_the_run_naming_file_column_row(case, base_extract, published, tmp_path):
    folder, _ = base_extract
    out, before = published
    extract = tmp_path / "extract"
    extract.mkdir()
    for table in case.tables:
        shutil.copy2(table_file(folder, table), extract)
    shutil.copy2(folder / "manifest.json", extract)
    case.mutate(extract)

    run_id = f"refused-{case.id}"
    ctx = stages.prepare(run_id, str(extract), str(out), AS_AT, str(CONFIG))
    with pytest.raises(ExtractError) as err:
        stages.land(ctx)
    error, message = err.value, str(err.value)

    assert case.file in (error.file or ""), message
    assert f"file {error.file}" in message
    assert error.column == case.column, message
    if case.column:
        assert f"column {case.column}" in message
    assert error.row == case.row, message
    if case.row is not None:
        assert f"row {case.row}" in message
    for words in case.says:
        assert words in message, message
    assert "Traceback" not in message and "\n" not in message

    # what the command line prints: the run's error.json, marked as a message for the user
    recorded = json.loads((out / ".csc-build" / run_id / "error.json").read_text())
    assert recorded["stage"] == "land" and recorded["user_facing"] is True and recorded["message"] == message

    shutil.rmtree(out / ".csc-build")  # the failed run's build (the command line discards it)
    assert tree_digest(out) == before
