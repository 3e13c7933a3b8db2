"""Finding the extract's table files (docs/contract.md#input): one <table>.csv or <table>.parquet for each
catalogue table given, every file that cannot be read named; other files are ignored."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from csc_compliance.core.catalogue import tables as catalogue_tables
from csc_compliance.core.errors import ExtractError

SUFFIXES = (".csv", ".parquet")


@dataclass
class ExtractFile:
    table: str
    path: Path
    fmt: str  # csv | parquet


def survey(extract_dir: Path) -> tuple[dict[str, ExtractFile], list[ExtractError]]:
    """The extract's table files, and every problem with them (an unreadable file, a table given twice);
    unknown files are ignored. A folder that is missing or holds no table at all is raised at once."""
    if not extract_dir.is_dir():
        raise ExtractError(f"extract folder {extract_dir} does not exist or is not a folder")
    known = catalogue_tables()
    found: dict[str, ExtractFile] = {}
    problems: list[ExtractError] = []
    for path in sorted(extract_dir.iterdir()):
        table = path.stem.lower()
        if path.suffix.lower() not in SUFFIXES or table not in known:
            continue
        # named as a table but no readable file (a folder, a dangling link, no read permission): a failed
        # extract job, never to be published as a night with that table absent
        unreadable = _why_unreadable(path)
        if unreadable:
            problems.append(ExtractError(f"the table's file cannot be read: {unreadable}", file=path.name))
        elif table in found:
            problems.append(ExtractError(f"table {table} is given twice ({found[table].path.name} and "
                                         f"{path.name}); keep one", file=path.name))
        else:
            found[table] = ExtractFile(table, path, path.suffix.lower().lstrip("."))
    if not found and not problems:   # the wrong folder, or a job that wrote nothing: never publish an empty night
        raise ExtractError(f"extract folder {extract_dir} holds no SSD table (<table>.csv or <table>.parquet, "
                           "for example ssd_person.csv); nothing was run")
    return found, problems


def discover(extract_dir: Path) -> dict[str, ExtractFile]:
    """The extract's table files; the first problem survey() finds stops the run."""
    found, problems = survey(extract_dir)
    if problems:
        raise problems[0]
    return found


def _why_unreadable(path: Path) -> str | None:
    if path.is_symlink() and not path.exists():
        return "it is a link to a file that does not exist"
    if path.is_dir():
        return "it is a folder"
    if not path.is_file():
        return "it is not a regular file"
    if not os.access(path, os.R_OK):
        return "no permission to read it"
    return None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
