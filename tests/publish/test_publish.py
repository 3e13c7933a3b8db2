"""Publishing: the swap never leaves a half-published folder; workbooks keep formula-like text as text."""
import datetime as dt
import json

import duckdb
import openpyxl
import pandas as pd
import pytest

from csc_compliance.core.errors import CscError
from csc_compliance.publish import history, swap
from csc_compliance.publish.workbooks import LeadData, workbook_filename, workbook_filenames, write_lead_workbook


def _build(root, text):
    (root / "exceptions").mkdir(parents=True)
    (root / "exceptions" / "exceptions.csv").write_text(text)
    (root / "warehouse.duckdb").write_text(text)


def test_swap_replaces_every_entry(tmp_path):
    out, build = tmp_path / "out", tmp_path / "out" / ".csc-build" / "r2"
    _build(out, "old")
    _build(build, "new")
    swap.swap_in(build, out)
    assert (out / "exceptions" / "exceptions.csv").read_text() == "new"
    assert (out / "warehouse.duckdb").read_text() == "new"
    assert not (out / swap.JOURNAL).exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".csc-previous")]


def test_an_interrupted_swap_is_finished_by_recover(tmp_path):
    out, build = tmp_path / "out", tmp_path / "out" / ".csc-build" / "r2"
    _build(out, "old")
    _build(build, "new")
    previous = out / ".csc-previous-r2"
    # the journal was written and one entry moved when the run was killed
    (out / swap.JOURNAL).write_text(json.dumps({"build": str(build), "previous": str(previous),
                                                "entries": ["warehouse.duckdb", "exceptions"]}))
    previous.mkdir()
    (out / "warehouse.duckdb").rename(previous / "warehouse.duckdb")
    (build / "warehouse.duckdb").rename(out / "warehouse.duckdb")
    assert swap.recover(out)
    assert (out / "exceptions" / "exceptions.csv").read_text() == "new"
    assert (out / "warehouse.duckdb").read_text() == "new"
    assert not swap.recover(out)


def test_a_swap_that_fails_part_way_puts_the_published_entries_back(tmp_path, monkeypatch):
    out, build = tmp_path / "out", tmp_path / "out" / ".csc-build" / "r2"
    _build(out, "old")
    _build(build, "new")
    (build / "kpis").mkdir()                      # an entry not published before
    real_replace = swap.os.replace

    def full_disk(src, dst):
        if str(src).endswith("exceptions") and ".csc-build" in str(src):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(swap.os, "replace", full_disk)
    with pytest.raises(swap.SwapError, match="No space left on device.*put back"):
        swap.swap_in(build, out)
    monkeypatch.undo()
    assert (out / "exceptions" / "exceptions.csv").read_text() == "old"
    assert (out / "warehouse.duckdb").read_text() == "old"
    assert not (out / "kpis").exists()
    assert sorted(p.name for p in out.iterdir()) == [".csc-build", "exceptions", "warehouse.duckdb"]


def test_an_interrupted_swap_whose_build_is_gone_is_undone(tmp_path):
    out, build = tmp_path / "out", tmp_path / "out" / ".csc-build" / "r2"
    _build(out, "old")
    previous = out / ".csc-previous-r2"
    (out / swap.JOURNAL).write_text(json.dumps({"build": str(build), "previous": str(previous),
                                                "entries": ["warehouse.duckdb", "exceptions", "kpis"],
                                                "existed": ["warehouse.duckdb", "exceptions"]}))
    previous.mkdir()
    (out / "warehouse.duckdb").rename(previous / "warehouse.duckdb")
    (out / "warehouse.duckdb").write_text("new")
    (out / "kpis").mkdir()
    assert swap.recover(out)
    assert (out / "warehouse.duckdb").read_text() == "old" and not (out / "kpis").exists()
    assert (out / "exceptions" / "exceptions.csv").read_text() == "old"
    assert not (out / swap.JOURNAL).exists() and not previous.exists()


def test_workbook_filename():
    assert workbook_filename("Lead South & East") == "Lead South _ East.xlsx"
    assert workbook_filename("../etc/passwd") == "___etc_passwd.xlsx"
    assert workbook_filename("Área Norte-1_b") == "Área Norte-1_b.xlsx"
    assert workbook_filename("N" * 300) == "N" * 80 + ".xlsx"  # an area's long name still makes a file name


def test_no_two_leads_share_a_workbook_file():
    """Area names from the extract may differ only in punctuation or case, or come out as a configured lead's
    file name: each lead still gets its own file, and a configured lead keeps `<lead>.xlsx`."""
    files = workbook_filenames(["North & East", "North / East", "NORTH _ EAST", "North _ East_2", "Lead"],
                               configured={"North _ East_2"})
    assert files == {"North _ East_2": "North _ East_2.xlsx", "Lead": "Lead.xlsx",
                     "NORTH _ EAST": "NORTH _ EAST.xlsx", "North & East": "North _ East_3.xlsx",
                     "North / East": "North _ East_4.xlsx"}
    assert len({f.casefold() for f in files.values()}) == len(files)
    long = workbook_filenames(["A" * 90 + "x", "A" * 90 + "y"], configured=set())
    assert sorted(long.values()) == ["A" * 80 + ".xlsx", "A" * 80 + "_2.xlsx"]


