"""Reading an extract's CSV file strictly, and saying where it breaks: the header, DuckDB's strict reader
over the rows, and, when that fails, the reason and the file's line and data row, never the record's text
(it holds children's data)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from csc_compliance.core.errors import ExtractError


def csv_header(path: Path) -> list[str]:
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


def csv_problem(exc: Exception, file: str, path: Path | None = None, header: list[str] | None = None) -> ExtractError:
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


def csv_relation(path: Path, header: list[str]) -> str:
    # an unnamed column (a header ending in a comma, as some exports write every line) is an extra column,
    # ignored; DuckDB needs a name for it
    names = [h if h.strip() else f"_csc_unnamed_{i}" for i, h in enumerate(header, 1)]
    cols = "{" + ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for h in names) + "}"
    quoted = str(path).replace("'", "''")
    return (f"read_csv('{quoted}', columns={cols}, header=true, delim=',', quote='\"', escape='\"', "
            f"strict_mode=true, null_padding=false, auto_detect=false, encoding='utf-8', "
            f"max_line_size={MAX_RECORD_BYTES})")


def mixed_line_ends(path: Path) -> bool:
    """Some lines end in CRLF and others in LF alone (a file edited or appended to by another tool)."""
    lf = crlf = 0
    last = b""
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            lf += chunk.count(b"\n")
            crlf += chunk.count(b"\r\n") + (last == b"\r" and chunk.startswith(b"\n"))
            last = chunk[-1:]
    return 0 < crlf < lf


def with_lf_line_ends(path: Path, scratch: Path) -> Path:
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
