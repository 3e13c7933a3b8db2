"""Typed in-memory tables, before formatting.

Why typed first and text last: the journeys and sentinels reason in dates and booleans; how a value is
spelt in the file (`2025-03-04`, `2025-03-04 00:00:00.000`, `04/03/2025`, `Y`, `Yes`, `1`) is a
separate, per-table decision (formats.py), and the recording gaps are planted on the final text.

A frame is a dict column -> numpy array, one kind per column (schema.py): `date` datetime64[D] with
NaT for null; `flag` int8 with 1 yes, 0 no, -1 null; `text`, `int`, `float` object arrays with None."""
from __future__ import annotations

import datetime as dt

import numpy as np

from csc_compliance.generate.schema import columns

Frame = dict[str, np.ndarray]


def empty_column(kind: str, n: int) -> np.ndarray:
    if kind == "date":
        return np.full(n, np.datetime64("NaT", "D"))
    if kind == "flag":
        return np.full(n, -1, dtype=np.int8)
    return np.full(n, None, dtype=object)


def coerce(kind: str, values, n: int) -> np.ndarray:
    """A column of the given kind from an array, a scalar or None."""
    if values is None:
        return empty_column(kind, n)
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = np.full(n, values, dtype=object if kind not in ("date", "flag") else None)
    if kind == "date":
        if arr.dtype == object:
            arr = np.array([np.datetime64(v.isoformat() if isinstance(v, dt.date) else "NaT", "D")
                            for v in arr], dtype="datetime64[D]")
        return arr.astype("datetime64[D]")
    if kind == "flag":
        if arr.dtype == object:
            arr = np.array([-1 if v is None else int(bool(v)) for v in arr], dtype=np.int8)
        return arr.astype(np.int8)
    out = arr.astype(object)
    return out


def make(table: str, n: int, **cols) -> Frame:
    """A frame of `n` rows with every schema column; unspecified columns are null."""
    unknown = set(cols) - {c for c, _ in columns(table)}
    if unknown:
        raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
    return {c: coerce(k, cols.get(c), n) for c, k in columns(table)}


def from_rows(table: str, rows: list[dict]) -> Frame:
    kinds = dict(columns(table))
    for r in rows:
        unknown = set(r) - set(kinds)
        if unknown:
            raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
    n = len(rows)
    out = {}
    for c, k in kinds.items():
        vals = np.empty(n, dtype=object)
        vals[:] = [r.get(c) for r in rows]
        out[c] = coerce(k, vals, n)
    return out


def concat(table: str, frames: list[Frame]) -> Frame:
    frames = [f for f in frames if f is not None]
    return {c: np.concatenate([f[c] for f in frames]) if frames else empty_column(k, 0)
            for c, k in columns(table)}


def take(frame: Frame, idx) -> Frame:
    return {c: v[idx] for c, v in frame.items()}


def nrows(frame: Frame) -> int:
    return len(next(iter(frame.values()))) if frame else 0


def flag(values: np.ndarray) -> np.ndarray:
    """bool array -> flag column (1/0)."""
    return np.asarray(values, dtype=bool).astype(np.int8)


def ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Pseudonymous record ids: prefix + zero-padded number (built from digit bytes: fast at scale)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    p = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    if len(numbers) == 0:
        return np.array([], dtype=object)
    mat = np.empty((len(numbers), len(p) + width), dtype=np.uint8)
    mat[:, :len(p)] = p
    pw = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    mat[:, len(p):] = (numbers[:, None] // pw) % 10 + 48
    w = mat.shape[1]
    return mat.view(f"S{w}").ravel().astype(f"U{w}").astype(object)


def seq_ids(prefix: str, n: int, width: int, start: int = 1) -> np.ndarray:
    return ids(prefix, np.arange(start, start + n), width)
