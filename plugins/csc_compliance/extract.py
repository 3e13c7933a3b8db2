"""Reading the nightly extract (docs/contract.md#input) and landing it into the warehouse's `raw` schema.

Every value lands as text: a bad value never stops the night, it becomes a recording gap and reads as
null downstream. What stops the run is a file that cannot be read as a table (not UTF-8, ragged rows,
corrupt Parquet, empty without a header, a folder or dangling link named as a table's file), a table given
twice, or a missing required column; the error names the file, the column and, where there is one, the row
(data rows count from 1 after the header)."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .catalogue import tables as catalogue_tables
from .errors import ExtractError
from .parsing import iso_date

SUFFIXES = (".csv", ".parquet")


@dataclass
class ExtractFile:
    table: str
    path: Path
    fmt: str  # csv | parquet


@dataclass
class LandedTable:
    table: str
    present: bool
    file: str | None = None
    rows: int = 0
    sha256: str | None = None
    missing_optional: list[str] = field(default_factory=list)


def read_manifest(extract_dir: Path) -> dict | None:
    """manifest.json ({"as_at": "YYYY-MM-DD", "authority": "<code>"}) if present, validated."""
    path = extract_dir / "manifest.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExtractError(f"not valid JSON ({exc})", file=path.name) from None
    except OSError as exc:
        raise ExtractError(f"cannot be read ({exc.strerror})", file=path.name) from None
    if not isinstance(data, dict):
        raise ExtractError("expected a JSON object", file=path.name)
    if "as_at" in data:
        try:
            data["as_at"] = iso_date(data["as_at"])
        except ValueError:
            raise ExtractError("as_at is not a YYYY-MM-DD date", file=path.name, column="as_at") from None
    if "authority" in data and not (isinstance(data["authority"], str) and data["authority"].strip()):
        raise ExtractError("authority is not an authority code", file=path.name, column="authority")
    return data


def check_manifest_authority(manifest: dict | None, code: str, configured: bool) -> None:
    """An extract whose manifest names another authority than the configured one is refused: publishing it
    would send one authority's children to another's leads (a drop folder mixed up, a copied config)."""
    if not manifest or "authority" not in manifest or not configured:
        return
    named = manifest["authority"].strip()
    if named.casefold() != code.casefold():
        raise ExtractError(f"the extract is for authority {named!r} but this run's configuration is for "
                           f"{code!r}: is this another authority's extract?",
                           file="manifest.json", column="authority")


def survey(extract_dir: Path) -> tuple[dict[str, ExtractFile], list[ExtractError]]:
    """The extract's table files, and every problem with them (an unreadable file, a table given twice);
    unknown files are ignored. A folder that is missing or holds no table at all is raised at once."""
    if not extract_dir.is_dir():
        raise ExtractError(f"extract folder {extract_dir} does not exist or is not a folder")
    known = catalogue_tables()
    found: dict[str, ExtractFile] = {}
    problems: list[ExtractError] = []
    for path in sorted(extract_dir.iterdir()):
        table = path.stem.lower()
        if path.suffix.lower() not in SUFFIXES or table not in known:
            continue
        # named as a table but no readable file (a folder, a dangling link, no read permission): a failed
        # extract job, never to be published as a night with that table absent
        unreadable = _why_unreadable(path)
        if unreadable:
            problems.append(ExtractError(f"the table's file cannot be read: {unreadable}", file=path.name))
        elif table in found:
            problems.append(ExtractError(f"table {table} is given twice ({found[table].path.name} and "
                                         f"{path.name}); keep one", file=path.name))
        else:
            found[table] = ExtractFile(table, path, path.suffix.lower().lstrip("."))
    if not found and not problems:   # the wrong folder, or a job that wrote nothing: never publish an empty night
        raise ExtractError(f"extract folder {extract_dir} holds no SSD table (<table>.csv or <table>.parquet, "
                           "for example ssd_person.csv); nothing was run")
    return found, problems


def discover(extract_dir: Path) -> dict[str, ExtractFile]:
    """The extract's table files; the first problem survey() finds stops the run."""
    found, problems = survey(extract_dir)
    if problems:
        raise problems[0]
    return found


def _why_unreadable(path: Path) -> str | None:
    if path.is_symlink() and not path.exists():
        return "it is a link to a file that does not exist"
    if path.is_dir():
        return "it is a folder"
    if not path.is_file():
        return "it is not a regular file"
    if not os.access(path, os.R_OK):
        return "no permission to read it"
    return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _csv_header(path: Path) -> list[str]:
    with path.open("rb") as fh:
        first = fh.read(1 << 16)
    if not first.strip(b"\xef\xbb\xbf \r\n\t"):
        raise ExtractError("the file is empty: it needs at least a header row", file=path.name)
    with path.open("rb") as fh:
        line = fh.readline()  # a header holds no line breaks; decode only it, the rows are DuckDB's
    if b"\r" in line.rstrip(b"\r\n"):
        raise ExtractError("the lines end in CR alone (classic Mac OS line ends); only LF or CRLF line ends "
                           "are read", file=path.name, row=0)
    try:
        header = next(csv.reader([line.decode("utf-8-sig").rstrip("\r\n")]))
    except UnicodeDecodeError:
        raise ExtractError("the header row is not UTF-8 text", file=path.name, row=0) from None
    except csv.Error as exc:
        raise ExtractError(f"the header row cannot be read ({exc})", file=path.name, row=0) from None
    return header


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


