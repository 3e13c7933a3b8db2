"""The run history (docs/contract.md#outputs, `history.duckdb`): every run's KPI values and exception snapshot by
reporting date. Re-running a date replaces that date's rows; rows older than the retention are dropped.
first_seen_date is the first reporting date of an exception's current unbroken run of listings."""
from __future__ import annotations

import datetime as dt

import duckdb

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


def record_run(con: duckdb.DuckDBPyConnection, history_alias: str, reporting_date: dt.date, run_id: str,
               retention_days: int) -> None:
    """Compute first_seen_date into marts.exceptions_published and store this run in the history.

    `con` is the warehouse connection with the history database attached as `history_alias`."""
    h = history_alias
    for stmt in SCHEMA.strip().split(";"):
        if stmt.strip():
            con.execute(stmt.replace("CREATE TABLE IF NOT EXISTS ", f"CREATE TABLE IF NOT EXISTS {h}."))
    d = reporting_date.isoformat()
    con.execute(f"DELETE FROM {h}.exceptions WHERE reporting_date = DATE '{d}'")
    con.execute(f"DELETE FROM {h}.kpi_values WHERE reporting_date = DATE '{d}'")
    con.execute(f"DELETE FROM {h}.runs WHERE reporting_date = DATE '{d}'")
    # Gaps and islands over the sequence of run dates: an item's island containing D gives first_seen.
    con.execute(f"""
        CREATE OR REPLACE TABLE marts.exceptions_published AS
        WITH run_dates AS (
            SELECT reporting_date FROM {h}.runs WHERE reporting_date < DATE '{d}'
            UNION SELECT DATE '{d}'
        ),
        run_idx AS (SELECT reporting_date, row_number() OVER (ORDER BY reporting_date) AS idx FROM run_dates),
        listings AS (
            SELECT kpi_id, coalesce(record_id, '') AS rid, reporting_date
            FROM {h}.exceptions WHERE reporting_date < DATE '{d}'
            UNION ALL
            SELECT kpi_id, coalesce(record_id, ''), DATE '{d}' FROM marts.fct_exceptions
        ),
        islands AS (
            SELECT l.kpi_id, l.rid, l.reporting_date,
                   r.idx - row_number() OVER (PARTITION BY l.kpi_id, l.rid ORDER BY r.idx) AS island
            FROM (SELECT DISTINCT * FROM listings) l JOIN run_idx r USING (reporting_date)
        ),
        first_seen AS (
            SELECT i.kpi_id, i.rid, min(i.reporting_date) AS first_seen_date
            FROM islands i
            JOIN islands cur ON cur.kpi_id = i.kpi_id AND cur.rid = i.rid AND cur.island = i.island
                            AND cur.reporting_date = DATE '{d}'
            GROUP BY i.kpi_id, i.rid
        )
        SELECT e.*, f.first_seen_date
        FROM marts.fct_exceptions e
        LEFT JOIN first_seen f ON f.kpi_id = e.kpi_id AND f.rid = coalesce(e.record_id, '')
        ORDER BY e.kpi_id, e.record_id, e.person_id
    """)
    # Lifecycle: what the previous run listed that this one does not is resolved; the previous run's count
    # per measure and lead gives "change since the previous run".
    con.execute(f"""
        CREATE OR REPLACE TABLE marts.exceptions_resolved AS
        WITH previous AS (SELECT max(reporting_date) AS d FROM {h}.runs WHERE reporting_date < DATE '{d}')
        SELECT p.kpi_id, p.record_id, p.person_id, p.worker_id, p.team_id, p.area_id, p.lead, p.status,
               p.due_date, p.first_seen_date, p.reporting_date AS last_listed
        FROM {h}.exceptions p JOIN previous ON p.reporting_date = previous.d
        WHERE NOT EXISTS (SELECT 1 FROM marts.fct_exceptions c
                          WHERE c.kpi_id = p.kpi_id AND coalesce(c.record_id, '') = coalesce(p.record_id, ''))
        ORDER BY p.kpi_id, p.record_id
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE marts.exceptions_previous_counts AS
        WITH previous AS (SELECT max(reporting_date) AS d FROM {h}.runs WHERE reporting_date < DATE '{d}')
        SELECT p.lead, p.kpi_id, count(*) AS previous_count, any_value(previous.d) AS previous_date
        FROM {h}.exceptions p JOIN previous ON p.reporting_date = previous.d
        GROUP BY p.lead, p.kpi_id
    """)
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
