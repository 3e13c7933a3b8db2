"""Working days in England (docs/conventions.md#working-days): Monday to Friday, excluding England and Wales bank
holidays, substitute days included, from the maintained `holidays` library (never a hand-typed list).

The dbt model `int_calendar` is built from `calendar_frame`, and the SQL macros `add_wd` and
`working_days_between` read it, so SQL and these reference functions share one calendar."""
from __future__ import annotations

import datetime as dt
import functools

import holidays
import pandas as pd


@functools.cache
def _bank_holidays(first_year: int, last_year: int) -> dict[dt.date, str]:
    # England and Wales share one set of bank holidays; subdiv ENG gives it, substitute days included.
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1)))


def bank_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    return {d: n for d, n in _bank_holidays(start.year, end.year).items() if start <= d <= end}


def is_working_day(d: dt.date) -> bool:
    return d.weekday() < 5 and d not in _bank_holidays(d.year, d.year)


def add_wd(d: dt.date, n: int) -> dt.date:
    """The n-th working day after d (n >= 0); d itself is never counted, even when it is a working day."""
    if n < 0:
        raise ValueError("add_wd counts forwards only")
    day = d
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Number of working days in (start, end]; 0 when end <= start."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def calendar_frame(start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per calendar day in [start, end] with a running count of working days.

    wd_seq(d) = working days on or before d, counted from `start`; so the n-th working day after d is
    the working day whose wd_seq is wd_seq(d) + n, and the working days in (a, b] number
    wd_seq(b) - wd_seq(a)."""
    days = pd.date_range(start, end, freq="D")
    hols = bank_holidays(start, end)
    names = [hols.get(d.date()) for d in days]
    working = (days.dayofweek < 5) & pd.isna(pd.Series(names, dtype="object")).to_numpy()
    return pd.DataFrame({
        "cal_date": days.date,
        "is_working_day": working,
        "wd_seq": working.cumsum().astype("int64"),
        "bank_holiday": pd.Series(names, dtype="object"),
    })
