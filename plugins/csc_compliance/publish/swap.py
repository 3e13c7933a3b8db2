"""Replace the published outputs with a finished build, entry by entry, under a journal.

The build sits beside the outputs (same filesystem), so each entry moves by rename. The journal is written
before the first move: a run killed part-way through the swap is finished by the next run
(`recover`), so the published folder never stays half old, half new."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

PUBLISHED = ("warehouse.duckdb", "history.duckdb", "exceptions", "kpis", "dq", "data_docs", "dbt_docs",
             "run_manifest.json")
JOURNAL = ".csc-swap.json"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def swap_in(build_dir: Path, out_dir: Path) -> list[str]:
    entries = [e for e in PUBLISHED if (build_dir / e).exists()]
    previous = out_dir / f".csc-previous-{build_dir.name}"
    _write_atomic(out_dir / JOURNAL, json.dumps({"build": str(build_dir), "previous": str(previous),
                                                 "entries": entries}))
    _apply(build_dir, out_dir, previous, entries)
    return entries


def _apply(build_dir: Path, out_dir: Path, previous: Path, entries: list[str]) -> None:
    previous.mkdir(exist_ok=True)
    for entry in entries:
        new, current, old = build_dir / entry, out_dir / entry, previous / entry
        if not new.exists():          # already moved in by an interrupted swap
            continue
        if current.exists() and not old.exists():
            os.replace(current, old)
        elif current.exists():        # the old copy is safe in `previous`; drop what was half moved
            shutil.rmtree(current) if current.is_dir() else current.unlink()
        os.replace(new, current)
    (out_dir / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(previous, ignore_errors=True)


def recover(out_dir: Path) -> bool:
    """Finish a swap that a killed run left half done. Returns True when there was one."""
    journal = out_dir / JOURNAL
    if not journal.exists():
        return False
    data = json.loads(journal.read_text())
    _apply(Path(data["build"]), out_dir, Path(data["previous"]), data["entries"])
    return True
