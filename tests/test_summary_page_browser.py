"""The leads' summary page in a real headless Chromium: it loads with no console error, no failed load,
and every chart draws (marks with a rendered size), over several nights of history."""
from __future__ import annotations

import duckdb

from csc_compliance.catalogue import measure_catalogue
from csc_compliance.publish.summary_page import write_summary_page
from headless_chromium import open_page

# what a reader sees: per section, each chart's rendered size and the marks that have a size
MEASURE_CHARTS = """(() => [...document.querySelectorAll('section')].map(s => ({
  id: s.id,
  charts: [...s.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('rect, polyline, circle')].filter(m => {
      const b = m.getBBox(); return b.width > 0 || b.height > 0; });
    return {kind: svg.querySelector('polyline') ? 'trend' : 'bars', width: box.width, height: box.height,
            rects: marks.filter(m => m.tagName === 'rect').length,
            points: marks.filter(m => m.tagName === 'circle').length,
            lines: marks.filter(m => m.tagName === 'polyline').length};
  }),
})))()"""


def sections_by_id(report):
    return {s["id"]: s["charts"] for s in report["measured"]}


def summary_db(tmp_path, open_items, nights, listed):
    """A warehouse with tonight's open exceptions (kpi, team, status) and a history of nights and listings."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{tmp_path / 'h.duckdb'}' AS history")
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.exceptions_published (kpi_id VARCHAR, team_id VARCHAR, status VARCHAR)")
    con.executemany("INSERT INTO marts.exceptions_published VALUES (?, ?, ?)", open_items)
    con.execute("CREATE TABLE history.runs (reporting_date DATE)")
    con.executemany("INSERT INTO history.runs VALUES (CAST(? AS DATE))", [[n] for n in nights])
    con.execute("CREATE TABLE history.exceptions (reporting_date DATE, kpi_id VARCHAR)")
    con.executemany("INSERT INTO history.exceptions VALUES (CAST(? AS DATE), ?)", listed)
    return con


def test_summary_page_loads_cleanly_and_every_chart_draws(tmp_path):
    con = summary_db(tmp_path, [("CP_VISIT", "T1", "overdue"), ("CP_VISIT", "T2", "due_soon"),
                                ("CP_VISIT", None, "watch"), ("PLO_DURATION", "T2", "watch")],
                     ["2024-12-18", "2024-12-19", "2024-12-20"],
                     [("2024-12-18", "CP_VISIT"), ("2024-12-19", "CP_VISIT"), ("2024-12-20", "CP_VISIT"),
                      ("2024-12-20", "PLO_DURATION")])
    page = write_summary_page(con, tmp_path / "summary.html", "2024-12-20", "Test Council")

    report = open_page(page, MEASURE_CHARTS)

    assert report["errors"] == []
    sections = sections_by_id(report)
    assert list(sections) == list(measure_catalogue()["exception_measures"])
    bars, trend = sections["CP_VISIT"]
    assert bars["kind"] == "bars" and bars["width"] > 0 and bars["height"] > 0
    assert bars["rects"] == 3                      # T1 overdue, T2 due soon, UNASSIGNED watch
    assert trend["kind"] == "trend" and trend["lines"] == 1 and trend["points"] == 3
    for kpi_id, charts in sections.items():        # every measure has its trend over the three nights
        assert charts[-1]["kind"] == "trend" and charts[-1]["points"] == 3, kpi_id
    assert report["screenshot"].startswith(b"\x89PNG")
