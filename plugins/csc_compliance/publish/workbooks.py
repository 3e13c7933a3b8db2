"""One Excel workbook per strategic lead holding only that lead's rows (docs/contract.md#lead-workbooks).

Summary sheet (counts by measure and status, change since the previous run, counts by team, items resolved
since the previous run), one sheet per measure (most overdue first, new rows marked) and one for recording
gaps; frozen headers, filters and real date cells. Values are written as text or real dates, never as
formulas: a cell starting with =, +, - or @ stays text (strings_to_formulas is off; text uses write_string).

With a password (configuration `workbook_password_env`), the workbook is built in memory and only its
encrypted form (ECMA-376 agile encryption, as Excel writes it) reaches the disk."""
from __future__ import annotations

import datetime as dt
import io
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter

from csc_compliance.core.catalogue import measure_catalogue, measure_label
from csc_compliance.core.vocabulary import UNASSIGNED_UNIT
from csc_compliance.publish.csv_outputs import GAP_COLUMNS as CSV_GAP_COLUMNS
from csc_compliance.settings.config import workbook_stem

SHEET_COLUMNS = ["new", "person_id", "record_id", "status", "flag", "due_date", "days_overdue",
                 "working_days_overdue", "first_seen_date", "days_open", "worker_id", "team_id", "area_id"]
GAP_COLUMNS = [c for c in CSV_GAP_COLUMNS if c != "lead"]   # a lead's own workbook: the lead goes without saying
RESOLVED_COLUMNS = ["kpi_id", "record_id", "person_id", "team_id", "status", "first_seen_date", "last_listed"]
STATUSES = ("overdue", "due_soon", "watch")
# Excel's dates start at 1900-01-01 and count 1900 as a leap year: before 1900-03-01 a date cell is wrong or
# unreadable, so such a date (a placeholder such as 1753-01-01) is written as its text.
EXCEL_FIRST_DATE = dt.datetime(1900, 3, 1)


@dataclass
class LeadData:
    lead: str
    reporting_date: str
    exceptions: pd.DataFrame
    gaps: pd.DataFrame
    resolved: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous_counts: dict = field(default_factory=dict)
    unavailable: dict = field(default_factory=dict)
    areas_not_in_extract: tuple = ()   # configured for this lead, but no team of the extract is in them
    standards: dict | None = None      # the run's local standards, which the measures' labels quote


def workbook_filename(lead: str) -> str:
    return workbook_stem(lead) + ".xlsx"


def workbook_filenames(leads: list[str], configured: set[str]) -> dict[str, str]:
    """Each lead's workbook file, no two the same (compared case-insensitively, as Windows shares and Excel
    do). Configured leads keep `<lead>.xlsx` (the configuration refuses two that would share one); a lead
    named after an area whose name comes out the same as another lead's gets `<lead>_2.xlsx`, `_3`, ... in
    order of name, so no lead's file is overwritten by another's."""
    files: dict[str, str] = {}
    taken: set[str] = set()
    for lead in sorted(leads, key=lambda name: (name not in configured, name)):
        stem, n = workbook_stem(lead), 1
        name = stem
        while name.casefold() in taken:
            n += 1
            name = f"{stem}_{n}"
        taken.add(name.casefold())
        files[lead] = name + ".xlsx"
    return files


class _Sheet:
    """Writes cells by type: text stays text, dates become date cells, numbers numbers."""

    def __init__(self, wb, ws, formats):
        self.wb, self.ws, self.f = wb, ws, formats

    def cell(self, r, c, value, fmt=None):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            self.ws.write_blank(r, c, None, fmt)
        elif isinstance(value, (dt.date, pd.Timestamp)):
            when = pd.Timestamp(value).to_pydatetime()
            if when < EXCEL_FIRST_DATE:   # Excel shows ##### (or 1900-01-00): a placeholder date stays legible
                self.ws.write_string(r, c, when.date().isoformat(), fmt)
            else:
                self.ws.write_datetime(r, c, when, self.f["date"])
        elif isinstance(value, numbers.Number) and not isinstance(value, (bool, complex)):
            self.ws.write_number(r, c, float(value), fmt)  # numpy and pandas integers too
        else:
            self.ws.write_string(r, c, str(value), fmt)

    def table(self, top: int, frame: pd.DataFrame, columns: list[str], filters: bool = True) -> int:
        for c, col in enumerate(columns):
            self.ws.write_string(top, c, col, self.f["header"])
        for r, row in enumerate(frame.reindex(columns=columns).itertuples(index=False), start=top + 1):
            for c, value in enumerate(row):
                self.cell(r, c, value)
        if filters:
            self.ws.autofilter(top, 0, top + max(len(frame), 1), len(columns) - 1)
        return top + len(frame) + 1


def _measure_rows(rows: pd.DataFrame, reporting_date: dt.date) -> pd.DataFrame:
    rows = rows.copy()
    first_seen = pd.to_datetime(rows["first_seen_date"])
    rows["new"] = ["new" if pd.notna(f) and f.date() == reporting_date else "" for f in first_seen]
    rows["days_open"] = [(reporting_date - f.date()).days if pd.notna(f) else None for f in first_seen]
    # most overdue first; due-soon rows (no days overdue) by their due date
    return rows.sort_values(["days_overdue", "due_date", "record_id"], ascending=[False, True, True],
                            na_position="last")


