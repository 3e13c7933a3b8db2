"""Route each recording gap to the people who can fix it: the child's allocated worker and team (else the
open referral's), the team's area and that area's strategic lead (kpis.md "Attribution")."""
from __future__ import annotations

import duckdb
import pandas as pd

GAP_COLUMNS = ["rule_id", "severity", "table", "row_number", "record_id", "person_id", "column", "message"]


def store_recording_gaps(con: duckdb.DuckDBPyConnection, gaps: pd.DataFrame) -> None:
    frame = gaps[GAP_COLUMNS].copy() if len(gaps) else pd.DataFrame({c: pd.Series(dtype="object")
                                                                      for c in GAP_COLUMNS})
    frame["row_number"] = pd.to_numeric(frame["row_number"]).astype("Int64")
    con.register("_gaps", frame)
    con.execute("""
        CREATE OR REPLACE TABLE marts.dq_recording_gaps AS
        SELECT g.rule_id, g.severity, g."table", CAST(g.row_number AS BIGINT) AS row_number,
               CAST(g.record_id AS VARCHAR) AS record_id, CAST(g.person_id AS VARCHAR) AS person_id,
               g."column", g.message,
               pa.worker_id, pa.team_id, u.area_id,
               coalesce(u.lead, 'Unassigned') AS lead
        FROM _gaps g
        LEFT JOIN intermediate.int_person_attribution pa ON pa.person_id = g.person_id
        LEFT JOIN intermediate.int_units u ON u.team_id = pa.team_id
        ORDER BY g.rule_id, g."table", g.row_number
    """)
    con.unregister("_gaps")
