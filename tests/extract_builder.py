"""Hand-made extracts for tests: write the tables a test names, each with every catalogue column (blank
unless given), as CSV files in a folder. Absent tables stay absent unless `all_tables` is set. As in a real
extract, every child named anywhere has a row in ssd_person (unless the test gives ssd_person itself): a
person id naming no row is a broken reference, which the measures read as null
(docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from csc_compliance.core.catalogue import tables as catalogue_tables

# The smallest coherent authority: one area, one team, one worker.
ORG = {
    "ssd_department": [
        {"dept_team_id": "AREA1", "dept_team_name": "North Locality", "dept_team_parent_id": "",
         "dept_team_parent_name": ""},
        {"dept_team_id": "T1", "dept_team_name": "North Team 1", "dept_team_parent_id": "AREA1",
         "dept_team_parent_name": "North Locality"},
        {"dept_team_id": "T2", "dept_team_name": "South Team 1", "dept_team_parent_id": "AREA2",
         "dept_team_parent_name": "South Locality"},
    ],
    "ssd_professionals": [
        {"prof_professional_id": "W1", "prof_professional_job_title": "Social Worker", "prof_agency_worker_flag": "N"},
        {"prof_professional_id": "W2", "prof_professional_job_title": "Team Manager", "prof_agency_worker_flag": "N"},
    ],
}


def write_table(folder: Path, table: str, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or list(catalogue_tables()[table]["columns"])
    path = folder / f"{table}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def _persons_named(data: dict[str, list[dict]]) -> list[str]:
    spec = catalogue_tables()
    named = {(row.get(spec[t]["person_id"]) or "").strip() for t, rows in data.items()
             if spec[t].get("person_id") for row in rows}
    return sorted(named - {""})


def write_extract(folder: Path, tables: dict[str, list[dict]], *, all_tables: bool = True,
                  with_org: bool = True, as_at: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {**(ORG if with_org else {}), **tables}
    names = list(catalogue_tables()) if all_tables else list(data)
    if "ssd_person" in names and "ssd_person" not in data:
        data["ssd_person"] = [{"pers_person_id": p} for p in _persons_named(data)]
    for table in names:
        write_table(folder, table, data.get(table, []))
    if as_at:
        (folder / "manifest.json").write_text(json.dumps({"as_at": as_at, "authority": "TEST"}))
    return folder
