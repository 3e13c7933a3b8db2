"""Children's journeys through children's social care, simulated then cut at the reporting date.

Why simulate then censor: a real extract is a snapshot of journeys in progress. Each journey is drawn
whole (referral -> assessment -> NFA, CIN plan, or s47 -> ICPC -> CP plan -> step-down or care), then
everything after `as_at` is dropped (events) or left open (end dates). Open cases, overdue items and
due-soon items then arise the way they do in life, not by construction.

Why families: siblings are referred together, share a social worker, conferences and visit days, and
pre-proceedings are per family. Dates are drawn per family referral and copied to each child; a child's
own items stop at their 18th birthday. Everything is vectorised over families (the `large` profile
has ~60,000 children)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_compliance.generate.events import explode, mixture
from csc_compliance.generate.profiles import Profile
from csc_compliance.generate.workcal import NULL, VectorCalendar

# Pathways of one referral.
REF_NFA, ASM_NFA, CIN, S47_NFA, ICPC_NOCP, CP, CLA = range(7)
FIRST_PATHWAY_P = np.array([0.10, 0.38, 0.24, 0.07, 0.03, 0.13, 0.05])
AFTER_CP_PATHWAY_P = np.array([0.06, 0.25, 0.18, 0.06, 0.03, 0.35, 0.07])
# Segment kinds.
SEG_CIN, SEG_CP, SEG_CLA = 0, 1, 2
# How a period of care ends (clae_cla_episode_ceased_reason of its last episode).
CLA_END_CODES = np.array(["E4A", "E45", "E11", "E13", "E8", "E17"], dtype=object)  # last: at 18
DAY = np.timedelta64(1, "D")
YEAR = 365.25


def _days(x) -> np.ndarray:
    return np.asarray(np.round(x), dtype=np.int64).astype("timedelta64[D]")


@dataclass
class Families:
    size: np.ndarray      # children in the family
    area: np.ndarray      # 0..2
    cohort: np.ndarray    # 0 = referred in the window, 1 = long-term looked after


@dataclass
class Children:
    fam: np.ndarray
    dob: np.ndarray       # datetime64[D]
    bday18: np.ndarray
    sex: np.ndarray       # "M"/"F"/"U"
    expected_dob: np.ndarray


@dataclass
class Referrals:
    """One row per family referral (family-level dates)."""
    fam: np.ndarray
    ordinal: np.ndarray
    pathway: np.ndarray
    ref: np.ndarray
    asm_start: np.ndarray
    auth: np.ndarray       # NaT: never authorised
    asm_nfa: np.ndarray    # bool
    s47_start: np.ndarray
    s47_end: np.ndarray
    s47_conf: np.ndarray   # s47 outcome: CP conference
    icpc: np.ndarray
    transfer_in: np.ndarray
    icpc_cp: np.ndarray    # conference decided on a CP plan
    close: np.ndarray      # planned close (NaT: never, still open)
    need: np.ndarray       # N1..N8


@dataclass
class Segments:
    """Plans and periods of care, one row per family referral and plan (family-level dates)."""
    fr: np.ndarray
    kind: np.ndarray
    start: np.ndarray
    end: np.ndarray        # planned end (may be after as_at: then open)
    cla_end_code: np.ndarray  # index into CLA_END_CODES for SEG_CLA, -1 otherwise


@dataclass
class World:
    D: np.datetime64
    window_start: np.datetime64
    families: Families
    children: Children
    referrals: Referrals
    segments: Segments


def _sample_families(rng: np.random.Generator, n_children: int) -> tuple[np.ndarray, np.ndarray]:
    """Family sizes and cohorts adding up to exactly n_children (long-term looked-after families,
    cohort 1, have at most two children)."""
    sizes = rng.choice([1, 2, 3, 4, 5], size=n_children, p=[0.52, 0.26, 0.13, 0.06, 0.03])
    cohort = (rng.random(n_children) < 0.07).astype(np.int8)
    sizes = np.where(cohort == 1, np.minimum(sizes, 2), sizes)
    cum = np.cumsum(sizes)
    n_fam = int(np.searchsorted(cum, n_children)) + 1
    sizes = sizes[:n_fam].copy()
    sizes[-1] -= int(cum[n_fam - 1] - n_children)
    return sizes, cohort[:n_fam]


def simulate(rng: np.random.Generator, profile: Profile, D: np.datetime64, vc: VectorCalendar,
             n_children: int) -> World:
    window_days = int(profile.years * YEAR)
    W = D - window_days * DAY
    sizes, cohort = _sample_families(rng, n_children)
    n_fam = len(sizes)
    area = rng.choice(3, size=n_fam, p=[0.40, 0.35, 0.25])
    fams = Families(sizes, area, cohort)

    # --- the first referral in the window of each family, and each child's age
    first_ref = np.full(n_fam, NULL)
    j = cohort == 0
    first_ref[j] = W + _days(rng.integers(0, window_days + 1, int(j.sum())))
    # long-term looked-after: came into care 200 days to years+6 years ago; 40% have since turned 18
    # (care leavers), the others are 3-18 at D
    lt = ~j
    n_lt = int(lt.sum())
    age_at_d = np.where(rng.random(n_lt) < 0.4, rng.uniform(18.05, 21.0, n_lt), rng.uniform(3.0, 17.9, n_lt)) * YEAR
    back = np.minimum(age_at_d - 120, (profile.years + 6) * YEAR)
    cla_start_lt = D - _days(rng.uniform(200, np.maximum(back, 201)))
    first_ref[lt] = cla_start_lt - _days(rng.integers(5, 60, n_lt))
    eldest_dob = np.full(n_fam, NULL)
    eldest_dob[j] = first_ref[j] - _days(rng.uniform(0.0, 17.4, int(j.sum())) * YEAR)
    eldest_dob[lt] = D - _days(age_at_d)

    child_fam, pos = explode(sizes)
    n_ch = len(child_fam)
    younger = np.where(pos == 0, 0.0, rng.uniform(1.0, 4.0, n_ch) * YEAR)
    younger = _group_cumsum_float(younger, child_fam)
    dob = eldest_dob[child_fam] + _days(younger)
    ref0 = first_ref[child_fam]
    # a sibling "born" after the referral was unborn when referred: due some weeks later
    unborn = dob > ref0 - 30 * DAY
    dob = np.where(unborn, ref0 + _days(rng.integers(20, 200, n_ch)), dob)
    expected = np.where(unborn, dob + _days(rng.integers(-14, 15, n_ch)), NULL)
    bday18 = _add_years(dob, 18)
    sex = rng.choice(np.array(["M", "F", "U"], dtype=object), size=n_ch, p=[0.505, 0.49, 0.005])
    children = Children(child_fam, dob, bday18, sex, expected)

    # Returning families had a CP plan before the window (so some plans in the window are repeats);
    # a few families are planted on CP plans running past 18 months and past 2 years at D.
    returning = j & (rng.random(n_fam) < 0.06)
    cand = np.flatnonzero(j & ~returning)
    k_long = min(len(cand), max(4, int(round(0.004 * n_fam))))
    long_cp = np.zeros(n_fam, dtype=bool)
    long_cp[rng.choice(cand, size=k_long, replace=False)] = True
    start0 = first_ref.copy()
    start0[returning] = W - _days(rng.integers(250, 1400, int(returning.sum())))
    n_long = int(long_cp.sum())
    start0[long_cp] = D - _days(np.where(np.arange(n_long) % 2 == 0, rng.integers(580, 700, n_long),
                                         rng.integers(770, 950, n_long)))

    # --- referrals, ordinal by ordinal (each starts after the previous one closed)
    refs: list[dict] = []
    prev_close = np.full(n_fam, NULL)
    had_cp = np.zeros(n_fam, dtype=bool)
    for ordinal in range(5):
        force_cp = np.zeros(n_fam, dtype=bool)
        if ordinal == 0:
            fam_idx = np.arange(n_fam)
            ref = start0
            force_cp = returning | long_cp
        else:
            p = np.where(had_cp, 0.40, 0.45)
            eligible = ~np.isnat(prev_close) & (prev_close < D - 30 * DAY) & (cohort == 0)
            p = np.where(returning & (ordinal == 1), 1.0, p)
            go = eligible & (rng.random(n_fam) < p)
            ref = prev_close + _days(rng.integers(14, 400, n_fam))
            if ordinal == 1:   # a returning family's in-window referral keeps its in-window date
                ref = np.where(returning, np.fmax(prev_close + _days(rng.integers(14, 180, n_fam)), first_ref), ref)
            go &= ref <= D
            fam_idx = np.flatnonzero(go)
            ref = ref[fam_idx]
            force_cp = force_cp[fam_idx]
            if len(fam_idx) == 0:
                break
        r = _draw_referrals(rng, vc, fam_idx, ref, ordinal, had_cp[fam_idx], cohort[fam_idx],
                            force_cp if ordinal == 0 else np.zeros(len(fam_idx), bool),
                            long_cp[fam_idx] if ordinal == 0 else np.zeros(len(fam_idx), bool))
        refs.append(r)
        close = r["close"]
        prev_close = np.full(n_fam, NULL)
        prev_close[fam_idx] = close
        had_cp[fam_idx] |= r["pathway"] == CP

    referrals, segments = _assemble(rng, vc, refs, D, W, window_days)
    return World(D, W, fams, children, referrals, segments)


def _group_cumsum_float(values: np.ndarray, owners: np.ndarray) -> np.ndarray:
    total = np.cumsum(values)
    starts = np.r_[True, owners[1:] != owners[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(values)), 0))
    return total - total[first] + values[first]


def _add_years(days: np.ndarray, years: int) -> np.ndarray:
    from csc_compliance.generate.workcal import add_months_vec
    return add_months_vec(days, 12 * years)


def _draw_referrals(rng, vc: VectorCalendar, fam_idx, ref, ordinal, had_cp, cohort, force_cp, long_cp) -> dict:
    n = len(fam_idx)
    probs = np.where(had_cp[:, None], AFTER_CP_PATHWAY_P[None, :], FIRST_PATHWAY_P[None, :])
    u = rng.random(n)[:, None]
    pathway = (u > np.cumsum(probs, axis=1)).sum(axis=1).astype(np.int8)
    pathway = np.minimum(pathway, CLA)
    pathway = np.where(force_cp, CP, pathway)
    pathway = np.where(cohort == 1, CLA, pathway).astype(np.int8)
    has_asm = pathway != REF_NFA
    asm_start = np.where(has_asm, ref + _days(rng.integers(0, 4, n)), NULL)
    k_auth = mixture((0.55, 8, 35), (0.30, 36, 45), (0.15, 46, 75))(rng, n)
    auth = np.where(has_asm, vc.add_wd(ref, k_auth), NULL)
    never = (pathway == ASM_NFA) & (rng.random(n) < 0.012)
    auth = np.where(never, NULL, auth)
    transfer_in = (pathway == CP) & (rng.random(n) < 0.04) & ~long_cp
    cin_first = (pathway == CP) & ~transfer_in & (rng.random(n) < 0.15) & ~long_cp
    has_s47 = np.isin(pathway, (S47_NFA, ICPC_NOCP, CP)) & ~transfer_in
    # strategy discussion soon after the referral, or (CIN first) some months into the CIN plan
    plan_lag = mixture((0.6, 0, 5), (0.28, 6, 10), (0.12, 11, 45))(rng, n)
    cin_start_after_auth = np.where(plan_lag == 0, auth, vc.add_wd(auth, np.maximum(plan_lag, 1)))
    s47_start = np.where(has_s47, ref + _days(rng.integers(0, 7, n)), NULL)
    s47_start = np.where(cin_first, cin_start_after_auth + _days(rng.integers(30, 200, n)), s47_start)
    s47_end = np.where(has_s47, vc.add_wd(s47_start, rng.integers(3, 16, n)), NULL)
    conf = np.isin(pathway, (ICPC_NOCP, CP)) & has_s47
    k_icpc = mixture((0.6, 6, 15), (0.4, 16, 35))(rng, n)
    icpc = np.where(conf, vc.add_wd(s47_start, k_icpc), NULL)
    icpc = np.where(transfer_in, vc.to_working_day(ref + _days(rng.integers(3, 16, n))), icpc)
    # an s47 ends no later than its conference
    s47_end = np.where(conf & (s47_end > icpc), icpc, s47_end)
    icpc_cp = pathway == CP
    need = rng.choice(np.array(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"], dtype=object), size=n,
                      p=[0.55, 0.07, 0.06, 0.1, 0.12, 0.05, 0.02, 0.03])
    need = np.where(np.isin(pathway, (S47_NFA, ICPC_NOCP, CP)), "N1", need)

    seg = {"fr": [], "kind": [], "start": [], "end": [], "code": []}

    def add(mask, kind, start, end, code=None):
        m = mask & ~np.isnat(start)
        seg["fr"].append(np.flatnonzero(m))
        seg["kind"].append(np.full(int(m.sum()), kind, dtype=np.int8))
        seg["start"].append(start[m])
        seg["end"].append(end[m])
        seg["code"].append(np.full(int(m.sum()), -1) if code is None else code[m])

    cin_dur = _days(mixture((0.5, 60, 240), (0.4, 241, 540), (0.1, 541, 1000))(rng, n))
    cp_dur = _days(mixture((0.35, 90, 240), (0.45, 241, 480), (0.12, 481, 720), (0.08, 721, 1100))(rng, n))
    cp_dur = np.where(long_cp, _days(np.full(n, 1500)), cp_dur)
    cla_dur = _days(mixture((0.35, 20, 300), (0.35, 301, 1100), (0.30, 1101, 6000))(rng, n))
    cla_code = rng.choice(5, size=n, p=[0.45, 0.2, 0.1, 0.1, 0.15])

    # CIN plan first: the CIN pathway, an s47 that stayed at CIN level, and step-ups to CP
    s47_then_cin = (pathway == S47_NFA) & (rng.random(n) < 0.4)
    cin_a = np.isin(pathway, (CIN,)) | s47_then_cin | cin_first
    cin_a_start = np.where(s47_then_cin, np.maximum(cin_start_after_auth, s47_end), cin_start_after_auth)
    cin_a_start = np.where(cin_a & np.isnat(auth), NULL, cin_a_start)
    cin_a_end = np.where(cin_first, icpc, cin_a_start + cin_dur)
    nocp_cin_start = icpc + _days(rng.integers(0, 6, n))
    add(cin_a, SEG_CIN, cin_a_start, cin_a_end)
    add(pathway == ICPC_NOCP, SEG_CIN, nocp_cin_start, nocp_cin_start + cin_dur)
    # CP plan from the conference; then step down to CIN, into care, or close
    cp_start, cp_end = icpc, icpc + cp_dur
    after = rng.choice(3, size=n, p=[0.43, 0.45, 0.12])  # 0 close, 1 CIN, 2 care
    add(pathway == CP, SEG_CP, cp_start, cp_end)
    down_dur = _days(rng.integers(60, 360, n))
    add((pathway == CP) & (after == 1), SEG_CIN, cp_end, cp_end + down_dur)
    add((pathway == CP) & (after == 2), SEG_CLA, cp_end, cp_end + cla_dur, cla_code)
    # looked after straight from the referral (or, long-term cohort, years ago)
    direct_cla_start = ref + _days(rng.integers(1, 60, n))
    lt = cohort == 1
    lt_start = ref + _days(rng.integers(5, 60, n))
    lt_dur = _days(np.where(rng.random(n) < 0.2, rng.integers(200, 2500, n), rng.integers(3000, 8000, n)))
    add((pathway == CLA) & ~lt, SEG_CLA, direct_cla_start, direct_cla_start + cla_dur, cla_code)
    add((pathway == CLA) & lt, SEG_CLA, lt_start, lt_start + lt_dur, cla_code)

    segs = {k: np.concatenate(v) for k, v in seg.items()}
    # close: at the end of the last plan, or soon after the last assessment/s47/conference
    last_end = np.full(n, NULL)
    if len(segs["fr"]):
        order = np.lexsort((segs["end"].astype(np.int64), segs["fr"]))
        fr_sorted = segs["fr"][order]
        last = np.r_[fr_sorted[1:] != fr_sorted[:-1], True]
        last_end[fr_sorted[last]] = segs["end"][order][last]
    no_plan_close = np.fmax(np.fmax(auth, s47_end), icpc) + _days(rng.integers(0, 11, n))
    close = np.where(np.isnat(last_end), no_plan_close, last_end + _days(rng.integers(0, 4, n)))
    close = np.where(pathway == REF_NFA, ref + _days(rng.integers(1, 4, n)), close)
    close = np.where(never, NULL, close)
    asm_nfa = np.isin(pathway, (ASM_NFA, S47_NFA)) & ~s47_then_cin & has_asm
    return dict(fam=fam_idx, ordinal=np.full(n, ordinal, dtype=np.int8), pathway=pathway, ref=ref,
                asm_start=asm_start, auth=auth, asm_nfa=asm_nfa, s47_start=s47_start, s47_end=s47_end,
                s47_conf=conf, icpc=icpc, transfer_in=transfer_in, icpc_cp=icpc_cp, close=close,
                need=need, segs=segs)


def _assemble(rng, vc, refs: list[dict], D, W, window_days) -> tuple[Referrals, Segments]:
    keys = ["fam", "ordinal", "pathway", "ref", "asm_start", "auth", "asm_nfa", "s47_start", "s47_end",
            "s47_conf", "icpc", "transfer_in", "icpc_cp", "close", "need"]
    offsets = np.cumsum([0] + [len(r["fam"]) for r in refs])
    cols = {k: np.concatenate([r[k] for r in refs]) for k in keys}
    # order family referrals by family then date, so ids follow a child's history
    order = np.lexsort((cols["ref"].astype(np.int64), cols["fam"]))
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    referrals = Referrals(**{k: v[order] for k, v in cols.items()})
    seg_parts = {"fr": [], "kind": [], "start": [], "end": [], "code": []}
    for i, r in enumerate(refs):
        s = r["segs"]
        seg_parts["fr"].append(inverse[s["fr"] + offsets[i]])
        for k in ("kind", "start", "end", "code"):
            seg_parts[k].append(s[k])
    s = {k: np.concatenate(v) for k, v in seg_parts.items()}
    order = np.lexsort((s["start"].astype(np.int64), s["fr"]))
    segments = Segments(s["fr"][order], s["kind"][order], s["start"][order], s["end"][order],
                        s["code"][order])
    return referrals, segments
