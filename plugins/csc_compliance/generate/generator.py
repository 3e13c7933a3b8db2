"""generate_extract: the one entry point. Simulate, build tables, add sentinels, plant gaps, write.

Why one seeded generator threaded through every step in a fixed order: identical profile, seed and
as_at must give byte-identical files (the demo and the benchmark are reproducible from those three)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from csc_compliance.generate import (
    bulk_cin,
    bulk_cp,
    bulk_people,
    cases,
    formats,
    journeys,
    organisation,
    sentinels,
    writer,
)
from csc_compliance.generate.bulk_cla import Cla
from csc_compliance.generate.frame import concat, nrows
from csc_compliance.generate.gaps import Planter
from csc_compliance.generate.profiles import PROFILES
from csc_compliance.generate.schema import TABLES, column_names, columns
from csc_compliance.generate.workcal import VectorCalendar, to_day


@dataclass
class GenerateReport:
    out_dir: Path
    tables: dict[str, int]                      # data rows written per table
    planted: list[dict]                         # sentinel expectations (also in _planted.json)
    gaps: list[dict] = field(default_factory=list)  # planted recording gaps (kind, table, column, ...)
    profile: str = ""
    seed: int = 0
    as_at: dt.date | None = None
    authority: str = ""


def _check_args(profile: str, seed, as_at, out_dir):
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    if not isinstance(as_at, dt.date) or isinstance(as_at, dt.datetime):
        raise ValueError(f"as_at must be a datetime.date, not {as_at!r}")
    if out_dir is None:
        raise ValueError("out_dir is required")


def build_tables(profile_name: str, seed: int, as_at: dt.date):
    """All tables as typed frames (bulk rows first, then the sentinels' rows), the planted
    expectations, the bulk row counts, the generator and the calendar."""
    profile = PROFILES[profile_name]
    rng = np.random.default_rng(seed)
    D = to_day(as_at)
    vc = VectorCalendar(as_at.year - 32, as_at.year + 3)
    world = journeys.simulate(rng, profile, D, vc, profile.children - sentinels.N_SENTINEL_CHILDREN)
    wf, alloc = organisation.allocate(rng, world, D, profile)
    ctx = cases.build(rng, profile, D, world.window_start, vc, world, wf, alloc)

    t: dict[str, dict] = {}
    t["ssd_person"] = bulk_people.person(ctx)
    order = np.argsort(t["ssd_person"]["pers_person_id"].astype(str), kind="stable")
    t["ssd_person"] = {c: v[order] for c, v in t["ssd_person"].items()}
    t["ssd_family"] = bulk_people.family(ctx)
    t["ssd_department"] = bulk_people.department()
    alloc_child = bulk_people.allocations_by_child(ctx)
    t["ssd_professionals"] = bulk_people.professionals(ctx, alloc_child)
    t["ssd_cin_episodes"] = bulk_cin.cin_episodes(ctx)
    t["ssd_cin_assessments"], _ = bulk_cin.cin_assessments(ctx)
    t["ssd_cin_plans"], cin_idx, cin_id = bulk_cin.cin_plans(ctx)
    t["ssd_cin_visits"] = bulk_cin.cin_visits(ctx)
    t["ssd_ext_cin_reviews"] = bulk_cin.cin_reviews(ctx, cin_idx, cin_id)
    t["ssd_s47_enquiry"], s47_per_cr = bulk_cin.s47_enquiries(ctx)
    cp_idx, cp_id = bulk_cp.cp_plan_ids(ctx)
    t["ssd_initial_cp_conference"], icpc_per_cr = bulk_cin.initial_cp_conferences(ctx, s47_per_cr, cp_idx, cp_id)
    t["ssd_cp_plans"] = bulk_cp.cp_plans(ctx, icpc_per_cr, cp_idx, cp_id)
    t["ssd_cp_visits"] = bulk_cp.cp_visits(ctx, cp_idx, cp_id)
    t["ssd_cp_reviews"] = bulk_cp.cp_reviews(ctx, cp_idx, cp_id)
    t["ssd_ext_core_groups"] = bulk_cp.core_groups(ctx, cp_idx, cp_id)
    t["ssd_pre_proceedings"] = bulk_cp.pre_proceedings(ctx)
    cla = Cla(ctx)
    t["ssd_cla_placement"] = cla.placements()
    t["ssd_cla_reviews"], rev_p, rev_day = cla.reviews()
    t["ssd_cla_episodes"] = cla.episodes(rev_p, rev_day)
    t["ssd_cla_visits"] = cla.visits()
    t["ssd_cla_care_plan"] = cla.care_plans()
    t["ssd_care_leavers"], pa_invo = cla.care_leavers()
    t["ssd_involvements"] = bulk_people.involvements(ctx, alloc_child, [pa_invo])
    t["ssd_ext_supervisions"] = bulk_people.supervisions(ctx)

    n_bulk = {name: nrows(f) for name, f in t.items()}
    sent_frames, planted = sentinels.build(as_at, wf, rng)
    for name, f in sent_frames.items():
        t[name] = concat(name, [t[name], f])
    return profile, rng, D, vc, t, n_bulk, planted


def manifest_for(profile: str, as_at: dt.date) -> dict:
    """The extract's manifest.json: its reporting date and the authority the profile invents."""
    return {"as_at": as_at.isoformat(), "authority": PROFILES[profile].authority}


def generate_extract(profile: str = "demo", seed: int = 42, as_at: dt.date | None = None,
                     out_dir: Path | str | None = None) -> GenerateReport:
    """Write a synthetic SSD extract of invented children into `out_dir` (see the package docstring)."""
    _check_args(profile, seed, as_at, out_dir)
    out_dir = Path(out_dir)
    prof = PROFILES[profile]
    expected = writer.expected_files(list(TABLES), prof.parquet_tables)
    writer.prepare_out_dir(out_dir, expected)

    prof, rng, D, vc, typed, n_bulk, planted = build_tables(profile, int(seed), as_at)
    planter = Planter(rng, D, vc, prof.gap_rate, n_bulk)
    planter.plant_typed(typed)
    text = {name: formats.to_text(name, typed[name], rng) for name in TABLES}
    del typed
    planter.plant_text(text)
    gaps = planter.finish(text)

    counts: dict[str, int] = {}
    for name in TABLES:
        cols = column_names(name)
        rows = len(text[name][cols[0]])
        if name in prof.parquet_tables:
            dates = {c for c, k in columns(name) if k == "date"} if name == "ssd_cp_visits" else set()
            writer.write_parquet(out_dir / f"{name}.parquet", cols, text[name], dates)
        else:
            writer.write_csv(out_dir / f"{name}.csv", name, cols, text[name])
        counts[name] = rows
        text[name] = None
    writer.write_json(out_dir / "_planted.json", planted)
    writer.write_json(out_dir / "manifest.json", manifest_for(profile, as_at))
    return GenerateReport(out_dir=out_dir, tables=counts, planted=planted, gaps=gaps, profile=profile,
                          seed=int(seed), as_at=as_at, authority=prof.authority)
