"""Tools of the bad-input corpus: read an extract's tables into plain rows, write them back (CSV or Parquet, in any
of the spellings docs/contract.md#file-formats accepts), land a folder, run the pipeline's stages in-process, hash a
published folder. Independent of the generator's own writer, so a mutation is exactly what a case says."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from csc_compliance.core import parsing
from csc_compliance.core.catalogue import tables as catalogue_tables
from csc_compliance.ingest.landing import land_extract
from csc_compliance.pipeline import stages

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "demo" / "config.yml"
SEED = 7
AS_AT = "2026-11-20"
D = dt.date.fromisoformat(AS_AT)
BOM = b"\xef\xbb\xbf"
OUTPUT_CSVS = ("exceptions/exceptions.csv", "kpis/kpi_values.csv", "dq/recording_gaps.csv")


@dataclass
class Table:
    """One table of an extract as text: `rows` hold str or None (an empty cell)."""
    name: str
    header: list[str]
    rows: list[list]
    fmt: str = "csv"
    bom: bool = False
    crlf: bool = False
    parquet_types: dict[str, str] = field(default_factory=dict)  # column -> DuckDB type, for Parquet

    def ix(self, column: str) -> int:
        return self.header.index(column)

    def get(self, row: list, column: str):
        return row[self.ix(column)]

    def set(self, row: list, column: str, value) -> None:
        row[self.ix(column)] = value

    def find(self, column: str, value) -> list:
        """The first row whose `column` is `value`."""
        i = self.ix(column)
        return next(r for r in self.rows if r[i] == value)

    def row_number(self, row: list) -> int:
        """Data rows count from 1 after the header (docs/contract.md#what-stops-a-run), by identity of the row
        object."""
        return next(n for n, r in enumerate(self.rows, start=1) if r is row)


def table_file(folder: Path, table: str) -> Path:
    for suffix in (".csv", ".parquet"):
        if (folder / f"{table}{suffix}").exists():
            return folder / f"{table}{suffix}"
    raise FileNotFoundError(f"{table} not in {folder}")


def read_table(folder: Path, table: str) -> Table:
    path = table_file(folder, table)
    if path.suffix == ".csv":
        data = path.read_bytes()
        bom = data.startswith(BOM)
        text = data.decode("utf-8-sig")
        first_line_end = text.find("\n")
        crlf = first_line_end > 0 and text[first_line_end - 1] == "\r"
        records = list(csv.reader(io.StringIO(text, newline="")))
        header, body = records[0], records[1:]
        rows = [[v if v != "" else None for v in r] for r in body]
        return Table(table, header, rows, "csv", bom, crlf)
    con = duckdb.connect()
    try:
        target = str(path).replace("'", "''")
        types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{target}')").fetchall()}
        select = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in types)
        rows = [list(r) for r in con.execute(f"SELECT {select} FROM read_parquet('{target}', file_row_number=true) "
                                             "ORDER BY file_row_number").fetchall()]
    finally:
        con.close()
    return Table(table, list(types), rows, "parquet", parquet_types=types)


def csv_bytes(t: Table, *, quoting=csv.QUOTE_MINIMAL, header: list[str] | None = None) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, quoting=quoting, lineterminator="\r\n" if t.crlf else "\n")
    writer.writerow(header or t.header)
    for row in t.rows:
        writer.writerow(["" if v is None else v for v in row])
    return (BOM if t.bom else b"") + buf.getvalue().encode("utf-8")


def write_table(folder: Path, t: Table, *, file_name: str | None = None, fmt: str | None = None,
                quoting=csv.QUOTE_MINIMAL) -> Path:
    """Write `t` as `<table>.csv` / `.parquet` (or `file_name`), replacing the table's current file."""
    fmt = fmt or t.fmt
    for suffix in (".csv", ".parquet"):
        (folder / f"{t.name}{suffix}").unlink(missing_ok=True)
    path = folder / (file_name or f"{t.name}.{fmt}")
    if fmt == "csv":
        path.write_bytes(csv_bytes(t, quoting=quoting))
        return path
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series([r[i] for r in t.rows], dtype=object) for i, c in enumerate(t.header)},
                         columns=t.header)
    con = duckdb.connect()
    try:
        con.execute("SET threads = 1")
        con.register("src", frame)
        select = ", ".join(f'CAST("{c}" AS {t.parquet_types.get(c, "VARCHAR")}) AS "{c}"' for c in t.header)
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT {select} FROM src) TO '{target}' (FORMAT PARQUET)")
    finally:
        con.close()
    return path


def copy_extract(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def parse_date(value: str | None) -> dt.date | None:
    """An accepted date spelling (docs/contract.md#file-formats) -> date; None for empty or unparseable."""
    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            pass
    return None


# --- landing ------------------------------------------------------------------------------------------

def land(folder: Path) -> duckdb.DuckDBPyConnection:
    """Land a folder into an in-memory warehouse (the real landing code); raises ExtractError as a run does."""
    con = duckdb.connect()
    parsing.create_macros(con)
    land_extract(con, folder)
    return con


def landed_values(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """The landed rows of `table` as the measures read them: dates and flags parsed, text as landed, in
    file order with their row numbers. A variant that changes only a value's spelling lands the same."""
    exprs = []
    for column, spec in catalogue_tables()[table]["columns"].items():
        kind = spec.get("type")
        if kind in ("date", "due_date"):
            exprs.append(f'CAST(csc_parse_date("{column}") AS VARCHAR)')
        elif kind == "flag":
            exprs.append(f'CAST(csc_parse_flag("{column}") AS VARCHAR)')
        elif kind == "json":  # FOR JSON with or without the array wrapper: the same object
            exprs.append(f'CAST(coalesce(json_extract("{column}", \'$[0]\'), json("{column}")) AS VARCHAR)')
        else:
            exprs.append(f'"{column}"')
    return con.execute(f"SELECT {', '.join(exprs)}, _row_number FROM raw.{table} ORDER BY _row_number").fetchall()


def column_names(table: str) -> list[str]:
    return list(catalogue_tables()[table]["columns"])


# --- running the pipeline in-process ----------------------------------------------------------------------

def run_stages(extract: Path, out: Path, run_id: str, *, through: str = "publish") -> Path:
    """prepare -> land -> transform -> validate -> publish, as the DAG calls them, without Airflow.
    Returns the warehouse: the published one after publish, else the run's build copy."""
    ctx = stages.prepare(run_id, str(extract), str(out), AS_AT, str(CONFIG))
    for name in ("land", "transform", "validate", "publish"):
        result = getattr(stages, name)(ctx)
        if name != "publish":
            ctx = result
        if name == through:
            break
    if through == "publish":
        return out / "warehouse.duckdb"
    return out / ".csc-build" / run_id / "warehouse.duckdb"


def tree_digest(out: Path) -> dict[str, str]:
    """Every published file's sha256. A run's own log (logs/) and lock files (.csc.lock, .csc-publish.lock)
    are not outputs."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*"))
            if p.is_file() and "logs" not in p.relative_to(out).parts
            and not (p.name.startswith(".csc") and p.name.endswith(".lock"))}


def read_csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse))  # read-write: dbt-duckdb may still hold the file in this process
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
