"""Writing the extract folder: one file per table, `_planted.json`, and `manifest.json` last.

Why the manifest last (and removed first): its presence marks the extract complete
(docs/contract.md#the-extract-folder), so a half-written folder must never carry one. Why refuse a folder holding
other files: a stale `ssd_cp_visits.csv` next to a new `ssd_cp_visits.parquet` would be "a table given twice" and
stop the run; overwriting our own earlier output is fine.

CSV: UTF-8, comma, header row, empty cell = null, minimal quoting (fields holding commas, quotes or
line breaks are quoted, quotes doubled). Parquet is written through DuckDB (pyarrow is not a
dependency), single-threaded so the bytes are the same on every run."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from csc_compliance.generate.formats import FILE_STYLE


def expected_files(tables: list[str], parquet_tables: tuple[str, ...]) -> list[str]:
    files = [f"{t}.parquet" if t in parquet_tables else f"{t}.csv" for t in tables]
    return files + ["_planted.json", "manifest.json"]


def prepare_out_dir(out_dir: Path, expected: list[str]) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"output path {out_dir} exists and is not a folder")
    if out_dir.is_dir():
        allowed = set(expected)
        foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in allowed)
        if foreign:
            shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
            raise ValueError(f"output folder {out_dir} holds files this generator would not write "
                             f"({shown}); use an empty or new folder")
        manifest = out_dir / "manifest.json"
        if manifest.exists():
            manifest.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def _frame(columns: list[str], text: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(text[c], dtype=object) for c in columns}, columns=columns)


def write_csv(path: Path, table: str, columns: list[str], text: dict[str, np.ndarray]) -> None:
    style = FILE_STYLE.get(table, {})
    df = _frame(columns, text)
    df.to_csv(path, index=False, na_rep="", lineterminator="\r\n" if style.get("crlf") else "\n",
              encoding="utf-8-sig" if style.get("bom") else "utf-8")


def write_parquet(path: Path, columns: list[str], text: dict[str, np.ndarray], date_columns: set[str]) -> None:
    import duckdb

    df = _frame(columns, text)
    con = duckdb.connect()
    try:
        con.execute("SET threads = 1")
        con.register("src", df)
        select = ", ".join(f'CAST("{c}" AS DATE) AS "{c}"' if c in date_columns else f'CAST("{c}" AS VARCHAR) AS "{c}"'
                           for c in columns)
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT {select} FROM src) TO '{target}' (FORMAT PARQUET, COMPRESSION ZSTD)")
    finally:
        con.close()


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
