"""DuckDB -> pandas: one query per table computing the helper columns the expectations read.

GX's SQL datasource returns empty results on DuckDB without saying so, so each table is read here into a
DataFrame and validated with GX's pandas datasource. Parsing stays in SQL (the warehouse's own
csc_parse_* macros); the frame is indexed by `_row_number`, which is how GX reports failing rows."""
from __future__ import annotations

import logging

import duckdb
import pandas as pd

from csc_compliance.quality.suites import VALUE_NUMBER_SUFFIX, TablePlan, ident, text_sql

log = logging.getLogger("csc_compliance.quality")


def table_availability(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, bool]:
    """Which tables the extract held (meta.table_availability); a raw table missing altogether is absent."""
    raw = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'").fetchall()}
    meta = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'meta'").fetchall()}
    flags: dict[str, bool] = {}
    if "table_availability" in meta:
        flags = {name: bool(present) for name, present in con.execute(
            "SELECT table_name, present FROM meta.table_availability").fetchall()}
    else:
        log.warning("meta.table_availability not found; treating every raw table as present")
    return {t: t in raw and flags.get(t, "table_availability" not in meta) for t in tables}


def load_frame(con: duckdb.DuckDBPyConnection, plan: TablePlan) -> pd.DataFrame:
    """The table's helper columns, one row per raw row, in file order, indexed by `_row_number`.

    Window helpers (value numbers) are read in their own query: in one query with the others, DuckDB
    computes everything after the window's sort, which measured ~1.7x slower than two queries."""
    columns: dict[str, str] = {}
    for check in plan.checks:
        columns.update(check.columns)
    windowed = {n: sql for n, sql in columns.items() if n.endswith(VALUE_NUMBER_SUFFIX)}
    plain = {n: sql for n, sql in columns.items() if n not in windowed}
    frame = _query(con, plan.table, plain)
    if windowed:
        extra = _query(con, plan.table, windowed)
        if not frame.index.equals(extra.index):
            raise RuntimeError(f"raw.{plan.table} changed while it was being read")
        for name in windowed:
            frame[name] = extra[name].array
    return frame[list(columns)]


def _query(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> pd.DataFrame:
    select = "".join(f",\n  {sql} AS {ident(name)}" for name, sql in columns.items())
    frame = con.sql(f"SELECT _row_number{select}\nFROM raw.{ident(table)}\nORDER BY _row_number").df()
    frame["_row_number"] = frame["_row_number"].astype("int64")
    return frame.set_index("_row_number")


def record_ids(con: duckdb.DuckDBPyConnection, plan: TablePlan, row_numbers: pd.Series) -> pd.DataFrame:
    """Record id (the table's key) and person id of the given rows, as staging reads them (trimmed)."""
    rows = con.from_df(pd.DataFrame({"row_number": row_numbers.drop_duplicates().astype("int64")}))
    person = text_sql(plan.person_id) if plan.person_id else "NULL"
    ids = con.sql(f"SELECT _row_number AS row_number, {text_sql(plan.key)} AS record_id, "
                  f"{person} AS person_id FROM raw.{ident(plan.table)}")
    out = ids.join(rows, "row_number", how="semi").df()
    out["row_number"] = out["row_number"].astype("int64")
    return out.drop_duplicates("row_number")
