"""The `large` profile: ~60,000 children over 6 years, ~1.5 million visit rows, well under 2 minutes and
4 GB. A scale test: run by the benchmark (`pytest -m slow`), not in CI."""
import datetime as dt
import json
import resource
import time

import pytest

from csc_compliance.generate import generate_extract

pytestmark = pytest.mark.slow


def test_large_profile_scale_time_and_memory(tmp_path):
    start = time.perf_counter()
    report = generate_extract("large", 42, dt.date(2026, 11, 20), tmp_path / "large")
    elapsed = time.perf_counter() - start
    visits = sum(n for t, n in report.tables.items() if t.endswith("_visits"))
    assert elapsed < 120, elapsed
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 4 * 1024 * 1024   # KiB on Linux
    assert 58_000 <= report.tables["ssd_person"] <= 62_000
    assert 1_300_000 <= visits <= 1_700_000, visits
    assert all((tmp_path / "large" / f"{t}.csv").exists() for t in report.tables)   # large: all CSV
    assert json.loads((tmp_path / "large" / "manifest.json").read_text())["authority"] == "LARGE"
    kinds = {g["kind"] for g in report.gaps}
    assert len(kinds) == 11
