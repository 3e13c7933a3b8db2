"""The run history (docs/contract.md#outputs, `history.duckdb`): every run's KPI values and exception snapshot by
reporting date. Re-running a date replaces that date's rows; rows older than the retention are dropped.

Read at landing (land_previous: what dbt builds first_seen_date, the resolved items and the previous counts
from), written at publishing (record_run)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from csc_compliance.core.errors import CscError

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (reporting_date DATE PRIMARY KEY, run_id VARCHAR, published_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS exceptions (
    reporting_date DATE, run_id VARCHAR, kpi_id VARCHAR, record_id VARCHAR, person_id VARCHAR,
    worker_id VARCHAR, team_id VARCHAR, area_id VARCHAR, lead VARCHAR, status VARCHAR, flag VARCHAR,
    due_date DATE, days_overdue BIGINT, working_days_overdue BIGINT, first_seen_date DATE);
CREATE TABLE IF NOT EXISTS kpi_values (
    reporting_date DATE, run_id VARCHAR, kpi_id VARCHAR, level VARCHAR, unit_id VARCHAR, unit_name VARCHAR,
    numerator BIGINT, denominator BIGINT, value DOUBLE, note VARCHAR);
"""


def attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, published: Path,
           read_only: bool = False) -> None:
    """Attach the history file at `path` as `alias`, its tables made when new. `published`: the published
    history (`path` itself, or what it was copied from), which a damaged or foreign file names in the error."""
    quoted = str(path).replace("'", "''")   # a folder may be named "Children's Services"
    existed = Path(path).exists()
    try:
        con.execute(f"ATTACH '{quoted}' AS {alias}" + (" (READ_ONLY)" if read_only else ""))
        if existed:   # readable through: a damaged file can attach, then fail
            con.execute(f"SELECT count(*) FROM {alias}.runs").fetchall()
    except duckdb.Error as exc:
        if not existed:
            raise
        raise CscError(f"the published history {published} cannot be read ({type(exc).__name__}: "
                       "damaged, or written by another DuckDB version); nothing was published. Move it "
                       "aside to start a new history, or restore it from a backup") from None
    if not read_only:
        _create_tables(con, alias)


def _create_tables(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    """The history's tables in the attached database `alias`, where they are not yet."""
    for stmt in SCHEMA.strip().split(";"):
        if stmt.strip():
            con.execute(stmt.replace("CREATE TABLE IF NOT EXISTS ", f"CREATE TABLE IF NOT EXISTS {alias}."))


def land_previous(con: duckdb.DuckDBPyConnection, published: Path, reporting_date: dt.date) -> None:
    """The published history's runs and exception lists before D, as meta.previous_runs and
    meta.previous_exceptions: dbt's sources for first_seen_date, the resolved items and the previous counts
    (models/marts/exceptions_*). An empty pair when nothing was published yet."""
    d = reporting_date.isoformat()
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    if published.exists():
        attach(con, published, "published_history", published, read_only=True)
        source = "published_history"
    else:
        con.execute("ATTACH ':memory:' AS empty_history")
        _create_tables(con, "empty_history")
        source = "empty_history"
    try:
        con.execute(f"CREATE OR REPLACE TABLE meta.previous_runs AS "
                    f"SELECT * FROM {source}.runs WHERE reporting_date < DATE '{d}'")
        con.execute(f"CREATE OR REPLACE TABLE meta.previous_exceptions AS "
                    f"SELECT * FROM {source}.exceptions WHERE reporting_date < DATE '{d}'")
    finally:
        con.execute(f"DETACH {source}")


def record_run(con: duckdb.DuckDBPyConnection, history_alias: str, reporting_date: dt.date, run_id: str,
               retention_days: int) -> None:
    """Store this run (marts.exceptions_published, marts.fct_kpi_values) in the attached history, replacing any
    earlier run of the same reporting date, and drop what is past the retention."""
    h = history_alias
    d = reporting_date.isoformat()
    for table in ("exceptions", "kpi_values", "runs"):
        con.execute(f"DELETE FROM {h}.{table} WHERE reporting_date = DATE '{d}'")
    con.execute(f"""INSERT INTO {h}.exceptions
        SELECT DATE '{d}', ?, kpi_id, record_id, person_id, worker_id, team_id, area_id, lead, status, flag,
               due_date, days_overdue, working_days_overdue, first_seen_date
        FROM marts.exceptions_published""", [run_id])
    con.execute(f"""INSERT INTO {h}.kpi_values
        SELECT DATE '{d}', ?, kpi_id, level, unit_id, unit_name, numerator, denominator, value, note
        FROM marts.fct_kpi_values""", [run_id])
    con.execute(f"INSERT INTO {h}.runs VALUES (DATE '{d}', ?, now()::TIMESTAMP)", [run_id])
    cutoff = (reporting_date - dt.timedelta(days=retention_days)).isoformat()
    for table in ("exceptions", "kpi_values", "runs"):
        con.execute(f"DELETE FROM {h}.{table} WHERE reporting_date < DATE '{cutoff}'")
