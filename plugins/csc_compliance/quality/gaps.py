"""GX validation results -> recording gaps (dq/recording_gaps.csv's first columns).

Failing rows come from GX by index (`unexpected_index_list` of `_row_number`, result_format COMPLETE),
never from a sample: a result whose index list does not account for every unexpected row is refused.
Record and person ids are then read from the warehouse for just those rows; messages are the rule's
fixed wording, never the offending value."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from csc_compliance.core.vocabulary import RECORDING_GAP_COLUMNS
from csc_compliance.quality.frames import record_ids
from csc_compliance.quality.suites import TablePlan

GAP_COLUMNS = list(RECORDING_GAP_COLUMNS)
INDEX_COLUMN = "_row_number"
GAPS_TABLE = "meta.recording_gaps"   # dbt's source('meta', 'recording_gaps'), routed by marts/dq_recording_gaps


class GapExtractionError(RuntimeError):
    """GX did not return every failing row of an expectation."""


def empty_gaps() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in GAP_COLUMNS})
    frame["row_number"] = frame["row_number"].astype("int64")
    return frame


def failing_rows(result: dict, rule_id: str) -> np.ndarray:
    """Every failing `_row_number` of one expectation result, as int64 (GX may hand them back as text,
    either one dict per row or one dict holding the whole list when values are excluded)."""
    rows: list = []
    for item in result.get("unexpected_index_list") or []:
        value = item[INDEX_COLUMN]
        rows.extend(value if isinstance(value, (list, tuple)) else [value])
    out = np.asarray(rows).astype(np.int64) if rows else np.empty(0, dtype=np.int64)
    expected = int(result.get("unexpected_count") or 0)
    if len(out) != expected:
        raise GapExtractionError(f"rule {rule_id}: GX listed {len(out)} failing rows of {expected}")
    return out


def table_gaps(con: duckdb.DuckDBPyConnection, plan: TablePlan, expectation_results) -> pd.DataFrame:
    """One gap per failing row per rule of one table's validation."""
    by_rule = {c.rule["id"]: c for c in plan.checks}
    parts = []
    for er in expectation_results:
        rule_id = er.expectation_config.meta["rule_id"]
        rows = failing_rows(er.result or {}, rule_id)
        if len(rows):
            check = by_rule[rule_id]
            parts.append(pd.DataFrame({
                "rule_id": rule_id, "severity": check.rule["severity"], "table": plan.table,
                "row_number": rows, "column": check.rule["column"], "message": check.message}))
    if not parts:
        return empty_gaps()
    gaps = pd.concat(parts, ignore_index=True)
    ids = record_ids(con, plan, gaps["row_number"])
    gaps = gaps.merge(ids, on="row_number", how="left", validate="many_to_one")
    for c in ("record_id", "person_id"):
        gaps[c] = gaps[c].fillna("").astype(str)
    return gaps[GAP_COLUMNS]


def assemble(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """All tables' gaps, sorted by (rule_id, table, row_number)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_gaps()
    gaps = pd.concat(parts, ignore_index=True)
    gaps["row_number"] = gaps["row_number"].astype("int64")
    return gaps.sort_values(["rule_id", "table", "row_number"], kind="stable").reset_index(drop=True)


def _reset_gap_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(f"""CREATE OR REPLACE TABLE {GAPS_TABLE} (rule_id VARCHAR, severity VARCHAR, "table" VARCHAR,
                    row_number BIGINT, record_id VARCHAR, person_id VARCHAR, "column" VARCHAR, message VARCHAR)""")


def store_gaps(con: duckdb.DuckDBPyConnection, gaps: pd.DataFrame) -> None:
    """The gaps the suites found, as meta.recording_gaps (replacing what was there)."""
    _reset_gap_table(con)
    if not len(gaps):
        return
    con.register("_gaps", gaps[GAP_COLUMNS])
    try:
        con.execute(f"INSERT INTO {GAPS_TABLE} SELECT rule_id, severity, \"table\", CAST(row_number AS BIGINT), "
                    "CAST(record_id AS VARCHAR), CAST(person_id AS VARCHAR), \"column\", message FROM _gaps")
    finally:
        con.unregister("_gaps")
