"""One Excel workbook per strategic lead holding only that lead's rows (contract.md `<lead>.xlsx`).

Values are written as text or real dates, never as formulas: a cell starting with =, +, - or @ stays text
(xlsxwriter's strings_to_formulas is off, and such strings are written with write_string)."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import xlsxwriter

from ..catalogue import measure_catalogue

SHEET_COLUMNS = ["person_id", "record_id", "status", "flag", "due_date", "days_overdue", "working_days_overdue",
                 "first_seen_date", "worker_id", "team_id", "area_id"]
GAP_COLUMNS = ["rule_id", "severity", "table", "row_number", "record_id", "person_id", "column", "message",
               "worker_id", "team_id", "area_id"]


def workbook_filename(lead: str) -> str:
    return re.sub(r"[^\w \-]", "_", lead) + ".xlsx"


def _sheet_name(kpi_id: str, used: set[str]) -> str:
    name = kpi_id[:31]
    while name in used:
        name = name[:28] + f"_{len(used)}"
    used.add(name)
    return name


def _write_table(wb, ws, frame: pd.DataFrame, columns: list[str], formats: dict) -> None:
    for c, col in enumerate(columns):
        ws.write_string(0, c, col, formats["header"])
    for r, row in enumerate(frame[columns].itertuples(index=False), start=1):
        for c, value in enumerate(row):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                ws.write_blank(r, c, None)
            elif hasattr(value, "year") and hasattr(value, "month"):
                ws.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), formats["date"])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    for c, col in enumerate(columns):
        ws.set_column(c, c, max(12, len(col) + 2))


def write_lead_workbook(path: Path, lead: str, exceptions: pd.DataFrame, gaps: pd.DataFrame,
                        reporting_date: str, unavailable: dict[str, str]) -> None:
    labels = {k: v["label"] for k, v in measure_catalogue()["exception_measures"].items()}
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    formats = {"header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
               "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
               "title": wb.add_format({"bold": True, "font_size": 14})}
    summary = wb.add_worksheet("Summary")
    summary.write_string(0, 0, f"Exceptions for {lead}", formats["title"])
    summary.write_string(1, 0, f"Reporting date {reporting_date}")
    if exceptions.empty and gaps.empty:
        summary.write_string(3, 0, "Nothing to act on: no exceptions or recording gaps for your areas.")
    row = 3 if exceptions.empty and gaps.empty else 3
    if not (exceptions.empty and gaps.empty):
        for c, h in enumerate(["Measure", "Description", "Overdue", "Due soon", "Watch", "Total"]):
            summary.write_string(row, c, h, formats["header"])
        for kpi_id, label in labels.items():
            rows = exceptions[exceptions["kpi_id"] == kpi_id]
            row += 1
            summary.write_string(row, 0, kpi_id)
            summary.write_string(row, 1, label if kpi_id not in unavailable else f"{label} (not available: "
                                 f"{unavailable[kpi_id]})")
            for c, status in enumerate(["overdue", "due_soon", "watch"], start=2):
                summary.write_number(row, c, int((rows["status"] == status).sum()))
            summary.write_number(row, 5, len(rows))
        row += 1
        summary.write_string(row, 0, "RECORDING_GAPS")
        summary.write_string(row, 1, "Recording gaps in the extract")
        summary.write_number(row, 5, len(gaps))
    summary.set_column(0, 0, 22)
    summary.set_column(1, 1, 60)
    used = {"Summary"}
    for kpi_id in labels:
        rows = exceptions[exceptions["kpi_id"] == kpi_id]
        if rows.empty:
            continue
        rows = rows.sort_values(["days_overdue", "due_date", "record_id"], ascending=[False, True, True],
                                na_position="last")
        ws = wb.add_worksheet(_sheet_name(kpi_id, used))
        _write_table(wb, ws, rows, SHEET_COLUMNS, formats)
    if not gaps.empty:
        ws = wb.add_worksheet("Recording gaps")
        _write_table(wb, ws, gaps.sort_values(["severity", "rule_id", "row_number"]), GAP_COLUMNS, formats)
    wb.close()
