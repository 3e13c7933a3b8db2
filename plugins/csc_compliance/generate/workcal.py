"""Working days and calendar months for the generator, kept independent of the pipeline's own calendar.

Why a second copy: the planted sentinel outcomes are the oracle the pipeline is tested against, so they must be
computed from the definitions (docs/conventions.md) without sharing code with what they test. The scalar helpers
(`add_wd`, `sub_wd`, `add_months`, `working_days_in`) follow docs/conventions.md#add_wd and
docs/conventions.md#add_months literally and are what the sentinels use. The vectorised ones (numpy business-day
arithmetic over the same holidays) only schedule the random bulk, where speed matters and exactness is not tested.

Working day (docs/conventions.md#working-days): Monday to Friday, excluding England and Wales bank holidays
(substitute days included), from the maintained `holidays` library. add_wd(d, n) is the n-th working day after d; d
itself is never counted."""
from __future__ import annotations

import calendar
import datetime as dt
import functools

import holidays
import numpy as np

EPOCH = dt.date(1970, 1, 1)
NULL = np.datetime64("NaT", "D")


@functools.cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(d: dt.date) -> bool:
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def add_wd(d: dt.date, n: int) -> dt.date:
    """The n-th working day after d (n >= 1); d itself is never counted (docs/conventions.md#add_wd)."""
    if n < 1:
        raise ValueError("add_wd needs n >= 1")
    day = d
    while n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def sub_wd(d: dt.date, n: int) -> dt.date:
    """The n-th working day before d (n >= 1); d itself is never counted."""
    if n < 1:
        raise ValueError("sub_wd needs n >= 1")
    day = d
    while n:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_in(after: dt.date, upto: dt.date) -> int:
    """The number of working days in (after, upto]; 0 when upto <= after."""
    count, day = 0, after
    while day < upto:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def add_months(d: dt.date, n: int) -> dt.date:
    """Calendar months, clamped to the month's last day (2024-08-31 + 6 months = 2025-02-28)."""
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------------------------------
# Vectorised: dates as numpy datetime64[D] arrays (NaT = null).


class VectorCalendar:
    """numpy business-day arithmetic over the same bank holidays, for scheduling the bulk."""

    def __init__(self, first_year: int, last_year: int):
        days = sorted(d for y in range(first_year, last_year + 1) for d in _bank_holidays(y))
        self.cal = np.busdaycalendar(weekmask="1111100", holidays=np.array(days, dtype="datetime64[D]"))

    def add_wd(self, days: np.ndarray, n) -> np.ndarray:
        """Vectorised add_wd; n >= 1 (array or scalar). NaT stays NaT."""
        days = np.asarray(days, dtype="datetime64[D]")
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
        out = np.full(days.shape, NULL)
        ok = ~np.isnat(days)
        # Rolling a non-working day back to the previous working day p, then adding n, gives the n-th
        # working day after d: there are no working days in (p, d].
        out[ok] = np.busday_offset(days[ok], n[ok], roll="backward", busdaycal=self.cal)
        return out

    def sub_wd(self, days: np.ndarray, n) -> np.ndarray:
        """Vectorised sub_wd; n >= 1."""
        days = np.asarray(days, dtype="datetime64[D]")
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
        out = np.full(days.shape, NULL)
        ok = ~np.isnat(days)
        out[ok] = np.busday_offset(days[ok], -n[ok], roll="forward", busdaycal=self.cal)
        return out

    def to_working_day(self, days: np.ndarray) -> np.ndarray:
        """The day itself when a working day, else the next working day (meetings are held on them)."""
        days = np.asarray(days, dtype="datetime64[D]")
        out = days.copy()
        ok = ~np.isnat(days)
        out[ok] = np.busday_offset(days[ok], 0, roll="forward", busdaycal=self.cal)
        return out

    def is_working_day(self, days: np.ndarray) -> np.ndarray:
        days = np.asarray(days, dtype="datetime64[D]")
        out = np.zeros(days.shape, dtype=bool)
        ok = ~np.isnat(days)
        out[ok] = np.is_busday(days[ok], busdaycal=self.cal)
        return out


def add_months_vec(days: np.ndarray, n) -> np.ndarray:
    """Vectorised add_months with the same month-end clamping; NaT stays NaT."""
    days = np.asarray(days, dtype="datetime64[D]")
    n = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
    out = np.full(days.shape, NULL)
    ok = ~np.isnat(days)
    d = days[ok]
    month = d.astype("datetime64[M]")
    day_of_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + n[ok]
    month_len = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    out[ok] = target.astype("datetime64[D]") + np.minimum(day_of_month, month_len - 1)
    return out


def to_day(d: dt.date) -> np.datetime64:
    return np.datetime64(d.isoformat(), "D")


def to_date(d: np.datetime64) -> dt.date | None:
    if np.isnat(d):
        return None
    return dt.date.fromisoformat(str(np.datetime64(d, "D")))
