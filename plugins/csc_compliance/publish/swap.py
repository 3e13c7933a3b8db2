"""Replace the published outputs with a finished build, entry by entry, under a journal.

The build sits beside the outputs (same filesystem), so each entry moves by rename. The journal is written
before the first move: a run killed part-way through the swap is finished by the next run
(`recover`), so the published folder never stays half old, half new."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from csc_compliance.core.errors import CscError

PUBLISHED = ("warehouse.duckdb", "history.duckdb", "exceptions", "kpis", "dq", "data_docs", "dbt_docs",
             "run_manifest.json")
JOURNAL = ".csc-swap.json"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class SwapError(CscError):
    """Moving the build in failed; the previously published entries were put back."""


def swap_in(build_dir: Path, out_dir: Path) -> list[str]:
    entries = [e for e in PUBLISHED if (build_dir / e).exists()]
    previous = out_dir / f".csc-previous-{build_dir.name}"
    existed = [e for e in entries if (out_dir / e).exists()]
    _write_atomic(out_dir / JOURNAL, json.dumps({"build": str(build_dir), "previous": str(previous),
                                                 "entries": entries, "existed": existed}))
    try:
        _apply(build_dir, out_dir, previous, entries)
    except OSError as exc:          # a full disk, a permission: put the published entries back as they were
        _roll_back(out_dir, previous, entries, existed)
        raise SwapError(f"publishing failed while moving the new outputs into {out_dir} ({exc.strerror or exc}); "
                        "the previously published outputs were put back") from None
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


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _roll_back(out_dir: Path, previous: Path, entries: list[str], existed: list[str]) -> None:
    """Undo a swap: every entry set aside returns; entries that were not published before go again."""
    for entry in entries:
        current, old = out_dir / entry, previous / entry
        if old.exists():
            _remove(current)
            os.replace(old, current)
        elif entry not in existed:
            _remove(current)
    (out_dir / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(previous, ignore_errors=True)


def journal_names(out_dir: Path, build_dir: Path) -> bool:
    """Whether an unfinished swap still needs `build_dir` (it must then not be deleted)."""
    try:
        return Path(json.loads((out_dir / JOURNAL).read_text())["build"]) == Path(build_dir)
    except (OSError, ValueError, KeyError):
        return False


def recover(out_dir: Path) -> bool:
    """Finish a swap that a killed run left half done, or, when its build is gone, undo it. Returns True
    when there was one."""
    journal = out_dir / JOURNAL
    if not journal.exists():
        return False
    data = json.loads(journal.read_text())
    build, previous = Path(data["build"]), Path(data["previous"])
    if build.is_dir():
        _apply(build, out_dir, previous, data["entries"])
    else:
        _roll_back(out_dir, previous, data["entries"], data.get("existed", data["entries"]))
    return True
