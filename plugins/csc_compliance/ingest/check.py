"""Everything that can stop a run, checked in seconds without Airflow, dbt or Great Expectations, and every
problem reported in one pass: the configuration and its password variables, manifest.json and its authority,
each table file (readable, UTF-8, rows of the header's width, required columns, given once). `csc-compliance
check` prints them; `csc-compliance run` checks the same first, so a broken extract is refused before
Airflow starts, with all its problems listed."""
from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from csc_compliance.core.errors import ConfigError, CscError, ExtractError
from csc_compliance.ingest.files import survey
from csc_compliance.ingest.landing import land_table, prepare_landing
from csc_compliance.ingest.manifest import check_manifest_authority, read_manifest
from csc_compliance.settings.config import Config, load_config


def check_extract(extract_dir: Path, config_path: str | None = None) -> list[CscError]:
    """Every problem that would stop a run of this extract with this configuration (empty: none)."""
    return check_with_config(extract_dir, config_path)[0]


def check_with_config(extract_dir: Path, config_path: str | None = None) -> tuple[list[CscError], Config | None]:
    """The problems, and the configuration as read (None when it could not be): `run` goes on with it."""
    problems: list[CscError] = []
    config = None
    try:
        config = load_config(config_path)
        config.check_workbook_passwords()
    except ConfigError as exc:
        problems.append(exc)
    manifest = None
    try:
        manifest = read_manifest(extract_dir)
    except ExtractError as exc:
        problems.append(exc)
    if config is not None and manifest is not None:
        try:
            check_manifest_authority(manifest, config.authority_code, config.authority_configured)
        except ExtractError as exc:
            problems.append(exc)
    try:
        files, file_problems = survey(extract_dir)
    except ExtractError as exc:   # no such folder, or no table in it: nothing more to look at
        return problems + [exc], config
    problems += file_problems
    problems += _read_each_table(files)
    return problems, config


def _read_each_table(files) -> list[ExtractError]:
    """Land each table as the run would, in a scratch in-memory database, one table at a time (each dropped
    once read, so the largest table, not the extract, bounds the memory)."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="csc-check-") as scratch:
        con = duckdb.connect(":memory:")
        try:
            prepare_landing(con)
            for table, ef in files.items():
                try:
                    land_table(con, table, ef, Path(scratch))
                except ExtractError as exc:
                    problems.append(exc)
                finally:
                    con.execute(f'DROP TABLE IF EXISTS raw."{table}"')
        finally:
            con.close()
    return problems


def report(problems: list[CscError]) -> str:
    """One line per problem, numbered when there are several."""
    if len(problems) == 1:
        return str(problems[0])
    return f"{len(problems)} problems:\n" + "\n".join(f"  {n}. {p}" for n, p in enumerate(problems, 1))