def test_formula_like_values_stay_text_and_dates_are_dates(tmp_path):
    rows = pd.DataFrame([{
        "kpi_id": "CP_VISIT", "person_id": "=HYPERLINK(\"http://x\")", "record_id": "+1+2", "status": "overdue",
        "flag": "-5", "due_date": dt.date(2024, 12, 16), "days_overdue": 4, "working_days_overdue": 4,
        "first_seen_date": dt.date(2024, 12, 20), "worker_id": "@SUM(A1)", "team_id": "T1", "area_id": "A1"}])
    gaps = pd.DataFrame(columns=["rule_id", "severity", "table", "row_number", "record_id", "person_id", "column",
                                 "message", "worker_id", "team_id", "area_id"])
    path = tmp_path / "lead.xlsx"
    write_lead_workbook(path, LeadData("Lead", "2024-12-20", rows, gaps))
    wb = openpyxl.load_workbook(path)
    ws = wb["CP_VISIT"]
    header = [c.value for c in ws[1]]
    values = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert (values["person_id"], values["record_id"], values["flag"], values["worker_id"]) == (
        '=HYPERLINK("http://x")', "+1+2", "-5", "@SUM(A1)")
    assert all(c.data_type == "s" for c, h in zip(ws[2], header, strict=True)
               if h in ("person_id", "record_id", "flag", "worker_id"))
    assert isinstance(values["due_date"], dt.datetime) and values["due_date"].date() == dt.date(2024, 12, 16)
    assert values["new"] == "new" and values["days_open"] == 0


def test_dates_before_excels_calendar_are_written_as_text(tmp_path):
    """A placeholder date (SQL Server's 1753-01-01, a year-1 typing error) would show as ##### in Excel."""
    due = [dt.date(1, 3, 5), dt.date(1753, 3, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1)]
    rows = pd.DataFrame({"kpi_id": ["ASSESS_45WD"] * 4, "record_id": list("abcd"), "status": ["overdue"] * 4,
                         "due_date": due, "first_seen_date": [dt.date(2024, 12, 20)] * 4, "team_id": ["T1"] * 4})
    rows["days_overdue"] = pd.array([(dt.date(2024, 12, 20) - d).days for d in due], dtype="Int64")
    empty = pd.DataFrame(columns=["rule_id", "severity", "row_number"])
    write_lead_workbook(tmp_path / "old.xlsx", LeadData("Lead", "2024-12-20", rows, empty))
    ws = openpyxl.load_workbook(tmp_path / "old.xlsx")["ASSESS_45WD"]
    header = [c.value for c in ws[1]]
    cells = {r[header.index("record_id")].value: r[header.index("due_date")] for r in ws.iter_rows(min_row=2)}
    assert [cells[k].value for k in "abc"] == ["0001-03-05", "1753-03-01", "1900-02-28"]
    assert all(cells[k].data_type == "s" for k in "abc")
    assert cells["d"].value == dt.datetime(1900, 3, 1)


