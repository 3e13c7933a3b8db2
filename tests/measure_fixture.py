"""Build a warehouse from a hand-made extract through the real land and dbt stages (no Airflow)."""
from __future__ import annotations

from pathlib import Path

import duckdb
import yaml

from csc_compliance.pipeline import stages
from extract_builder import write_extract


def build_warehouse(tmp: Path, tables: dict, as_at: str, config: dict | None = None,
                    all_tables: bool = True) -> duckdb.DuckDBPyConnection:
    extract = write_extract(tmp / "extract", tables, all_tables=all_tables)
    cfg = None
    if config is not None:
        cfg = tmp / "config.yml"
        cfg.write_text(yaml.safe_dump(config))
    ctx = stages.prepare("test", str(extract), str(tmp / "out"), as_at, str(cfg) if cfg else None)
    ctx = stages.land(ctx)
    ctx = stages.transform(ctx)
    # read-write: dbt-duckdb still holds the file in this process
    return duckdb.connect(str(Path(ctx["out_dir"]) / ".csc-build" / "test" / "warehouse.duckdb"))


def exceptions(con, kpi_id: str) -> dict[str, dict]:
    rows = con.execute("select * from marts.fct_exceptions where kpi_id = ?", [kpi_id]).df()
    return {r["record_id"]: r for r in rows.to_dict("records")}
