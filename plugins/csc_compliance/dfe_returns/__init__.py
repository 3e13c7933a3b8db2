"""DfE statutory returns as SSD extracts: run the measures on an authority's SSDA903 and CIN census returns.

    python -m csc_compliance.dfe_returns --903 DIR --cin FILE.xml --as-at YYYY-MM-DD --out EXTRACT_DIR

writes an extract folder (`<table>.csv` per SSD table the returns carry, then `manifest.json`) that
`csc-compliance run --extract EXTRACT_DIR` reads. `ssda903.py` and `cin_census.py` hold each return's field
mapping and what it does not carry; `build_extract` joins them. Both returns name a child by the
authority's own child id (903 `CHILD`, census `LAchildID`), so a child in both is one SSD person: its
person row takes the 903 header's values, the census filling only what the 903 left empty.

Written from the DfE's published return formats; no code or data of other projects is included."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from csc_compliance.dfe_returns._tables import Tables, write_extract
from csc_compliance.dfe_returns.cin_census import convert_cin
from csc_compliance.dfe_returns.ssda903 import convert_903

__all__ = ["build_extract", "convert_903", "convert_cin", "merge_returns"]


def merge_returns(parts: list[Tables]) -> tuple[Tables, list[str]]:
    """One set of SSD tables from several returns' (in order). A person in several returns gets one row:
    the first return's values, later returns filling only its empty cells. Returns the tables and notes
    (a person whose date of birth differs between returns: the first is kept)."""
    out, notes = Tables(), []
    persons: dict[str, dict] = {}
    for part in parts:
        for table, rows in part.items():
            if table == "ssd_person":
                for r in rows:
                    pid = r["pers_person_id"]
                    if pid not in persons:
                        persons[pid] = dict(r)
                        continue
                    kept = persons[pid]
                    if r.get("pers_dob") and kept.get("pers_dob") and r["pers_dob"] != kept["pers_dob"]:
                        notes.append(f"person {pid}: date of birth {kept['pers_dob']} kept, {r['pers_dob']} "
                                     "from a later return ignored")
                    for c, v in r.items():
                        if v not in (None, "") and kept.get(c) in (None, ""):
                            kept[c] = v
            else:
                out.setdefault(table, []).extend(rows)
    out["ssd_person"] = list(persons.values())
    return out, notes


def build_extract(out_dir: Path | str, as_at: dt.date, authority: str, ssda903: Path | str | None = None,
                  cin: list[Path | str] | None = None) -> dict:
    """Convert the returns and write the extract folder. Returns {"tables": rows per table, "notes": [...],
    "children": distinct person ids}."""
    parts, source = [], {}
    if ssda903 is not None:
        parts.append(convert_903(ssda903))
        source["ssda903"] = str(ssda903)
    for f in cin or []:
        parts.append(convert_cin(f))
        source.setdefault("cin_census", []).append(str(f))
    if not parts:
        raise ValueError("give an SSDA903 folder, a CIN census file, or both")
    tables, notes = merge_returns(parts)
    counts = write_extract(tables, Path(out_dir), as_at, authority, source)
    return {"tables": counts, "notes": notes, "children": counts.get("ssd_person", 0)}
