"""Split the exception list and recording gaps by strategic lead and write each lead's workbook. Every
configured lead gets one (an empty one says there is nothing to act on), and so does every lead that has
rows: an area's own name for unconfigured areas, and Unassigned. A configured area that no team of the
extract is in (a mistyped id) is named in that lead's workbook and in the manifest, never silent. A lead configured with
`workbook_password_env` gets an encrypted workbook; the password is read here and goes nowhere else."""
from __future__ import annotations

from pathlib import Path

import duckdb

from csc_compliance.publish.workbooks import LeadData, workbook_filenames, write_lead_workbook
from csc_compliance.settings.config import Config


def write_workbooks(con: duckdb.DuckDBPyConnection, folder: Path, config: Config, reporting_date: str,
                    unavailable: dict[str, str]) -> dict:
    exceptions = con.execute("SELECT * FROM marts.exceptions_published").df()
    gaps = con.execute("SELECT * FROM marts.dq_recording_gaps").df()
    resolved = con.execute("SELECT * FROM marts.exceptions_resolved").df()
    previous = con.execute("SELECT * FROM marts.exceptions_previous_counts").df()
    leads = sorted({lead.name for lead in config.leads} | set(exceptions["lead"].dropna())
                   | set(gaps["lead"].dropna()) | set(resolved["lead"].dropna()))
    passwords = config.check_workbook_passwords()  # checked at start too; never writes a workbook unencrypted
    present = {a for (a,) in con.execute("SELECT DISTINCT area_id FROM intermediate.int_units").fetchall()}
    missing = {lead.name: tuple(a for a in lead.area_ids if a not in present) for lead in config.leads}
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    files = workbook_filenames(leads, {lead.name for lead in config.leads})
    for lead in leads:
        name = files[lead]
        data = LeadData(lead=lead, reporting_date=reporting_date,
                        exceptions=exceptions[exceptions["lead"] == lead],
                        gaps=gaps[gaps["lead"] == lead],
                        resolved=resolved[resolved["lead"] == lead],
                        previous_counts=dict(zip(previous.loc[previous["lead"] == lead, "kpi_id"],
                                                 previous.loc[previous["lead"] == lead, "previous_count"],
                                                 strict=True)),
                        unavailable=unavailable, areas_not_in_extract=missing.get(lead, ()),
                        standards=config.local_standards)
        write_lead_workbook(folder / name, data, passwords.get(lead))
        written[lead] = {"file": f"exceptions/{name}", "encrypted": lead in passwords,
                         "exceptions": int((exceptions["lead"] == lead).sum()),
                         "recording_gaps": int((gaps["lead"] == lead).sum()),
                         "resolved": int((resolved["lead"] == lead).sum())}
        if missing.get(lead):
            written[lead]["areas_not_in_extract"] = list(missing[lead])
    return written
