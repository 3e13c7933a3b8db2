"""Shared pieces of the DfE-return converters: SSD tables as lists of row dicts, date and flag spelling,
stable ids, and writing an extract folder the product reads (`csc-compliance run --extract`).

The columns of every table written are the SSD's, in the SSD's order, taken from the product's own column
lists (`csc_compliance.generate.schema`, checked against `docs/ssd-schema/` by the generator's tests);
columns a return does not carry are written empty. Values are written as the product's CSV reader expects
(README "Running on your own extract"): UTF-8, header row, ISO dates, `Y`/`N` flags, empty cell = null."""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from csc_compliance.generate.schema import column_names

MANIFEST = "manifest.json"


class Tables(dict):
    """table name -> list of row dicts (keys: SSD column names). `add` keeps the first row of a key."""

    def add(self, table: str, row: dict) -> None:
        cols = column_names(table)
        unknown = set(row) - set(cols)
        if unknown:
            raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
        self.setdefault(table, []).append(row)

    def merge(self, other: "Tables") -> None:
        for table, rows in other.items():
            self.setdefault(table, []).extend(rows)


def uk_date(text: str | None) -> str | None:
    """A 903 date (DD/MM/YYYY) as ISO; empty -> None; anything unreadable is passed through unchanged, so
    the product reports it as a recording gap instead of this converter hiding it."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError:
        return text


def iso_date(text: str | None) -> str | None:
    """A CIN census date (xs:date, YYYY-MM-DD, perhaps with a time or zone) as YYYY-MM-DD; unreadable values
    pass through unchanged (a recording gap for the product)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text


def yes_no(text: str | None) -> str | None:
    """xs:boolean or 1/0 (as the census spells flags) -> Y/N; empty -> None; other values pass through."""
    t = (text or "").strip().lower()
    if not t:
        return None
    if t in ("true", "1", "y", "yes"):
        return "Y"
    if t in ("false", "0", "n", "no"):
        return "N"
    return text.strip()


class IdMaker:
    """Stable ids from a child and a date (`<child>-<tag><date>`), `-2`, `-3` ... for a repeat of the same."""

    def __init__(self):
        self._seen: dict[str, int] = {}

    def __call__(self, *parts) -> str:
        base = "-".join(str(p) if p not in (None, "") else "nodate" for p in parts)
        n = self._seen.get(base, 0) + 1
        self._seen[base] = n
        return base if n == 1 else f"{base}-{n}"


def dedupe(rows: list[dict], key: str) -> list[dict]:
    """First row of each key (the same event reported in two returns gives the same stable id)."""
    seen, out = set(), []
    for r in rows:
        if r[key] in seen:
            continue
        seen.add(r[key])
        out.append(r)
    return out


KEYS = {
    "ssd_person": "pers_person_id", "ssd_cin_episodes": "cine_referral_id",
    "ssd_cin_assessments": "cina_assessment_id", "ssd_cin_plans": "cinp_cin_plan_id",
    "ssd_s47_enquiry": "s47e_s47_enquiry_id", "ssd_initial_cp_conference": "icpc_icpc_id",
    "ssd_cp_plans": "cppl_cp_plan_id", "ssd_cp_reviews": "cppr_cp_review_id",
    "ssd_cla_episodes": "clae_cla_episode_id", "ssd_cla_placement": "clap_cla_placement_id",
    "ssd_cla_reviews": "clar_cla_review_id",
}


def write_extract(tables: Tables, out_dir: Path, as_at: dt.date, authority: str,
                  source: dict | None = None) -> dict[str, int]:
    """Write one `<table>.csv` per table (header only when a table the return carries has no rows), then
    `manifest.json` last (its presence marks the extract complete, as the product's generator does).
    Refuses a folder holding files this converter would not write. Returns rows per table."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"output path {out_dir} exists and is not a folder")
    expected = {f"{t}.csv" for t in tables} | {MANIFEST}
    if out_dir.is_dir():
        foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in expected)
        if foreign:
            raise ValueError(f"output folder {out_dir} holds files this converter would not write "
                             f"({', '.join(foreign[:5])}); use an empty or new folder")
        (out_dir / MANIFEST).unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in sorted(tables):
        cols = column_names(table)
        rows = tables[table]
        if table in KEYS:
            rows = dedupe(rows, KEYS[table])
        with (out_dir / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(cols)
            for r in rows:
                w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])
        counts[table] = len(rows)
    manifest = {"as_at": as_at.isoformat(), "authority": authority}
    if source:
        manifest["source"] = source
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts
