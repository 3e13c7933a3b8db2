"""The fictional authority's structure and who holds each case.

Why here and sized after the journeys: a workforce is sized to its caseload (about one social worker
per `cases_per_worker` open cases), so the teams are staffed from the simulated open cases at the
reporting date. Allocations are drawn per family referral and phase (assessment team, then the
safeguarding team for CIN/CP plans, the children-in-care team for care), with occasional worker
changes; then the situations the measures look for are planted on the bulk: a few open cases left
unallocated, a few held by team managers, and one worker with a caseload over the threshold."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_compliance.generate import names
from csc_compliance.generate.events import explode
from csc_compliance.generate.journeys import SEG_CLA, World
from csc_compliance.generate.workcal import NULL

AREAS = (("A1", "North Locality"), ("A2", "South Locality"), ("A3", "East Locality"))
TEAM_TYPES = ("Assessment Team", "Safeguarding Team", "Children in Care Team")
AREA_WORD = ("North", "South", "East")
T_ASSESS, T_SAFEGUARD, T_CIC = 0, 1, 2
SW_TITLES = np.array(["Social Worker", "Senior Social Worker", "Advanced Practitioner",
                      "Newly Qualified Social Worker"], dtype=object)
HEAVY_CASELOAD = 27   # the planted over-threshold worker's children (CASELOAD threshold is 25)
DAY = np.timedelta64(1, "D")


def team_id(area: int, ttype: int) -> str:
    return f"T{area + 1}{ttype + 1}"


@dataclass
class Workforce:
    prof_id: np.ndarray     # "W12345"
    staff_id: np.ndarray
    name: np.ndarray
    title: np.ndarray
    team: np.ndarray        # team index = area * 3 + type
    role: np.ndarray        # "sw", "tm", "atm", "fsw", "pa"
    agency: np.ndarray      # bool
    fte: np.ndarray
    reg_no: np.ndarray

    def members(self, team: int, role: str) -> np.ndarray:
        return np.flatnonzero((self.team == team) & (self.role == role))


@dataclass
class Allocation:
    """Allocated-worker pieces per family referral (family-level)."""
    fr: np.ndarray
    start: np.ndarray
    end: np.ndarray          # NaT: still allocated (or case never closes)
    team: np.ndarray
    worker: np.ndarray       # index into Workforce
    seg_kind: np.ndarray     # -1 before any plan, else the segment kind
    change_reason: np.ndarray  # why this piece started (object; None for the first)
    unallocated: np.ndarray  # bool: planted, ended before D with no successor


def department_rows() -> list[dict]:
    rows = [{"dept_team_id": a_id, "dept_team_name": a_name, "dept_team_parent_id": None,
             "dept_team_parent_name": None} for a_id, a_name in AREAS]
    for a, (a_id, a_name) in enumerate(AREAS):
        for t, tname in enumerate(TEAM_TYPES):
            rows.append({"dept_team_id": team_id(a, t), "dept_team_name": f"{AREA_WORD[a]} {tname}",
                         "dept_team_parent_id": a_id, "dept_team_parent_name": a_name})
    return rows


def team_name(team: int) -> str:
    return f"{AREA_WORD[team // 3]} {TEAM_TYPES[team % 3]}"


def phases(world: World) -> dict:
    """Family-level phases of each referral: before any plan (assessment team), then each plan or
    period of care (safeguarding / children-in-care team), the last running to the referral's close."""
    r, s = world.referrals, world.segments
    n = len(r.fam)
    fr = np.concatenate([np.arange(n), s.fr])
    start = np.concatenate([r.ref, s.start])
    kind = np.concatenate([np.full(n, -1, dtype=np.int8), s.kind])
    order = np.lexsort((kind, start.astype(np.int64), fr))
    fr, start, kind = fr[order], start[order], kind[order]
    nxt_same = np.r_[fr[1:] == fr[:-1], False]
    nxt_start = np.r_[start[1:], NULL]
    end = np.where(nxt_same, nxt_start, r.close[fr])
    keep = np.isnat(end) | (end > start)
    fr, start, end, kind = fr[keep], start[keep], end[keep], kind[keep]
    ttype = np.where(kind == -1, T_ASSESS, np.where(kind == SEG_CLA, T_CIC, T_SAFEGUARD))
    team = world.families.area[r.fam[fr]] * 3 + ttype
    return {"fr": fr, "start": start, "end": end, "kind": kind, "team": team}


def split_pieces(rng: np.random.Generator, ph: dict, D: np.datetime64) -> dict:
    """Worker changes inside long phases: about one every 18 months."""
    end_eff = np.where(np.isnat(ph["end"]) | (ph["end"] > D), D, ph["end"])
    length = np.maximum((end_eff - ph["start"]).astype(np.int64), 0)
    n_split = np.minimum(rng.poisson(length / 550.0), 3)
    n_split = np.where(length > 30, n_split, 0)
    parent, pos = explode(n_split + 1)
    frac = np.where(pos == 0, 0.0, rng.uniform(0.05, 0.95, len(parent)))
    start = ph["start"][parent] + np.round(frac * length[parent]).astype(np.int64) * DAY
    order = np.lexsort((start.astype(np.int64), parent))
    parent, start, pos = parent[order], start[order], pos[order]
    nxt_same = np.r_[parent[1:] == parent[:-1], False]
    end = np.where(nxt_same, np.r_[start[1:], NULL], ph["end"][parent])
    keep = np.isnat(end) | (end > start)
    parent, start, end = parent[keep], start[keep], end[keep]
    first = np.r_[True, parent[1:] != parent[:-1]]
    return {"fr": ph["fr"][parent], "start": start, "end": end, "team": ph["team"][parent],
            "kind": ph["kind"][parent], "phase_first": first}


