"""Landing the nightly extract (docs/contract.md#input) into the warehouse's `raw` schema.

Every value lands as text: a bad value never stops the night, it becomes a recording gap and reads as
null downstream. What stops the run is a file that cannot be read as a table (not UTF-8, ragged rows,
corrupt Parquet, empty without a header, a folder or dangling link named as a table's file), a table given
twice, or a missing required column; the error names the file, the column and, where there is one, the row
(data rows count from 1 after the header)."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from csc_compliance.core.catalogue import tables as catalogue_tables
from csc_compliance.core.errors import ExtractError
from csc_compliance.ingest.csv_files import csv_header, csv_problem, csv_relation, mixed_line_ends, with_lf_line_ends
from csc_compliance.ingest.files import ExtractFile, discover, sha256
from csc_compliance.ingest.parquet_files import as_text, parquet_top_level_names, quote_identifier


@dataclass
class LandedTable:
    table: str
    present: bool
    file: str | None = None
    rows: int = 0
    sha256: str | None = None
    missing_optional: list[str] = field(default_factory=list)


def _header_map(names: list[str], file: str) -> dict[str, str]:
    """Normalised SSD name -> name as written in the file. Names are matched trimmed, case-insensitive."""
    mapping: dict[str, str] = {}
    for name in names:
        norm = name.strip().lower()
        if not norm:
            continue
        if norm in mapping:
            raise ExtractError("the header names this column twice", file=file, column=norm)
        mapping[norm] = name
    return mapping


def _source_relation(con: duckdb.DuckDBPyConnection, ef: ExtractFile) -> tuple[str, dict[str, str], dict[str, str]]:
    """A SQL relation over the file, its header map, and each column's type (Parquet; CSV is all text)."""
    path = str(ef.path).replace("'", "''")
    if ef.fmt == "csv":
        header = csv_header(ef.path)
        return csv_relation(ef.path, header), _header_map(header, ef.path.name), {}
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    except duckdb.Error as exc:
        raise ExtractError(f"not a readable Parquet file ({str(exc).splitlines()[0]})", file=ef.path.name) from None
    names = [r[0] for r in described]
    _header_map(parquet_top_level_names(con, path), ef.path.name)   # a name twice is refused, as in CSV
    return (f"read_parquet('{path}', file_row_number=true)", _header_map(names, ef.path.name),
            {r[0]: str(r[1]).upper() for r in described})


def land_table(con: duckdb.DuckDBPyConnection, table: str, ef: ExtractFile | None,
               scratch: Path | None = None) -> LandedTable:
    spec = catalogue_tables()[table]
    columns = list(spec["columns"])
    target = f"raw.{table}"
    if ef is None:
        col_sql = ", ".join(f"{quote_identifier(c)} VARCHAR" for c in columns)
        con.execute(f"CREATE OR REPLACE TABLE {target} ({col_sql}, _row_number BIGINT, _source_file VARCHAR)")
        return LandedTable(table, present=False)

    rel, header, types = _source_relation(con, ef)
    missing_required = [c for c in columns if spec["columns"][c].get("required") and c not in header]
    if missing_required:
        raise ExtractError(f"required column missing (also missing: {', '.join(missing_required[1:])})"
                           if len(missing_required) > 1 else "required column missing",
                           file=ef.path.name, column=missing_required[0])
    select = []
    for c in columns:
        if c in header:
            expr = as_text(header[c], types.get(header[c], "VARCHAR"))
            # an empty cell is null (docs/contract.md#file-formats); so is NULL, as SQL Server's tools write it
            if ef.fmt == "csv":
                name = quote_identifier(header[c])
                expr = f"CASE WHEN {name} IN ('', 'NULL') THEN NULL ELSE {name} END"
            select.append(f"{expr} AS {quote_identifier(c)}")
        else:
            select.append(f"CAST(NULL AS VARCHAR) AS {quote_identifier(c)}")
    src_file = ef.path.name.replace("'", "''")
    try:
        if ef.fmt == "csv":
            # materialise in file order first: a table's rowid follows insertion order
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE _landing AS SELECT * FROM {rel}")
            except duckdb.Error:
                if not mixed_line_ends(ef.path):
                    raise
                with tempfile.TemporaryDirectory(prefix="csc-line-ends-", dir=scratch) as tmp:
                    copy = with_lf_line_ends(ef.path, Path(tmp))
                    con.execute(f"CREATE OR REPLACE TEMP TABLE _landing AS SELECT * FROM "
                                f"{csv_relation(copy, csv_header(ef.path))}")
            con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT {', '.join(select)}, "
                        f"CAST(rowid + 1 AS BIGINT) AS _row_number, '{src_file}' AS _source_file "
                        f"FROM _landing ORDER BY rowid")
            con.execute("DROP TABLE _landing")
        else:
            con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT {', '.join(select)}, "
                        f"CAST(file_row_number + 1 AS BIGINT) AS _row_number, '{src_file}' AS _source_file "
                        f"FROM {rel} ORDER BY file_row_number")
    except duckdb.Error as exc:
        if ef.fmt == "csv":
            raise csv_problem(exc, ef.path.name, ef.path, csv_header(ef.path)) from None
        raise ExtractError(f"not a readable Parquet file ({str(exc).splitlines()[0]})", file=ef.path.name) from None
    rows = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
    return LandedTable(table, True, ef.path.name, rows, sha256(ef.path),
                       [c for c in columns if c not in header])


def prepare_landing(con: duckdb.DuckDBPyConnection) -> None:
    """The session land_table needs (the run's landing and `csc-compliance check` alike)."""
    # a Parquet TIMESTAMP WITH TIME ZONE (Spark's and pyarrow's default) holds a UTC instant: read as text it
    # must give the London wall-clock date (a summer midnight is 23:00 the day before in UTC), whatever the
    # server's own time zone
    con.execute("SET TimeZone = 'Europe/London'")
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")


def land_extract(con: duckdb.DuckDBPyConnection, extract_dir: Path, scratch: Path | None = None) -> list[LandedTable]:
    """Land every catalogue table (absent ones as empty tables) and record which were present. `scratch` (the
    run's build folder) holds a file's transient normalised copy, when one is needed; else the system's."""
    files = discover(extract_dir)
    prepare_landing(con)
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    landed = [land_table(con, t, files.get(t), scratch) for t in catalogue_tables()]
    con.execute("CREATE OR REPLACE TABLE meta.table_availability (table_name VARCHAR, present BOOLEAN, "
                "source_file VARCHAR, row_count BIGINT)")
    con.executemany("INSERT INTO meta.table_availability VALUES (?, ?, ?, ?)",
                    [(t.table, t.present, t.file, t.rows) for t in landed])
    return landed
