"""Extract profiles: how big an authority the generator invents.

Why profiles rather than free parameters: the demo extract (`make run`) and the scale benchmark
(`make bench`) must be reproducible from a name, a seed and a date alone."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    children: int                 # people in ssd_person (approximately: families are whole)
    years: int                    # referrals are dated over this many years before as_at
    authority: str                # manifest.json "authority"
    parquet_tables: tuple[str, ...] = ()   # tables written as Parquet instead of CSV
    extra_visit_rate: float = 0.15  # visits beyond the statutory rhythm, per statutory visit
    cases_per_worker: float = 17.0  # open cases per allocated social worker (sizes the workforce)
    gap_rate: float = 0.002       # recording gaps per eligible row (each kind planted at least 3 times)


PROFILES: dict[str, Profile] = {
    "demo": Profile(name="demo", children=2000, years=3, authority="DEMO",
                    parquet_tables=("ssd_cp_visits", "ssd_department")),
    "large": Profile(name="large", children=60000, years=6, authority="LARGE",
                     extra_visit_rate=0.85, gap_rate=0.0005),
}
