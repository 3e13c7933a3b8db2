"""Vectorised building blocks for the bulk: repeated events (visits, reviews, supervisions) and
"which interval covers this date" lookups.

Why: the `large` profile has ~1.5 million visit rows; a per-row Python loop would take minutes. Each
helper here works on whole arrays: an owner (a plan, a placement, a case) has a start and an end, and
its events are start + a group-wise cumulative sum of random gaps, cut at the end."""
from __future__ import annotations

from typing import Callable

import numpy as np

from csc_compliance.generate.workcal import NULL, VectorCalendar

GapFn = Callable[[np.random.Generator, int], np.ndarray]
_SCALE = np.int64(1 << 22)  # > any day number we use (days since 1970 stay below 2**17)


def group_cumsum(values: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """Cumulative sum of `values` within runs of equal, contiguous `owners`."""
    total = np.cumsum(values)
    if len(values) == 0:
        return total
    starts = np.r_[True, owners[1:] != owners[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(values)), 0))
    return total - total[first] + values[first]


def series(rng: np.random.Generator, start: np.ndarray, end: np.ndarray, first_gap: GapFn, gap: GapFn,
           min_gap: int, unit: str = "days", vc: VectorCalendar | None = None,
           cap: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Events for each owner i: start[i] + g1, + g2, ... while <= end[i] (inclusive).

    Gaps are in calendar days (unit "days") or working days (unit "wd", through `vc`). `min_gap`
    bounds how many events an owner can need, so the arrays are sized once. Returns (owner index,
    event date), sorted by owner then date."""
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    ok = ~np.isnat(start) & ~np.isnat(end) & (end > start)
    span = np.where(ok, (end - start).astype(np.int64), 0)
    if unit == "wd":
        span = span * 5 // 7 + 2
    slots = np.where(ok, np.minimum(span // max(min_gap, 1) + 1, cap), 0)
    owners = np.repeat(np.arange(len(start)), slots)
    if len(owners) == 0:
        return owners, np.array([], dtype="datetime64[D]")
    first = np.r_[True, owners[1:] != owners[:-1]]
    gaps = gap(rng, len(owners)).astype(np.int64)
    n_first = int(first.sum())
    gaps[first] = first_gap(rng, n_first).astype(np.int64)
    offsets = group_cumsum(gaps, owners)
    if unit == "wd":
        dates = vc.add_wd(start[owners], np.maximum(offsets, 1))
        dates = np.where(offsets <= 0, start[owners], dates)
    else:
        dates = start[owners] + offsets.astype("timedelta64[D]")
    keep = dates <= end[owners]
    return owners[keep], dates[keep]


def mixture(*parts: tuple[float, int, int]) -> GapFn:
    """A gap sampler: with probability p, uniform integer in [lo, hi] (inclusive)."""
    probs = np.array([p for p, _, _ in parts], dtype=float)
    probs = probs / probs.sum()
    los = np.array([lo for _, lo, _ in parts])
    his = np.array([hi for _, _, hi in parts])

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        which = rng.choice(len(parts), size=n, p=probs)
        return rng.integers(los[which], his[which] + 1)

    return sample


def _key(owner: np.ndarray, day: np.ndarray) -> np.ndarray:
    return owner.astype(np.int64) * _SCALE + day.astype("datetime64[D]").astype(np.int64)


def covering_interval(iv_owner: np.ndarray, iv_start: np.ndarray, iv_end: np.ndarray,
                      q_owner: np.ndarray, q_day: np.ndarray) -> np.ndarray:
    """For each query (owner, day): the index of the interval of that owner with start <= day and
    (end is null or day < end), latest start if several; -1 when none. Intervals of one owner are
    assumed not to overlap (a case's allocations)."""
    order = np.lexsort((iv_start.astype("datetime64[D]").astype(np.int64), iv_owner))
    keys = _key(iv_owner[order], iv_start[order])
    q_ok = ~np.isnat(q_day)
    q_keys = _key(q_owner, np.where(q_ok, q_day, np.datetime64("1970-01-01")))
    pos = np.searchsorted(keys, q_keys, side="right") - 1
    result = np.full(len(q_owner), -1, dtype=np.int64)
    found = (pos >= 0) & q_ok
    idx = order[np.clip(pos, 0, None)]
    found &= iv_owner[idx] == q_owner
    ends = iv_end[idx]
    found &= np.isnat(ends) | (q_day < ends)
    result[found] = idx[found]
    return result


def latest_on_or_before(ev_owner: np.ndarray, ev_day: np.ndarray, q_owner: np.ndarray,
                        q_day: np.ndarray) -> np.ndarray:
    """For each query: the latest event day of the same owner on or before the query day (NaT if none)."""
    ok = ~np.isnat(ev_day)
    ev_owner, ev_day = ev_owner[ok], ev_day[ok]
    order = np.lexsort((ev_day.astype(np.int64), ev_owner))
    keys = _key(ev_owner[order], ev_day[order])
    q_ok = ~np.isnat(q_day)
    q_keys = _key(q_owner, np.where(q_ok, q_day, np.datetime64("1970-01-01")))
    pos = np.searchsorted(keys, q_keys, side="right") - 1
    out = np.full(len(q_owner), NULL)
    hit = (pos >= 0) & q_ok
    idx = order[np.clip(pos, 0, None)]
    if len(idx):
        hit &= ev_owner[idx] == q_owner
        out[hit] = ev_day[idx][hit]
    return out


def explode(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parent index and 0-based position within the parent for `counts[i]` children of each parent."""
    parent = np.repeat(np.arange(len(counts)), counts)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    pos = np.arange(len(parent)) - np.repeat(first, counts)
    return parent, pos


def join_many(left_key: np.ndarray, right_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i, j) with left_key[i] == right_key[j], ordered by i then j (integer keys)."""
    order = np.argsort(right_key, kind="stable")
    rk = right_key[order]
    lo = np.searchsorted(rk, left_key, side="left")
    hi = np.searchsorted(rk, left_key, side="right")
    li, pos = explode(hi - lo)
    return li, order[lo[li] + pos]
