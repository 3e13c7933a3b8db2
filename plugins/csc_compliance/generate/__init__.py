"""Synthetic nightly extracts in the Standard Safeguarding Dataset (SSD) format, of invented children.

    from csc_compliance.generate import generate_extract, PROFILES
    report = generate_extract(profile="demo", seed=42, as_at=datetime.date(2026, 11, 20), out_dir=path)
    report.tables   # rows per table;  report.planted  # sentinel expectations;  report.gaps

Why: the product is developed, demonstrated and benchmarked without real children's data. Names are
built from invented syllables, ids are pseudonymous, NHS-style numbers are in the 999 test range.

The folder gets one file per table (`<table>.csv`; for the `demo` profile `ssd_cp_visits` and
`ssd_department` are Parquet, to exercise both readers), `_planted.json` (the sentinel cases and their
expected outcomes, an unknown file the pipeline ignores) and, written last, `manifest.json`.

Modules: profiles (sizes), workcal (working days), names (invented names), schema (columns),
journeys (simulated journeys), organisation (teams, workers, allocations), cases (child-level view),
bulk_people / bulk_cin / bulk_cp / bulk_cla (tables of the random bulk), sentinels (hand-designed
cases and their expected outcomes), gaps (planted recording gaps), formats (how values are spelt),
writer (files), generator (the entry point)."""
from csc_compliance.generate.profiles import PROFILES, Profile

__all__ = ["generate_extract", "GenerateReport", "PROFILES", "Profile"]


def __getattr__(name: str):
    # the generator (pandas, pyarrow) loads on first use: the CLI reads PROFILES for every command, and a
    # `run` or `check` must not pay 1.4 s of imports for a generator it never calls
    if name in ("generate_extract", "GenerateReport"):
        from csc_compliance.generate import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