def test_day_counts_from_the_warehouse_are_numbers(tmp_path):
    """DuckDB hands pandas nullable integers; Excel must get numbers a lead can sort and sum."""
    rows = pd.DataFrame({"kpi_id": ["CP_VISIT", "CP_VISIT"], "record_id": ["a", "b"], "status": ["overdue", "due_soon"],
                         "due_date": [dt.date(2024, 12, 1), dt.date(2024, 12, 23)],
                         "first_seen_date": [dt.date(2024, 12, 20)] * 2, "team_id": ["T1", None]})
    rows["days_overdue"] = pd.array([19, None], dtype="Int64")
    rows["working_days_overdue"] = pd.array([14, None], dtype="Int64")
    empty = pd.DataFrame(columns=["rule_id", "severity", "row_number"])
    write_lead_workbook(tmp_path / "n.xlsx", LeadData("Lead", "2024-12-20", rows, empty))
    ws = openpyxl.load_workbook(tmp_path / "n.xlsx")["CP_VISIT"]
    header = [c.value for c in ws[1]]
    first = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert first["record_id"] == "a"                                  # most overdue first
    assert first["days_overdue"] == 19 and ws.cell(2, header.index("days_overdue") + 1).data_type == "n"
    assert first["working_days_overdue"] == 14
    second = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert second["days_overdue"] is None
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_an_empty_workbook_says_there_is_nothing_to_act_on(tmp_path):
    empty = pd.DataFrame(columns=["kpi_id", "status", "days_overdue", "due_date", "record_id"])
    write_lead_workbook(tmp_path / "e.xlsx", LeadData("Lead", "2024-12-20", empty, empty))
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx")["Summary"]
    assert "Nothing to act on" in " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_the_history_keeps_one_run_per_reporting_date_within_the_retention(tmp_path):
    """record_run stores this run's published exceptions and KPI values; re-running a date replaces that date's
    rows; rows past the retention go. (first_seen_date itself is dbt's: models/marts/unit_tests.yml.)"""
    con = duckdb.connect()
    history.attach(con, tmp_path / "h.duckdb", "history", tmp_path / "h.duckdb")
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.fct_kpi_values (kpi_id VARCHAR, level VARCHAR, unit_id VARCHAR, unit_name VARCHAR,"
                " numerator BIGINT, denominator BIGINT, value DOUBLE, note VARCHAR)")

    def night(day, items):
        con.execute("CREATE OR REPLACE TABLE marts.exceptions_published AS SELECT * FROM (VALUES "
                    + ", ".join(f"('K', 'P', '{i}', NULL, NULL, NULL, 'L', 'overdue', NULL, NULL::DATE, NULL::BIGINT,"
                                f" NULL::BIGINT, DATE '{day}')" for i in items)
                    + ") t(kpi_id, person_id, record_id, worker_id, team_id, area_id, lead, status, flag, due_date,"
                      " days_overdue, working_days_overdue, first_seen_date)")
        history.record_run(con, "history", day, f"run-{day}", 2)
        return con.execute("SELECT reporting_date, list(record_id ORDER BY record_id) FROM history.exceptions "
                           "GROUP BY ALL ORDER BY ALL").fetchall()

    d = dt.date
    assert night(d(2024, 1, 1), ["a", "b"]) == [(d(2024, 1, 1), ["a", "b"])]
    assert night(d(2024, 1, 2), ["a"]) == [(d(2024, 1, 1), ["a", "b"]), (d(2024, 1, 2), ["a"])]
    assert night(d(2024, 1, 2), ["c"]) == [(d(2024, 1, 1), ["a", "b"]), (d(2024, 1, 2), ["c"])]   # replaced
    assert night(d(2024, 1, 4), ["a"]) == [(d(2024, 1, 2), ["c"]), (d(2024, 1, 4), ["a"])]   # past 2 days: gone
    assert con.execute("SELECT list(reporting_date ORDER BY 1) FROM history.runs").fetchone() == ([d(2024, 1, 2),
                                                                                                   d(2024, 1, 4)],)


def test_landing_reads_the_published_history_before_d_without_changing_it(tmp_path):
    published = tmp_path / "history.duckdb"
    con = duckdb.connect()
    history.land_previous(con, published, dt.date(2024, 1, 3))   # nothing published yet: empty, same columns
    assert con.execute("SELECT count(*) FROM meta.previous_exceptions").fetchone() == (0,)
    with duckdb.connect(str(published)) as h:
        h.execute(history.SCHEMA)
        h.execute("INSERT INTO runs VALUES (DATE '2024-01-02', 'r2', now()::TIMESTAMP), "
                  "(DATE '2024-01-03', 'r3', now()::TIMESTAMP)")
    before = published.read_bytes()
    history.land_previous(con, published, dt.date(2024, 1, 3))
    assert con.execute("SELECT list(run_id) FROM meta.previous_runs").fetchone() == (["r2"],)   # before D only
    assert published.read_bytes() == before
    published.write_bytes(b"not a database")
    with pytest.raises(CscError, match="cannot be read"):
        history.land_previous(con, published, dt.date(2024, 1, 3))


def test_leads_summary_page_draws_each_measure_by_team_and_over_time(tmp_path):
    from csc_compliance.publish.summary_page import write_summary_page
    from summary_page_helpers import summary_db

    con = summary_db(tmp_path, [("CP_VISIT", "T1", "overdue"), ("CP_VISIT", "T1", "due_soon"),
                                ("CP_VISIT", None, "overdue"), ("PLO_DURATION", "T2", "watch")],
                     ["2024-12-19", "2024-12-20"],
                     [("2024-12-19", "CP_VISIT"), ("2024-12-20", "CP_VISIT"), ("2024-12-20", "CP_VISIT")])
    page = write_summary_page(con, tmp_path / "summary.html", "2024-12-20", "Test <Council>").read_text()
    assert "Test &lt;Council&gt;" in page and "<script" not in page and "http" not in page
    cp = page[page.index('id="CP_VISIT"'):page.index("</section>", page.index('id="CP_VISIT"'))]
    assert "T1: 1 overdue" in cp and "T1: 1 due_soon" in cp and "UNASSIGNED: 1 overdue" in cp
    assert "2024-12-19: 1" in cp and "2024-12-20: 2" in cp      # the trend over stored runs
    assert "No open exceptions." in page[page.index('id="ASSESS_45WD"'):]
