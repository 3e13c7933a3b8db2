"""Split the exception list and recording gaps by strategic lead and write each lead's workbook. Every
configured lead gets one (an empty one says there is nothing to act on), and so does every lead that has
rows: an area's own name for unconfigured areas, and Unassigned."""
from __future__ import annotations

from pathlib import Path

import duckdb

from ..config import Config
from .workbooks import workbook_filename, write_lead_workbook


def write_workbooks(con: duckdb.DuckDBPyConnection, folder: Path, config: Config, reporting_date: str) -> dict:
    exceptions = con.execute("SELECT * FROM marts.exceptions_published").df()
    gaps = con.execute("SELECT * FROM marts.dq_recording_gaps").df()
    unavailable = dict(con.execute(
        "SELECT kpi_id, missing_tables FROM intermediate.int_measure_availability WHERE NOT is_available").fetchall())
    leads = sorted({lead.name for lead in config.leads} | set(exceptions["lead"].dropna())
                   | set(gaps["lead"].dropna()))
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for lead in leads:
        name = workbook_filename(lead)
        write_lead_workbook(folder / name, lead, exceptions[exceptions["lead"] == lead],
                            gaps[gaps["lead"] == lead], reporting_date, unavailable)
        written[lead] = {"file": f"exceptions/{name}",
                         "exceptions": int((exceptions["lead"] == lead).sum()),
                         "recording_gaps": int((gaps["lead"] == lead).sum())}
    return written
