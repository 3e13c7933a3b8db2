"""Route each recording gap to the people who can fix it (docs/conventions.md#attribution): the child's allocated worker
and that involvement's team; where the child has none, the gap's own row's team and worker (the record's
`team` / `worker` columns in the catalogue: a referral's, an assessment's, a CIN plan's, ...); else the child's
open referral's. Then the team's area and that area's strategic lead."""
from __future__ import annotations

import duckdb
import pandas as pd

from .catalogue import tables

GAP_COLUMNS = ["rule_id", "severity", "table", "row_number", "record_id", "person_id", "column", "message"]


def _row_owners_sql() -> str:
    """Each row's own team and worker, by (table, row number), for the tables that record them. A team that is
    no team of ssd_department, or a worker who is no professional, routes nothing (the gap may be about it)."""
    parts = [f"SELECT '{table}' AS tbl, _row_number, nullif(trim({spec['team']}), '') AS team, "
             f"nullif(trim({spec['worker']}), '') AS worker FROM raw.{table}"
             for table, spec in tables().items() if spec.get("team") and spec.get("worker")]
    return f"""
        SELECT o.tbl, o._row_number,
               (SELECT u.team_id FROM intermediate.int_units u WHERE u.team_id = o.team) AS team_id,
               (SELECT p.prof_professional_id FROM staging.stg_ssd_professionals p
                 WHERE p.prof_professional_id = o.worker LIMIT 1) AS worker_id
        FROM ({' UNION ALL '.join(parts)}) o"""


def store_recording_gaps(con: duckdb.DuckDBPyConnection, gaps: pd.DataFrame) -> None:
    frame = gaps[GAP_COLUMNS].copy() if len(gaps) else pd.DataFrame({c: pd.Series(dtype="object")
                                                                      for c in GAP_COLUMNS})
    frame["row_number"] = pd.to_numeric(frame["row_number"]).astype("Int64")
    con.register("_gaps", frame)
    con.execute(f"""
        CREATE OR REPLACE TABLE marts.dq_recording_gaps AS
        WITH owners AS ({_row_owners_sql()}),
        routed AS (
            SELECT g.*,
                   coalesce(pa.allocated_worker_id, o.worker_id, pa.referral_worker_id) AS worker_id,
                   coalesce(pa.allocated_team_id, o.team_id, pa.referral_team_id) AS team_id
            FROM _gaps g
            LEFT JOIN intermediate.int_person_attribution pa ON pa.person_id = g.person_id
            LEFT JOIN owners o ON o.tbl = g."table" AND o._row_number = g.row_number
        )
        SELECT r.rule_id, r.severity, r."table", CAST(r.row_number AS BIGINT) AS row_number,
               CAST(r.record_id AS VARCHAR) AS record_id, CAST(r.person_id AS VARCHAR) AS person_id,
               r."column", r.message, r.worker_id, r.team_id, u.area_id,
               coalesce(u.lead, 'Unassigned') AS lead
        FROM routed r
        LEFT JOIN intermediate.int_units u ON u.team_id = r.team_id
        ORDER BY r.rule_id, r."table", r.row_number
    """)
    con.unregister("_gaps")