_DUCKDB_LINE = re.compile(r"CSV Error on Line: (\d+)")
# the longest CSV record read (DuckDB's default is 2 MB): a long free-text or *_json value is still a value
MAX_RECORD_BYTES = 64 * 1024 * 1024


def _stray_carriage_return(path: Path, header: list[str]) -> tuple[int, str] | None:
    """The data row (from 1) and column of the first CR outside quotes that does not end a line (a line break
    typed into an unquoted free-text value, or a classic Mac OS line end): DuckDB's strict reader stops there
    without saying where. Quotes are followed across lines, so a CR inside a quoted field is no problem."""
    record, in_quote = 0, False
    with path.open("rb") as fh:
        for line in fh:                                   # split on LF: a CRLF's CR ends its line
            body = line.rstrip(b"\n")
            body = body[:-1] if body.endswith(b"\r") else body
            if b"\r" in body:
                quoted, field = in_quote, 0
                for _i, byte in enumerate(body):
                    if byte == 0x22:                       # '"' (a doubled quote toggles twice: no change)
                        quoted = not quoted
                    elif byte == 0x2C and not quoted:      # ','
                        field += 1
                    elif byte == 0x0D and not quoted:
                        column = header[field] if field < len(header) else f"column {field + 1}"
                        return record, column.strip()
            if body.count(b'"') % 2:
                in_quote = not in_quote
            if not in_quote:
                record += 1
    return None


def _csv_problem(exc: Exception, file: str, path: Path | None = None, header: list[str] | None = None) -> ExtractError:
    """DuckDB's CSV error as a reason and a row, never its text: that quotes the record ("Original Line")."""
    text = str(exc)
    m = _DUCKDB_LINE.search(text)
    # DuckDB counts records from the header (record 1); we count data rows from 1.
    row = int(m.group(1)) - 1 if m else None
    if row is None and path is not None and header is not None:
        stray = _stray_carriage_return(path, header)
        if stray:
            return ExtractError("a carriage return (CR) outside quotes breaks the row: a line break inside a value "
                                "must be quoted, and lines must end in LF or CRLF",
                                file=file, column=stray[1], row=stray[0], line=_line_of_row(path, stray[0]))
    # what went wrong, without the "Possible fixes" and the reader's options that follow it
    what = re.split(r"\n\s*Possible (?:fixes|Solution)|\n\s*file = ", text, maxsplit=1)[0].lower()
    if "unicode" in what or "utf-8" in what or "utf8" in what:
        reason = "the file is not UTF-8 text"
    elif m2 := re.search(r"expected number of columns: (\d+) found: (\d+)", what):
        reason = f"the row has {m2.group(2)} fields where the header has {m2.group(1)}"
    elif "maximum line size" in what:
        reason = f"the row is longer than {MAX_RECORD_BYTES // (1024 * 1024)} MB, the longest a row may be"
    elif "unterminated quote" in what:
        reason = "a quoted field is not closed"
    else:
        reason = "the row cannot be read as CSV"
    return ExtractError(reason, file=file, row=row, line=_line_of_row(path, row) if path and row is not None else None)


def _line_of_row(path: Path, row: int) -> int | None:
    """The line of the file (from 1, as an editor counts) where data row `row` starts (0 = the header): a
    quoted value holding line breaks makes one row span several lines. Read only when reporting a problem."""
    if row == 0:
        return 1
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            start = reader.line_num + 1
            for number, _ in enumerate(reader, 1):
                if number == row:
                    return start
                start = reader.line_num + 1
            return start if row == number + 1 else None   # the row that could not be read at the end
    except (csv.Error, OSError, UnboundLocalError):
        return None


def _csv_relation(path: Path, header: list[str]) -> str:
    # an unnamed column (a header ending in a comma, as some exports write every line) is an extra column,
    # ignored; DuckDB needs a name for it
    names = [h if h.strip() else f"_csc_unnamed_{i}" for i, h in enumerate(header, 1)]
    cols = "{" + ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for h in names) + "}"
    quoted = str(path).replace("'", "''")
    return (f"read_csv('{quoted}', columns={cols}, header=true, delim=',', quote='\"', escape='\"', "
            f"strict_mode=true, null_padding=false, auto_detect=false, encoding='utf-8', "
            f"max_line_size={MAX_RECORD_BYTES})")


def _mixed_line_ends(path: Path) -> bool:
    """Some lines end in CRLF and others in LF alone (a file edited or appended to by another tool)."""
    lf = crlf = 0
    last = b""
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            lf += chunk.count(b"\n")
            crlf += chunk.count(b"\r\n") + (last == b"\r" and chunk.startswith(b"\n"))
            last = chunk[-1:]
    return 0 < crlf < lf


