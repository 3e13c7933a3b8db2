"""Data-aware runs: an extract is complete when its `manifest.json` is there (written last,
docs/contract.md#the-extract-folder), and is identified by a fingerprint of that marker and of every file's name,
size and modification time (cheap: no file is read but the marker). A run records the fingerprint it processed in
its run manifest; an extract whose fingerprint was already published for the same reporting date is not processed
again."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

MARKER = "manifest.json"
ANNOUNCED = ".csc-arrival.json"   # in the output folder: the last fingerprint the watcher announced


def extract_fingerprint(extract_dir: str | Path) -> str | None:
    """None while the extract is incomplete (no marker yet)."""
    folder = Path(extract_dir)
    marker = folder / MARKER
    try:
        digest = hashlib.sha256(marker.read_bytes())
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name != MARKER:
                st = path.stat()
                digest.update(f"\0{path.name}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    except OSError:
        return None
    return digest.hexdigest()


def published_run(out_dir: str | Path) -> dict:
    """What the last published run processed: {'fingerprint', 'reporting_date'} (empty when none)."""
    try:
        manifest = json.loads((Path(out_dir) / "run_manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    return {"fingerprint": manifest.get("extract", {}).get("fingerprint"),
            "reporting_date": manifest.get("reporting_date")}


def already_published(out_dir: str | Path, fingerprint: str | None, reporting_date: str) -> bool:
    last = published_run(out_dir)
    return bool(fingerprint) and last.get("fingerprint") == fingerprint and \
        last.get("reporting_date") == reporting_date


def is_new_arrival(extract_dir: str | Path, out_dir: str | Path) -> str | None:
    """The fingerprint of a complete extract not yet published nor announced, else None."""
    fingerprint = extract_fingerprint(extract_dir)
    if fingerprint is None or published_run(out_dir).get("fingerprint") == fingerprint:
        return None
    try:
        announced = json.loads((Path(out_dir) / ANNOUNCED).read_text()).get("fingerprint")
    except (OSError, ValueError):
        announced = None
    return None if announced == fingerprint else fingerprint


def mark_announced(out_dir: str | Path, fingerprint: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / (ANNOUNCED + ".tmp")
    tmp.write_text(json.dumps({"fingerprint": fingerprint}))
    tmp.replace(out / ANNOUNCED)