def encrypt_workbook(plain: bytes, password: str, path: Path) -> None:
    """Write the encrypted form of the workbook `plain` to `path` (readable by its owner only)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, encrypted)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(encrypted.getvalue())


def write_lead_workbook(path: Path, data: LeadData, password: str | None = None) -> None:
    """Write the lead's workbook to `path`; encrypted with `password` when one is given: a Summary sheet, a
    sheet per measure with rows to act on, and the recording gaps."""
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    plain = io.BytesIO() if password else None
    # encrypted: built in memory, no temporary files, so no unencrypted copy is ever on disk
    wb = xlsxwriter.Workbook(plain, {**options, "in_memory": True}) if password else \
        xlsxwriter.Workbook(str(path), options)
    f = {"header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
         "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
         "title": wb.add_format({"bold": True, "font_size": 14}),
         "bold": wb.add_format({"bold": True})}
    _summary_sheet(wb, f, data)
    _measure_sheets(wb, f, data)
    _gaps_sheet(wb, f, data)
    wb.close()
    if password:
        encrypt_workbook(plain.getvalue(), password, path)


def _summary_sheet(wb, f: dict, data: LeadData) -> None:
    """Counts by measure (with the change since the previous run), by team, and what was resolved."""
    summary = _Sheet(wb, wb.add_worksheet("Summary"), f)
    summary.ws.write_string(0, 0, f"Exceptions for {data.lead}", f["title"])
    summary.ws.write_string(1, 0, f"Reporting date {data.reporting_date}")
    # the leads' summary page (charts by team and over time) sits beside the workbooks
    summary.ws.write_url(1, 3, "external:summary.html", string="Charts: summary.html")
    if data.areas_not_in_extract:   # a mistyped area id must not read as "nothing to act on"
        summary.ws.write_string(2, 0, f"Check the configuration: area {', '.join(data.areas_not_in_extract)} "
                                "configured for you is not in tonight's ssd_department, so no child is routed "
                                "to you through it.", f["bold"])
    ex = data.exceptions
    if ex.empty and data.gaps.empty and data.resolved.empty:
        summary.ws.write_string(3, 0, "Nothing to act on: no exceptions or recording gaps for your areas.")
    else:
        by_measure = []
        for kpi_id in measure_catalogue()["exception_measures"]:
            rows = ex[ex["kpi_id"] == kpi_id]
            previous = data.previous_counts.get(kpi_id, 0)
            label = measure_label(kpi_id, data.standards) + (
                f" (not available: {data.unavailable[kpi_id]} not in the extract)"
                if kpi_id in data.unavailable else "")
            by_measure.append({"measure": kpi_id, "description": label,
                               **{s: int((rows["status"] == s).sum()) for s in STATUSES},
                               "total": len(rows), "previous run": previous, "change": len(rows) - previous})
        by_measure.append({"measure": "RECORDING_GAPS", "description": "Recording gaps in the extract",
                           "total": len(data.gaps)})
        cols = ["measure", "description", *STATUSES, "total", "previous run", "change"]
        row = summary.table(3, pd.DataFrame(by_measure), cols, filters=False) + 2
        summary.ws.write_string(row, 0, "By team", f["bold"])
        if not ex.empty:
            teams = (ex.assign(team_id=ex["team_id"].fillna(UNASSIGNED_UNIT))
                       .pivot_table(index=["team_id", "kpi_id"], columns="status", values="record_id",
                                    aggfunc="count", fill_value=0)
                       .reindex(columns=list(STATUSES), fill_value=0).reset_index())
            row = summary.table(row + 1, teams, ["team_id", "kpi_id", *STATUSES], filters=False) + 2
        else:
            row += 2
        summary.ws.write_string(row, 0, f"Resolved since the previous run: {len(data.resolved)}", f["bold"])
        if not data.resolved.empty:
            summary.table(row + 1, data.resolved, RESOLVED_COLUMNS, filters=False)
    summary.ws.set_column(0, 0, 22)
    summary.ws.set_column(1, 1, 60)
    summary.ws.set_column(2, 8, 12)


def _measure_sheets(wb, f: dict, data: LeadData) -> None:
    """One sheet per measure with rows for the lead, in the catalogue's order."""
    d = dt.date.fromisoformat(data.reporting_date)
    for kpi_id in measure_catalogue()["exception_measures"]:
        rows = data.exceptions[data.exceptions["kpi_id"] == kpi_id]
        if rows.empty:
            continue
        sheet = _Sheet(wb, wb.add_worksheet(kpi_id[:31]), f)
        sheet.table(0, _measure_rows(rows, d), SHEET_COLUMNS)
        sheet.ws.freeze_panes(1, 0)
        sheet.ws.set_column(0, len(SHEET_COLUMNS) - 1, 14)


def _gaps_sheet(wb, f: dict, data: LeadData) -> None:
    if not data.gaps.empty:
        sheet = _Sheet(wb, wb.add_worksheet("Recording gaps"), f)
        sheet.table(0, data.gaps.sort_values(["severity", "rule_id", "row_number"]), GAP_COLUMNS)
        sheet.ws.freeze_panes(1, 0)
        sheet.ws.set_column(0, len(GAP_COLUMNS) - 1, 16)