def _with_lf_line_ends(path: Path, scratch: Path) -> Path:
    """A copy of the file with every CRLF written as LF: DuckDB's strict reader takes one kind of line end per
    file. A CRLF inside a quoted free-text value becomes LF too; no value the measures read holds one."""
    copy = scratch / path.name
    previous = b""
    with path.open("rb") as src, copy.open("wb") as dst:
        for chunk in iter(lambda: src.read(1 << 22), b""):
            data = previous + chunk
            previous = data[-1:] if data.endswith(b"\r") else b""   # a CRLF may straddle two chunks
            dst.write(data[: len(data) - len(previous)].replace(b"\r\n", b"\n"))
        dst.write(previous)
    return copy


def _source_relation(con: duckdb.DuckDBPyConnection, ef: ExtractFile) -> tuple[str, dict[str, str], dict[str, str]]:
    """A SQL relation over the file, its header map, and each column's type (Parquet; CSV is all text)."""
    path = str(ef.path).replace("'", "''")
    if ef.fmt == "csv":
        header = _csv_header(ef.path)
        return _csv_relation(ef.path, header), _header_map(header, ef.path.name), {}
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    except duckdb.Error as exc:
        raise ExtractError(f"not a readable Parquet file ({str(exc).splitlines()[0]})", file=ef.path.name) from None
    names = [r[0] for r in described]
    _header_map(_parquet_top_level_names(con, path), ef.path.name)   # a name twice is refused, as in CSV
    return (f"read_parquet('{path}', file_row_number=true)", _header_map(names, ef.path.name),
            {r[0]: str(r[1]).upper() for r in described})


def _parquet_top_level_names(con: duckdb.DuckDBPyConnection, quoted_path: str) -> list[str]:
    """The column names as the file's schema spells them. DuckDB renames a repeated name (`x`, `X` reads as
    `x`, `X_1`), which would let one of two columns be taken silently."""
    schema = con.execute(f"SELECT name, coalesce(num_children, 0) FROM parquet_schema('{quoted_path}')").fetchall()
    names, i = [], 1

    def skip(j: int) -> int:        # the index after element j's subtree (the schema is listed depth first)
        k = j + 1
        for _ in range(schema[j][1]):
            k = skip(k)
        return k
    for _ in range(schema[0][1] if schema else 0):
        names.append(schema[i][0])
        i = skip(i)
    return names


def _as_text(column: str, sql_type: str) -> str:
    """A Parquet column as text, the way the same value is spelt in CSV. A whole number held as FLOAT, DOUBLE or
    DECIMAL (pandas writes an integer column with a null in it as DOUBLE; SQL Server's numeric keys are
    DECIMAL) is spelt as the integer, so the id 5417676.0 still matches 5417676."""
    col = _quote(column)
    if sql_type in ("FLOAT", "DOUBLE", "REAL") or sql_type.startswith("DECIMAL"):
        return (f"CASE WHEN isfinite(CAST({col} AS DOUBLE)) AND {col} = trunc({col}) "
                f"AND abs(CAST({col} AS DOUBLE)) < 9.0e15 THEN CAST(CAST({col} AS HUGEINT) AS VARCHAR) "
                f"ELSE CAST({col} AS VARCHAR) END")
    return f"CAST({col} AS VARCHAR)"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def land_table(con: duckdb.DuckDBPyConnection, table: str, ef: ExtractFile | None,
               scratch: Path | None = None) -> LandedTable:
    spec = catalogue_tables()[table]
    columns = list(spec["columns"])
    target = f"raw.{table}"
    if ef is None:
        col_sql = ", ".join(f"{_quote(c)} VARCHAR" for c in columns)
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
            expr = _as_text(header[c], types.get(header[c], "VARCHAR"))
            # an empty cell is null (docs/contract.md#file-formats); so is NULL, as SQL Server's tools write it
            if ef.fmt == "csv":
                expr = f"CASE WHEN {_quote(header[c])} IN ('', 'NULL') THEN NULL ELSE {_quote(header[c])} END"
            select.append(f"{expr} AS {_quote(c)}")
        else:
            select.append(f"CAST(NULL AS VARCHAR) AS {_quote(c)}")
    src_file = ef.path.name.replace("'", "''")
    try:
        if ef.fmt == "csv":
            # materialise in file order first: a table's rowid follows insertion order
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE _landing AS SELECT * FROM {rel}")
            except duckdb.Error:
                if not _mixed_line_ends(ef.path):
                    raise
                with tempfile.TemporaryDirectory(prefix="csc-line-ends-", dir=scratch) as tmp:
                    copy = _with_lf_line_ends(ef.path, Path(tmp))
                    con.execute(f"CREATE OR REPLACE TEMP TABLE _landing AS SELECT * FROM "
                                f"{_csv_relation(copy, _csv_header(ef.path))}")
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
            raise _csv_problem(exc, ef.path.name, ef.path, _csv_header(ef.path)) from None
        raise ExtractError(f"not a readable Parquet file ({str(exc).splitlines()[0]})", file=ef.path.name) from None
    rows = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
    return LandedTable(table, True, ef.path.name, rows, _sha256(ef.path),
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
