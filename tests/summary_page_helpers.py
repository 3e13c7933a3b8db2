"""Helpers for the summary page's tests: a warehouse holding tonight's exceptions and a history, and what a
reader of the page sees in each chart (measured in headless Chromium)."""
from __future__ import annotations

import duckdb

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