def build_workforce(rng: np.random.Generator, open_children_per_team: np.ndarray, care_leavers_per_area,
                    cases_per_worker: float) -> Workforce:
    rows: list[tuple[int, str, str]] = []   # (team, role, title)
    for team in range(9):
        ttype = team % 3
        rows.append((team, "tm", "Team Manager"))
        if team % 2 == 0:
            rows.append((team, "atm", "Assistant Team Manager"))
        n_sw = max(3, int(np.ceil(open_children_per_team[team] / cases_per_worker)))
        rows += [(team, "sw", "")] * n_sw
        if ttype == T_SAFEGUARD:
            rows += [(team, "fsw", "Family Support Worker")] * max(1, n_sw // 4)
        if ttype == T_CIC:
            rows += [(team, "pa", "Personal Advisor")] * max(1, int(np.ceil(care_leavers_per_area[team // 3] / 20)))
    n = len(rows)
    team = np.array([t for t, _, _ in rows])
    role = np.array([r for _, r, _ in rows], dtype=object)
    title = np.array([t for _, _, t in rows], dtype=object)
    sw = role == "sw"
    title[sw] = SW_TITLES[rng.choice(4, size=int(sw.sum()), p=[0.5, 0.25, 0.1, 0.15])]
    numbers = rng.choice(np.arange(10000, 99999), size=n, replace=False)
    prof_id = np.array([f"W{x}" for x in numbers], dtype=object)
    staff_id = np.array([f"STF{x:06d}" for x in rng.choice(np.arange(100000, 999999), size=n, replace=False)],
                        dtype=object)
    agency = np.where(sw, rng.random(n) < 0.17, rng.random(n) < 0.03)
    fte = rng.choice(np.array([1.0, 0.8, 0.6]), size=n, p=[0.75, 0.15, 0.10])
    registered = np.isin(role, ("sw", "tm", "atm"))
    reg = np.array([f"SW{x:06d}" for x in rng.integers(10000, 999999, n)], dtype=object)
    reg = np.where(registered, reg, None)
    return Workforce(prof_id, staff_id, names.full_names(rng, n), title, team, role, agency, fte, reg)


def allocate(rng: np.random.Generator, world: World, D: np.datetime64, profile) -> tuple[Workforce, Allocation]:
    ph = phases(world)
    pc = split_pieces(rng, ph, D)
    fam_size = world.families.size[world.referrals.fam[pc["fr"]]]
    open_at_d = (pc["start"] <= D) & (np.isnat(pc["end"]) | (pc["end"] > D))
    open_children = np.bincount(pc["team"][open_at_d], weights=fam_size[open_at_d], minlength=9)
    cl_per_area = _care_leaver_estimate(world, D)
    wf = build_workforce(rng, open_children, cl_per_area, profile.cases_per_worker)

    n = len(pc["fr"])
    worker = np.full(n, -1, dtype=np.int64)
    for team in range(9):
        sw = wf.members(team, "sw")
        idx = np.flatnonzero(pc["team"] == team)
        worker[idx] = sw[rng.integers(0, len(sw), len(idx))]
    # a worker change never hands the case to the same worker
    same = np.r_[False, (pc["fr"][1:] == pc["fr"][:-1]) & (worker[1:] == worker[:-1])]
    for i in np.flatnonzero(same):
        sw = wf.members(int(pc["team"][i]), "sw")
        worker[i] = sw[(int(np.searchsorted(sw, worker[i])) + 1) % len(sw)]

    reasons = np.array(["LEFTRL", "MANAGE", "TSPROC", "ORGRST", "ABSENC", "CHCHAN", "PCCHAN", "OTHERS"],
                       dtype=object)
    change = np.where(pc["phase_first"], "TSPROC", reasons[rng.choice(8, size=n,
                                                                     p=[0.35, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05])])
    first_of_fr = np.r_[True, pc["fr"][1:] != pc["fr"][:-1]]
    change = np.where(first_of_fr, "FCONTA", change).astype(object)
    change[first_of_fr & (world.referrals.ordinal[pc["fr"]] == 0)] = None
    # free text, as some recording systems allow: commas, quotes and a line break (CSV quoting)
    free = np.flatnonzero(~first_of_fr)
    if len(free):
        pick = free[rng.random(len(free)) < 0.03]
        texts = np.array(['Worker left the service, case "held" in team\nreallocated at duty meeting',
                          'Caseload balancing, agreed with TM, see supervision note',
                          'Parent asked for a change; "communication had broken down"'], dtype=object)
        change[pick] = texts[rng.integers(0, 3, len(pick))]

    alloc = Allocation(pc["fr"], pc["start"], pc["end"].copy(), pc["team"].copy(), worker,
                       pc["kind"], change, np.zeros(n, dtype=bool))
    _plant_caseload_situations(rng, world, wf, alloc, D)
    return wf, alloc


def _care_leaver_estimate(world: World, D) -> np.ndarray:
    ch = world.children
    age = (D - ch.dob).astype(np.int64) / 365.25
    fam_lt = world.families.cohort[ch.fam] == 1
    cl = fam_lt & (age >= 18) & (age < 21.5)
    return np.bincount(world.families.area[ch.fam[cl]], minlength=3)


def _plant_caseload_situations(rng, world: World, wf: Workforce, alloc: Allocation, D) -> None:
    """One worker over the caseload threshold; ~1.5% of open cases with a manager; ~3% unallocated."""
    fam_size = world.families.size[world.referrals.fam[alloc.fr]]
    open_at_d = (alloc.start <= D) & (np.isnat(alloc.end) | (alloc.end > D))
    # A child's allocation ends at 18: only count families whose children are mostly under 18 at D.
    heavy_team = 0 * 3 + T_SAFEGUARD
    heavy = int(wf.members(heavy_team, "sw")[0])
    held = int(fam_size[open_at_d & (alloc.worker == heavy)].sum())
    candidates = np.flatnonzero(open_at_d & (alloc.worker != heavy) & (world.families.area[
        world.referrals.fam[alloc.fr]] == 0) & (alloc.seg_kind >= 0) & (alloc.seg_kind != SEG_CLA))
    candidates = candidates[rng.permutation(len(candidates))]
    for i in candidates:
        if held >= HEAVY_CASELOAD:
            break
        alloc.worker[i] = heavy
        alloc.team[i] = heavy_team
        held += int(fam_size[i])
    rest = np.flatnonzero(open_at_d & (alloc.worker != heavy))
    rest = rest[rng.permutation(len(rest))]
    n_mgr = max(3, int(round(0.015 * len(rest))))
    n_un = max(4, int(round(0.03 * len(rest))))
    for i in rest[:n_mgr]:
        managers = wf.members(int(alloc.team[i]), "tm")
        alloc.worker[i] = managers[0]
    for i in rest[n_mgr:n_mgr + n_un]:
        lo = alloc.start[i] + DAY
        gap = int((D - lo).astype(np.int64))
        if gap < 2:
            continue
        alloc.end[i] = D - int(rng.integers(1, min(gap, 40))) * DAY
        alloc.unallocated[i] = True


def allocation_at(alloc: Allocation, fr: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Index of the allocation piece covering each (family referral, day); -1 when unallocated."""
    from csc_compliance.generate.events import covering_interval
    return covering_interval(alloc.fr, alloc.start, alloc.end, fr, day)
