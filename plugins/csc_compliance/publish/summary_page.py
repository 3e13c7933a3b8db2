"""The leads' summary page (`exceptions/summary.html`): one static HTML file with inline SVG charts, each
measure's open exceptions by team and the trend of each measure over the stored history. Counts only, no
child-level data, no scripts and no external resources, so it opens anywhere, offline."""
from __future__ import annotations

import html
from pathlib import Path

import duckdb

from csc_compliance.core.catalogue import measure_catalogue, measure_label
from csc_compliance.core.vocabulary import UNASSIGNED_UNIT

STATUS_COLOURS = {"overdue": "#c0392b", "due_soon": "#e67e22", "watch": "#2980b9"}
CSS = """body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#222}h1{font-size:22px}
h2{font-size:16px;margin-top:28px}.chart{margin:8px 0 18px}.legend span{margin-right:14px}
.note{color:#555;font-size:13px}svg text{font-size:11px;fill:#222}"""


def _bar_chart(rows: list[tuple[str, dict[str, int]]], width: int = 640) -> str:
    """Horizontal stacked bars: one per team, segments per status."""
    bar_h, gap, label_w = 16, 6, 110
    total_max = max((sum(c.values()) for _, c in rows), default=0) or 1
    height = len(rows) * (bar_h + gap) + 10
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    for i, (team, counts) in enumerate(rows):
        y = i * (bar_h + gap) + 5
        parts.append(f'<text x="0" y="{y + 12}">{html.escape(team)}</text>')
        x = label_w
        for status, colour in STATUS_COLOURS.items():
            n = counts.get(status, 0)
            if n:
                w = max(1.0, (width - label_w - 40) * n / total_max)
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                             f'<title>{html.escape(team)}: {n} {status}</title></rect>')
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}">{sum(counts.values())}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _trend_chart(points: list[tuple[str, int]], width: int = 640, height: int = 120) -> str:
    """A line of the measure's open exceptions per stored reporting date."""
    if not points:
        return '<p class="note">No history yet.</p>'
    top = max(n for _, n in points) or 1
    step = (width - 60) / max(len(points) - 1, 1)
    coords = [(40 + i * step, height - 20 - (height - 40) * n / top) for i, (_, n) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f'<polyline points="{path}" fill="none" stroke="#2c3e50" stroke-width="2"/>']
    for (x, y), (day, n) in zip(coords, points, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2c3e50"><title>{day}: {n}</title></circle>')
    parts.append(f'<text x="40" y="{height - 4}">{points[0][0]}</text>')
    parts.append(f'<text x="{width - 90}" y="{height - 4}">{points[-1][0]}</text>')
    parts.append(f'<text x="0" y="14">{top}</text></svg>')
    return "".join(parts)


def write_summary_page(con: duckdb.DuckDBPyConnection, path: Path, reporting_date: str, authority: str,
                       standards: dict | None = None) -> Path:
    """`con` is the warehouse with the history attached as `history` (after this run was recorded)."""
    measures = measure_catalogue()["exception_measures"]
    by_team = con.execute("""SELECT kpi_id, coalesce(team_id, ?), status, count(*)
                             FROM marts.exceptions_published GROUP BY ALL ORDER BY ALL""",
                          [UNASSIGNED_UNIT]).fetchall()
    nights = [str(d) for (d,) in con.execute("SELECT reporting_date FROM history.runs ORDER BY 1").fetchall()]
    # a measure with nothing open on a night is a 0 on its trend, not a missing point
    listed = {(str(d), k): n for d, k, n in con.execute(
        "SELECT reporting_date, kpi_id, count(*) FROM history.exceptions GROUP BY ALL").fetchall()}
    legend = "".join(f'<span style="color:{c}">&#9632; {s}</span>' for s, c in STATUS_COLOURS.items())
    body = [f"<h1>Compliance exceptions: {html.escape(authority)}</h1>",
            f'<p class="note">Reporting date {reporting_date}. Open exceptions by team and status, and each '
            "measure's trend over the stored history. Each lead's workbook lists the children.</p>",
            f'<p class="legend">{legend}</p>']
    for kpi_id, _spec in measures.items():
        teams: dict[str, dict[str, int]] = {}
        for k, team, status, n in by_team:
            if k == kpi_id:
                teams.setdefault(team, {})[status] = n
        points = [(night, listed.get((night, kpi_id), 0)) for night in nights]
        body.append(f'<section id="{kpi_id}"><h2>{kpi_id}: {html.escape(measure_label(kpi_id, standards))}</h2>')
        body.append(_bar_chart(sorted(teams.items())) if teams else '<p class="note">No open exceptions.</p>')
        body.append(_trend_chart(points))
        body.append("</section>")
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Compliance summary '
            f'{reporting_date}</title><style>{CSS}</style></head><body>{"".join(body)}</body></html>')
    path.write_text(page, encoding="utf-8")
    return path
