"""How values are spelt in each file: the format variants an extract really contains.

Why per table: authorities' extract jobs differ table by table (one view exported from SQL Server with
`datetime` columns, another through a spreadsheet with UK dates), and the product must read them all
(docs/contract.md#file-formats). The choices are fixed per table so tests and readers know where each variant
is; row-level mixing (e.g. `Yes` among `Y`) is drawn from the seeded generator.

- dates: ISO `YYYY-MM-DD` by default; SQL Server `YYYY-MM-DD 00:00:00.000` in DATE_STYLE "sqlserver"
  tables; `DD/MM/YYYY` in the "dmy" table.
- flags: `Y`/`N` mostly; some tables mix in `Yes`/`No`, `1`/`0`, `y`/`n` or `True`/`False` row by row.
- `*_json` columns: compact JSON as SQL Server's FOR JSON writes it, quoted upper-case keys.
- file-level: one file with a UTF-8 BOM, one with CRLF line endings (writer.py reads FILE_STYLE)."""
from __future__ import annotations

import json

import numpy as np

from csc_compliance.generate.frame import Frame
from csc_compliance.generate.schema import columns

DATE_STYLE = {
    "ssd_cin_episodes": "sqlserver",
    "ssd_cp_plans": "sqlserver",
    "ssd_cla_episodes": "sqlserver",
    "ssd_involvements": "sqlserver",
    "ssd_cin_visits": "dmy",
}
# spelling -> share of rows; spellings: YN, yn, YesNo, 10, TrueFalse
FLAG_STYLE = {
    "ssd_cin_visits": {"YN": 0.6, "YesNo": 0.4},
    "ssd_cla_visits": {"YN": 0.7, "10": 0.3},
    "ssd_cla_reviews": {"YN": 0.8, "TrueFalse": 0.2},
    "ssd_cp_visits": {"YN": 0.9, "yn": 0.05, "YesNo": 0.05},
    "ssd_cin_assessments": {"YN": 0.94, "YesNo": 0.03, "10": 0.03},
    "ssd_initial_cp_conference": {"YN": 0.9, "TrueFalse": 0.1},
}
FLAG_SPELLINGS = {"YN": ("Y", "N"), "yn": ("y", "n"), "YesNo": ("Yes", "No"), "10": ("1", "0"),
                  "TrueFalse": ("True", "False")}
FILE_STYLE = {
    "ssd_cin_plans": {"bom": True},
    "ssd_cla_reviews": {"crlf": True},
}


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    pw = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values.astype(np.int64)[:, None] // pw) % 10 + 48).astype(np.uint8)


def format_dates(days: np.ndarray, style: str = "iso") -> np.ndarray:
    """datetime64[D] -> object array of strings in the style; NaT -> None. Built from digit bytes,
    because np.datetime_as_string is slow on millions of rows."""
    days = np.asarray(days, dtype="datetime64[D]")
    out = np.full(len(days), None, dtype=object)
    ok = ~np.isnat(days)
    if not ok.any():
        return out
    d = days[ok]
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m_all = d.astype("datetime64[M]")
    m = m_all.astype(np.int64) % 12 + 1
    dd = (d - m_all.astype("datetime64[D]")).astype(np.int64) + 1
    n = len(d)
    if style == "dmy":
        mat = np.empty((n, 10), dtype=np.uint8)
        mat[:, 0:2], mat[:, 3:5], mat[:, 6:10] = _digits(dd, 2), _digits(m, 2), _digits(y, 4)
        mat[:, 2] = mat[:, 5] = ord("/")
    else:
        width = 23 if style == "sqlserver" else 10
        mat = np.empty((n, width), dtype=np.uint8)
        mat[:, 0:4], mat[:, 5:7], mat[:, 8:10] = _digits(y, 4), _digits(m, 2), _digits(dd, 2)
        mat[:, 4] = mat[:, 7] = ord("-")
        if style == "sqlserver":
            mat[:, 10:] = np.frombuffer(b" 00:00:00.000", dtype=np.uint8)
    out[ok] = mat.view(f"S{mat.shape[1]}").ravel().astype(f"U{mat.shape[1]}").astype(object)
    return out


def format_flags(values: np.ndarray, styles: dict[str, float], rng: np.random.Generator) -> np.ndarray:
    values = np.asarray(values, dtype=np.int8)
    out = np.full(len(values), None, dtype=object)
    names = list(styles)
    which = rng.choice(len(names), size=len(values), p=np.array(list(styles.values())) / sum(styles.values()))
    for i, name in enumerate(names):
        yes, no = FLAG_SPELLINGS[name]
        sel = which == i
        out[sel & (values == 1)] = yes
        out[sel & (values == 0)] = no
    return out


def to_text(table: str, frame: Frame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Typed frame -> every column as an object array of str (None for an empty cell)."""
    date_style = DATE_STYLE.get(table, "iso")
    flag_style = FLAG_STYLE.get(table, {"YN": 1.0})
    out: dict[str, np.ndarray] = {}
    for col, kind in columns(table):
        v = frame[col]
        if kind == "date":
            out[col] = format_dates(v, date_style)
        elif kind == "flag":
            out[col] = format_flags(v, flag_style, rng)
        elif kind == "int":
            out[col] = np.array([None if x is None else str(int(x)) for x in v], dtype=object)
        elif kind == "float":
            out[col] = np.array([None if x is None else f"{float(x):.1f}" for x in v], dtype=object)
        else:
            out[col] = np.asarray(v, dtype=object)
    return out


def for_json(parts: list[tuple[str, np.ndarray]], n: int) -> np.ndarray:
    """Compact JSON objects, keys in the given order, as SQL Server FOR JSON writes them.

    Values: bool arrays -> "Y"/"N"; integer arrays -> numbers; object arrays -> JSON strings."""
    acc = np.full(n, "{", dtype=object)
    for i, (key, vals) in enumerate(parts):
        vals = np.asarray(vals)
        if vals.dtype == bool:
            text = np.where(vals, '"Y"', '"N"').astype(object)
        elif np.issubdtype(vals.dtype, np.integer):
            text = vals.astype(str).astype(object)
        else:
            text = np.array([json.dumps("" if v is None else str(v)) for v in vals], dtype=object)
        acc = acc + (("," if i else "") + f'"{key}":') + text
    return acc + "}"
