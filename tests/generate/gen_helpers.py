"""Reading a generated extract back, independently of the generator's own code (plain csv / duckdb)."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

DUE_COLUMNS = {"pers_expected_dob", "icpc_icpc_target_date", "cppr_cp_review_due", "clar_cla_review_due_date"}
YES = {"Y", "YES", "1", "TRUE"}
NO = {"N", "NO", "0", "FALSE"}


def table_path(extract: Path, table: str) -> Path:
    csv_path = extract / f"{table}.csv"
    return csv_path if csv_path.exists() else extract / f"{table}.parquet"


def read_table(extract: Path, table: str) -> tuple[list[str], list[dict]]:
    """(header, rows); empty cells are None. Parquet DATE values come back as YYYY-MM-DD."""
    path = table_path(extract, table)
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = [{h: (v if v != "" else None) for h, v in zip(header, r, strict=False)} for r in reader]
        return header, rows
    import duckdb

    con = duckdb.connect()
    rel = con.execute(f"SELECT * FROM read_parquet('{path}')")
    header = [d[0] for d in rel.description]
    rows = [{h: (None if v is None else v.isoformat() if isinstance(v, dt.date) else str(v))
             for h, v in zip(header, r, strict=True)} for r in rel.fetchall()]
    return header, rows


def parse_date(s: str | None) -> dt.date | None:
    """The three accepted spellings (docs/contract.md#file-formats); raises ValueError for anything else."""
    if s is None:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    raise ValueError(s)


def safe_date(s: str | None) -> dt.date | None:
    try:
        return parse_date(s)
    except ValueError:
        return None


def is_open(start: dt.date | None, end: dt.date | None, D: dt.date) -> bool:
    return start is not None and start <= D and (end is None or end > D)
