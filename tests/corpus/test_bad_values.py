"""Bad-input corpus, part 3: a bad value never stops a run
(docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run).

One combined extract holds every case of bad_values_cases.py, each in its own known row (and leaves out the
tables of test_missing_tables.py); the stages run once on it, in-process. Per case: the run published, the
value is a recording gap naming the table, row, record and column, and the measures read it as null: the
exceptions about its record or person are those of the reference extract, where the value is an empty cell
(for a shared key: only the first row). Where the case names a measure, its outcome is checked directly."""
from __future__ import annotations

import duckdb
import pytest

from bad_values_cases import BAD_VALUES
from corpus_tools import AS_AT, OUTPUT_CSVS, query, read_csv_rows
from csc_compliance.core.catalogue import tables as catalogue_tables


def cases(only=None):
    return [pytest.param(c, id=c.id) for c in BAD_VALUES if only is None or c.id in only]


EXCEPTIONS_SQL = ("SELECT kpi_id, person_id, record_id, worker_id, team_id, area_id, lead, status, flag, "
                  "CAST(due_date AS VARCHAR), days_overdue, working_days_overdue FROM marts.fct_exceptions")
KPIS_SQL = "SELECT * FROM marts.fct_kpi_values"


@pytest.fixture(scope="module")
def published(values_run):
    out = values_run["out"]
    return {rel: read_csv_rows(out / rel) for rel in OUTPUT_CSVS}


@pytest.fixture(scope="module")
def marts(values_run):
    """marts.fct_exceptions of the bad run and of its reference, as sorted tuples."""
    return {name: sorted(query(values_run[name], EXCEPTIONS_SQL), key=str) for name in ("warehouse", "reference")}


def test_the_corpus_has_its_cases():
    assert len(BAD_VALUES) >= 20 and len({c.id for c in BAD_VALUES}) == len(BAD_VALUES)


def test_the_run_completed_and_published(values_run, published):
    import json

    manifest = json.loads((values_run["out"] / "run_manifest.json").read_text())
    assert manifest["reporting_date"] == AS_AT
    assert [s["stage"] for s in manifest["stages"]] == ["prepare", "land", "transform", "validate", "publish"]
    assert not (values_run["out"] / ".csc-build").exists()
    assert all(published[rel] for rel in OUTPUT_CSVS)


def test_every_case_has_its_own_rows_and_the_same_picks_in_the_reference(values_run):
    marks, reference = values_run["marks"], values_run["reference_marks"]
    places = [(m.table, n) for m in marks.values() for n in m.row_numbers]
    assert len(places) == len(set(places)), "two cases share a row"
    for case_id, mark in marks.items():
        assert mark.record_id and reference[case_id].record_id == mark.record_id, case_id


@pytest.mark.parametrize("case", cases())
def test_bad_value_is_a_recording_gap_on_its_row(case, values_run, published):
    mark = values_run["marks"][case.id]
    gaps = published["dq/recording_gaps.csv"]
    for row_number in mark.row_numbers:
        here = [g for g in gaps if g["table"] == mark.table and g["row_number"] == str(row_number)
                and g["column"] == mark.column]
        if mark.rule_id is None:
            assert not here, f"{case.description}: no gap expected, got {[g['rule_id'] for g in here]}"
            continue
        assert here, f"{case.description}: no recording gap on {mark.table} row {row_number} {mark.column}"
        if mark.rule_id != "any":
            assert mark.rule_id in {g["rule_id"] for g in here}, [g["rule_id"] for g in here]
        for gap in here:
            assert gap["record_id"] == (mark.gap_record or mark.record_id), gap
            assert gap["message"] and gap["severity"] in ("error", "warning")


