"""The working-day calendar (docs/conventions.md#working-days, #add_wd) on bank-holiday boundaries."""
import datetime as dt

import pytest

from csc_compliance.core.workdays import add_wd, calendar_frame, is_working_day, working_days_between

D = dt.date


@pytest.mark.parametrize("start, n, expected", [
    (D(2024, 12, 20), 3, D(2024, 12, 27)),   # docs/conventions.md#add_wd's own example: 25th and 26th are bank holidays
    (D(2024, 12, 20), 0, D(2024, 12, 20)),
    (D(2024, 12, 21), 1, D(2024, 12, 23)),   # from a Saturday: Monday is the first working day after
    (D(2026, 12, 24), 1, D(2026, 12, 29)),   # 2026-12-26 is a Saturday: Monday 28th is the substitute day
    (D(2027, 12, 24), 1, D(2027, 12, 29)),   # 25th and 26th both at the weekend: 27th and 28th substitute
    (D(2025, 4, 17), 1, D(2025, 4, 22)),     # Good Friday 18th and Easter Monday 21st
    (D(2022, 9, 16), 1, D(2022, 9, 20)),     # one-off: the State Funeral, Monday 19 September 2022
    (D(2023, 5, 5), 1, D(2023, 5, 9)),       # one-off: the Coronation bank holiday, Monday 8 May 2023
    (D(2026, 8, 28), 1, D(2026, 9, 1)),      # late summer bank holiday Monday 31 August 2026
    (D(2024, 10, 1), 45, D(2024, 12, 3)),    # the 45 working days of ASSESS_45WD
])
def test_add_wd(start, n, expected):
    assert add_wd(start, n) == expected


def test_a_working_day_itself_is_never_counted():
    assert is_working_day(D(2024, 12, 23))
    assert add_wd(D(2024, 12, 23), 1) == D(2024, 12, 24)


def test_substitute_days_are_not_working_days():
    assert not is_working_day(D(2026, 12, 28))   # Boxing Day (substitute)
    assert not is_working_day(D(2027, 12, 27)) and not is_working_day(D(2027, 12, 28))
    assert is_working_day(D(2026, 12, 29))


def test_working_days_between_counts_the_half_open_interval():
    assert working_days_between(D(2024, 12, 20), D(2024, 12, 27)) == 3
    assert working_days_between(D(2024, 12, 27), D(2024, 12, 27)) == 0
    assert working_days_between(D(2024, 12, 27), D(2024, 12, 20)) == 0
    assert working_days_between(D(2024, 12, 24), D(2024, 12, 26)) == 0


def test_calendar_frame_matches_the_reference_functions():
    """The table the SQL macros read gives the same add_wd and working-day counts as the reference."""
    frame = calendar_frame(D(2022, 1, 1), D(2028, 12, 31))
    seq = dict(zip(frame.cal_date, frame.wd_seq, strict=True))
    by_seq = {s: d for d, s, w in zip(frame.cal_date, frame.wd_seq, frame.is_working_day, strict=True) if w}
    for day in list(frame.cal_date)[::7] + [D(2024, 12, 20), D(2026, 12, 24), D(2027, 12, 24)]:
        if day > D(2028, 6, 1):
            continue
        for n in (1, 3, 5, 10, 20, 45):
            assert by_seq[seq[day] + n] == add_wd(day, n), (day, n)
        later = day + dt.timedelta(days=40)
        assert seq[later] - seq[day] == working_days_between(day, later)
