"""The leads' summary page in a real headless Chromium: it loads with no console error, no failed load,
and every chart draws (marks with a rendered size), over several nights of history."""
from __future__ import annotations

from csc_compliance.core.catalogue import measure_catalogue
from csc_compliance.publish.summary_page import write_summary_page
from headless_chromium import open_page
from summary_page_helpers import MEASURE_CHARTS, sections_by_id, summary_db


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
