"""The contract's CSV outputs, written by DuckDB in a stable order (same inputs, same bytes)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from csc_compliance.core.vocabulary import RECORDING_GAP_COLUMNS

EXCEPTION_COLUMNS = ("kpi_id", "person_id", "record_id", "worker_id", "team_id", "area_id", "lead", "status",
                     "flag", "due_date", "days_overdue", "working_days_overdue", "first_seen_date")
KPI_COLUMNS = ("kpi_id", "level", "unit_id", "unit_name", "numerator", "denominator", "value", "note")
# a gap as validation found it, then who can fix it (marts/dq_recording_gaps)
GAP_COLUMNS = (*RECORDING_GAP_COLUMNS, "worker_id", "team_id", "area_id", "lead")


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    target = str(path).replace("'", "''")
    con.execute(f"COPY ({query}) TO '{target}' (FORMAT csv, HEADER true, DELIMITER ',', DATEFORMAT '%Y-%m-%d')")
    return con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]


def write_csv_outputs(con: duckdb.DuckDBPyConnection, root: Path) -> dict[str, int]:
    cols = ", ".join(f'"{c}"' for c in EXCEPTION_COLUMNS)
    gap_cols = ", ".join(f'"{c}"' for c in GAP_COLUMNS)
    # a count's value is the count itself: written as a whole number, like its numerator
    kpi_cols = ", ".join(f'"{c}"' for c in KPI_COLUMNS).replace(
        '"value"',
        'CASE WHEN denominator IS NULL AND numerator IS NOT NULL THEN CAST(CAST(value AS BIGINT) AS VARCHAR) '
        'ELSE CAST(value AS VARCHAR) END AS "value"')
    return {
        "exceptions/exceptions.csv": _copy(
            con, f"SELECT {cols} FROM marts.exceptions_published ORDER BY kpi_id, record_id, person_id",
            root / "exceptions" / "exceptions.csv"),
        "kpis/kpi_values.csv": _copy(
            con, f"SELECT {kpi_cols} FROM marts.fct_kpi_values ORDER BY kpi_id, "
                 "CASE level WHEN 'la' THEN 0 WHEN 'area' THEN 1 WHEN 'team' THEN 2 ELSE 3 END, unit_id",
            root / "kpis" / "kpi_values.csv"),
        "dq/recording_gaps.csv": _copy(
            con, f'SELECT {gap_cols} FROM marts.dq_recording_gaps ORDER BY rule_id, "table", row_number',
            root / "dq" / "recording_gaps.csv"),
    }