def staged(warehouse, mark):
    """The case's row as every measure reads it (dbt staging: typed, bad values null, first row per key)."""
    key = catalogue_tables()[mark.table]["key"]
    con = duckdb.connect(str(warehouse))
    try:
        cur = con.execute(f"SELECT * EXCLUDE (_row_number) FROM staging.stg_{mark.table} WHERE {key} = ?",
                          [mark.gap_record or mark.record_id])
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        read_as = None
        if mark.read_as:
            read_as = con.execute(f"SELECT {mark.read_as[0]} FROM staging.stg_{mark.table} WHERE {key} = ?",
                                  [mark.gap_record or mark.record_id]).fetchall()
    finally:
        con.close()
    return rows, read_as


@pytest.mark.parametrize("case", cases())
def test_measures_read_the_bad_value_as_null(case, values_run, marts):
    """The case's row reads as in the reference extract, where the value is an empty cell (a shared key: only
    the first row), and so do the exceptions about its record or person."""
    mark = values_run["marks"][case.id]
    key = catalogue_tables()[mark.table]["key"]
    (bad_rows, read_as), (ref_rows, _) = staged(values_run["warehouse"], mark), staged(values_run["reference"], mark)
    assert len(bad_rows) == 1, bad_rows

    assert bad_rows == ref_rows
    # a bad value reads as null; a null flag reads as "no" (docs/conventions.md#flags)
    null = False if catalogue_tables()[mark.table]["columns"][mark.column].get("type") == "flag" else None
    expected = mark.staged if mark.staged is not None else (
        {mark.column: null} if mark.rule_id and mark.column != key else {})
    for column, value in expected.items():
        assert bad_rows[0][column] == value, (column, bad_rows[0])
    if mark.read_as:
        assert read_as == [(mark.read_as[1],)], read_as

    def about(rows):
        return [r for r in rows if r[2] == mark.record_id or (mark.person_id and r[1] == mark.person_id)]

    assert about(marts["warehouse"]) == about(marts["reference"])


MEASURED = {"date_unparseable", "date_31_02", "date_2026_02_30", "date_wrong_separators", "date_dotted",
            "date_after_d", "flag_unknown_nfa", "flag_unknown_seen_cp", "required_empty", "duplicate_key_after",
            "duplicate_key_before", "broken_reference_referral", "broken_reference_person", "broken_reference_plan"}


@pytest.mark.parametrize("case", cases(MEASURED))
def test_the_measure_outcome(case, values_run, published):
    """What the measure then says about the record, by its own definition (docs/measures.md)."""
    mark = values_run["marks"][case.id]
    assert mark.kpi_id and mark.listed is not None
    rows = [r for r in published["exceptions/exceptions.csv"]
            if r["kpi_id"] == mark.kpi_id and r["record_id"] == mark.record_id]
    if not mark.listed:
        assert rows == [], f"{case.description}: {mark.kpi_id} should not list {mark.record_id}"
        return
    assert len(rows) == 1, f"{case.description}: {mark.kpi_id} should list {mark.record_id}"
    row = rows[0]
    if mark.status:
        assert row["status"] == mark.status, row
    if mark.due_date:
        assert row["due_date"] == mark.due_date.isoformat(), row
    expected_person = mark.person_in_row if mark.person_in_row is not None else mark.person_id
    assert row["person_id"] == expected_person, row


def test_all_exceptions_are_those_of_the_reference(marts):
    """Every exception row is the reference's: each bad value reads as the empty cell it is in the reference."""
    assert len(marts["warehouse"]) > 100
    assert marts["warehouse"] == marts["reference"]


def test_all_kpi_values_are_those_of_the_reference(values_run):
    """Every rate at every level is the reference's."""
    bad, reference = (sorted(query(values_run[name], KPIS_SQL), key=str) for name in ("warehouse", "reference"))
    assert len(bad) > 100
    assert bad == reference


def test_no_unit_from_the_ignored_repeated_team(published):
    """duplicate_key_parquet: the later ssd_department row (area AREA-NOT-REAL) is not read."""
    assert not [r for r in published["kpis/kpi_values.csv"] if r["unit_id"] == "AREA-NOT-REAL"]
    assert not [r for r in published["exceptions/exceptions.csv"] if r["area_id"] == "AREA-NOT-REAL"]
