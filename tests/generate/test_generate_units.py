"""The generator's own building blocks: its working-day calendar (independent of the pipeline's), the
status rule the sentinels use, and the syllable names."""
import datetime as dt
import pathlib
import re

import numpy as np
import pytest

from csc_compliance.generate import names
from csc_compliance.generate.sentinels import item_status
from csc_compliance.generate.workcal import VectorCalendar, add_months, add_months_vec, add_wd, sub_wd, working_days_in

D = dt.date


@pytest.mark.parametrize("start, n, expected", [
    (D(2024, 12, 20), 3, D(2024, 12, 27)),   # docs/conventions.md#add_wd's example: 25th and 26th are bank holidays
    (D(2024, 12, 21), 1, D(2024, 12, 23)),   # from a Saturday
    (D(2026, 12, 24), 1, D(2026, 12, 29)),   # 28th is the substitute Boxing Day
    (D(2025, 4, 17), 1, D(2025, 4, 22)),     # Good Friday and Easter Monday
    (D(2026, 11, 20), 5, D(2026, 11, 27)),
])
def test_add_wd(start, n, expected):
    assert add_wd(start, n) == expected


def test_sub_wd_and_working_days_in():
    assert sub_wd(D(2024, 12, 27), 3) == D(2024, 12, 20)
    assert sub_wd(D(2026, 11, 20), 15) == D(2026, 10, 30)
    assert working_days_in(D(2024, 12, 20), D(2024, 12, 27)) == 3
    assert working_days_in(D(2024, 12, 27), D(2024, 12, 20)) == 0
    with pytest.raises(ValueError):
        add_wd(D(2024, 1, 1), 0)


def test_add_months_clamps_to_month_end():
    assert add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 3, 15), -12) == D(2023, 3, 15)


def test_vectorised_calendar_agrees_with_the_scalar_one():
    rng = np.random.default_rng(0)
    vc = VectorCalendar(2020, 2028)
    days = np.datetime64("2021-01-01") + rng.integers(0, 2000, 500)
    n = rng.integers(1, 60, 500)
    fwd = vc.add_wd(days, n)
    back = vc.sub_wd(days, n)
    months = add_months_vec(days, n % 25 - 12)
    for d, k, f, b, m in zip(days, n, fwd, back, months, strict=True):
        day = D.fromisoformat(str(d))
        assert D.fromisoformat(str(f)) == add_wd(day, int(k))
        assert D.fromisoformat(str(b)) == sub_wd(day, int(k))
        assert D.fromisoformat(str(m)) == add_months(day, int(k) % 25 - 12)


def test_item_status_follows_kpis_md():
    d = D(2026, 11, 20)                                   # a Friday
    assert item_status(D(2026, 11, 19), d) == ("overdue", 1)
    assert item_status(d, d) == ("due_soon", None)        # due today is not yet overdue
    assert item_status(D(2026, 11, 27), d) == ("due_soon", None)   # add_wd(D, 5)
    assert item_status(D(2026, 11, 28), d) == ("none", None)
    assert item_status(None, d) == ("overdue", None)


def test_names_come_from_the_syllable_generator():
    rng = np.random.default_rng(1)
    full = names.full_names(rng, 2000)
    assert all(names.is_generated_name(n) for n in full)
    assert len(set(full)) > 1500
    assert not names.is_generated_name("Oliver Smith")
    assert not names.is_generated_forename("Amelia")


def test_sentinel_oracle_does_not_use_the_pipeline_calendar():
    """The sentinels are the pipeline's oracle: they must not share its code."""
    package = pathlib.Path(names.__file__).parent
    outside = re.compile(r"^\s*(from|import)\s+(\.\.|csc_compliance\.(?!generate\b))", re.MULTILINE)
    for path in package.glob("*.py"):
        assert not outside.search(path.read_text()), path.name   # nothing from the rest of the product
