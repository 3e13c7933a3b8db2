"""Front door to child protection, for the random bulk: referrals (ssd_cin_episodes), single
assessments, CIN plans with their visits and reviews, section 47 enquiries and initial child
protection conferences.

Why the team/worker columns come from the allocation: the measures fall back to a record's own team
and worker when a child has no allocated worker (docs/conventions.md#attribution), so those columns must say who
held the case on the record's date, as a case management system would have stamped them."""
from __future__ import annotations

import numpy as np

from csc_compliance.generate.cases import Ctx
from csc_compliance.generate.events import join_many, mixture, series
from csc_compliance.generate.formats import for_json
from csc_compliance.generate.frame import Frame, flag, ids, make, seq_ids
from csc_compliance.generate.journeys import ASM_NFA, CLA, REF_NFA, S47_NFA, SEG_CIN

SOURCES = [("1A", "Individual"), ("1B", "Individual - family member or relative"), ("2A", "Schools"),
           ("3A", "Health services - GP"), ("3C", "Health services, hospital or A&E"),
           ("3D", "Health services - health visitor"), ("4", "Housing"), ("5A", "LA services - social care"),
           ("5D", "LA services - early help"), ("6", "Police"), ("7", "Other legal agency"), ("8", "Other"),
           ("9", "Anonymous"), ("10", "Unknown")]
SOURCE_P = np.array([4, 6, 18, 5, 6, 4, 3, 6, 5, 27, 3, 5, 2, 6], dtype=float)
DAY = np.timedelta64(1, "D")


def cin_episodes(ctx: Ctx) -> Frame:
    rng, r = ctx.rng, ctx.world.referrals
    fr, n = ctx.cr_fr, len(ctx.cr_fr)
    pw = r.pathway[fr]
    src = rng.choice(len(SOURCES), size=n, p=SOURCE_P / SOURCE_P.sum())
    codes = np.array([c for c, _ in SOURCES], dtype=object)[src]
    descs = np.array([d for _, d in SOURCES], dtype=object)[src]
    has_s47 = ~np.isnat(r.s47_start[fr])
    outcome = for_json([
        ("SINGLE_ASSESSMENT_FLAG", pw != REF_NFA), ("NFA_FLAG", pw == REF_NFA),
        ("STRATEGY_DISCUSSION_FLAG", has_s47 & (r.s47_start[fr] <= r.ref[fr] + 7 * DAY)),
        ("CLA_REQUEST_FLAG", pw == CLA), ("NON_AGENCY_ADOPTION_FLAG", np.zeros(n, bool)),
        ("PRIVATE_FOSTERING_FLAG", np.zeros(n, bool)), ("CP_TRANSFER_IN_FLAG", r.transfer_in[fr]),
        ("CP_CONFERENCE_FLAG", r.transfer_in[fr]), ("CARE_LEAVER_FLAG", np.zeros(n, bool)),
        ("OTHER_OUTCOMES_EXIST_FLAG", np.zeros(n, bool))], n)
    close = ctx.cens(ctx.cr_close)
    ch = ctx.world.children
    at18 = ctx.cr_close == ch.bday18[ctx.cr_child]
    reason = np.full(n, "RC7", dtype=object)
    reason[np.isin(pw, (ASM_NFA, S47_NFA))] = "RC8"
    reason[(pw == ASM_NFA) & (rng.random(n) < 0.3)] = "RC9"
    reason[at18] = "RC6"
    reason[np.isnat(close)] = None
    worker, team = ctx.worker_at(fr, r.ref[fr])
    return make("ssd_cin_episodes", n, cine_referral_id=ctx.cr_id, cine_person_id=ctx.person_id[ctx.cr_child],
                cine_referral_date=r.ref[fr], cine_cin_primary_need_code=r.need[fr],
                cine_referral_source_code=codes, cine_referral_source_desc=descs,
                cine_referral_outcome_json=outcome, cine_referral_nfa=flag(pw == REF_NFA),
                cine_close_reason=reason, cine_close_date=close, cine_referral_team=team,
                cine_referral_worker_id=worker)


def cin_assessments(ctx: Ctx) -> tuple[Frame, np.ndarray]:
    """Returns the frame and, per child referral, the assessment id (None where none)."""
    rng, r, D = ctx.rng, ctx.world.referrals, ctx.D
    fr = ctx.cr_fr
    sel = np.flatnonzero(~np.isnat(r.asm_start[fr]) & (r.asm_start[fr] <= D))
    f = fr[sel]
    n = len(sel)
    auth = ctx.cens(r.auth[f])
    done = ~np.isnat(auth)
    nfa = r.asm_nfa[f]
    has_s47 = ~np.isnat(r.s47_start[f])
    outcome = for_json([
        ("NFA_FLAG", nfa), ("NFA_S47_END_FLAG", nfa & has_s47), ("STRATEGY_DISCUSSION_FLAG", has_s47),
        ("CLA_REQUEST_FLAG", r.pathway[f] == CLA), ("PRIVATE_FOSTERING_FLAG", np.zeros(n, bool)),
        ("LEGAL_ACTION_FLAG", np.zeros(n, bool)), ("PROV_OF_SERVICES_FLAG", ~nfa),
        ("PROV_OF_SB_CARE_FLAG", np.zeros(n, bool)), ("SPECIALIST_ASSESSMENT_FLAG", rng.random(n) < 0.05),
        ("REFERRAL_TO_OTHER_AGENCY_FLAG", nfa & (rng.random(n) < 0.3)),
        ("OTHER_ACTIONS_FLAG", np.zeros(n, bool)), ("OTHER_OUTCOMES_EXIST_FLAG", np.zeros(n, bool)),
        ("TOTAL_NO_OF_OUTCOMES", np.ones(n, dtype=np.int64) + has_s47.astype(np.int64)),
        ("COMMENTS", np.full(n, "", dtype=object))], n)
    seen = rng.choice(3, size=n, p=[0.93, 0.05, 0.02])
    worker, team = ctx.worker_at(f, r.asm_start[f])
    asm_id = ids("ASM", np.arange(1, n + 1), 7)
    frame = make("ssd_cin_assessments", n, cina_assessment_id=asm_id,
                 cina_person_id=ctx.person_id[ctx.cr_child[sel]], cina_referral_id=ctx.cr_id[sel],
                 cina_assessment_start_date=r.asm_start[f],
                 cina_assessment_child_seen=np.where(seen == 0, 1, np.where(seen == 1, 0, -1)).astype(np.int8),
                 cina_assessment_auth_date=auth, cina_assessment_outcome_json=np.where(done, outcome, None),
                 cina_assessment_outcome_nfa=np.where(done, nfa.astype(np.int8), -1).astype(np.int8),
                 cina_assessment_team=team, cina_assessment_worker_id=worker)
    per_cr = np.full(len(fr), None, dtype=object)
    per_cr[sel] = asm_id
    return frame, per_cr


def segment_ids(ctx: Ctx, kind: int, prefix: str, width: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Child segments of one kind (those started by D) and their ids, in (child, start) order."""
    idx = np.flatnonzero(ctx.cs_kind == kind)
    return idx, ids(prefix, np.arange(1, len(idx) + 1), width)


def cin_plans(ctx: Ctx) -> tuple[Frame, np.ndarray, np.ndarray]:
    idx, plan_id = segment_ids(ctx, SEG_CIN, "CINP")
    fr = ctx.cr_fr[ctx.cs_cr[idx]]
    worker, team = ctx.worker_at(fr, ctx.cs_start[idx])
    f = make("ssd_cin_plans", len(idx), cinp_cin_plan_id=plan_id, cinp_referral_id=ctx.cr_id[ctx.cs_cr[idx]],
             cinp_person_id=ctx.person_id[ctx.cs_child[idx]], cinp_cin_plan_start_date=ctx.cs_start[idx],
             cinp_cin_plan_end_date=ctx.cens(ctx.cs_end[idx]), cinp_cin_plan_team=team,
             cinp_cin_plan_worker_id=worker)
    return f, idx, plan_id


def family_segment_events(ctx: Ctx, kind: int, first_gap, gap, min_gap: int, unit: str,
                          extra_rate: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Events of each family plan of a kind (statutory rhythm plus optional extra visits), cut at D."""
    s, D = ctx.world.segments, ctx.D
    seg = np.flatnonzero((s.kind == kind) & (s.start <= D))
    end = np.where(s.end[seg] > D, D, s.end[seg])
    owner, day = series(ctx.rng, s.start[seg], end, first_gap, gap, min_gap, unit, ctx.vc)
    if extra_rate > 0 and len(owner):
        counts = np.bincount(owner, minlength=len(seg))
        n_extra = ctx.rng.poisson(counts * extra_rate)
        ex_owner = np.repeat(np.arange(len(seg)), n_extra)
        span = (end[ex_owner] - s.start[seg][ex_owner]).astype(np.int64)
        ex_day = s.start[seg][ex_owner] + np.floor(ctx.rng.random(len(ex_owner)) * (span + 1)).astype(np.int64) * DAY
        owner = np.concatenate([owner, ex_owner])
        day = np.concatenate([day, ex_day])
    return seg[owner], day


def to_children(ctx: Ctx, ev_seg: np.ndarray, ev_day: np.ndarray, floor: bool = True):
    """Family events -> (child segment, day, event index), kept within the child's own plan and <= D."""
    ev, cs = join_many(ev_seg, ctx.cs_seg)
    d = ev_day[ev]
    end = np.where(np.isnat(ctx.cs_end[cs]) | (ctx.cs_end[cs] > ctx.D), ctx.D, ctx.cs_end[cs])
    keep = (d >= ctx.cs_start[cs]) & (d <= end)
    if floor:
        keep &= d >= ctx.W
    ev, cs, d = ev[keep], cs[keep], d[keep]
    order = np.lexsort((d.astype(np.int64), ctx.cs_child[cs]))
    return cs[order], d[order], ev[order]


def visit_flags(ctx: Ctx, cs: np.ndarray, day: np.ndarray, p_seen: float, p_alone: float, p_bedroom: float):
    rng, ch = ctx.rng, ctx.world.children
    n = len(cs)
    child = ctx.cs_child[cs]
    born = ch.dob[child] <= day
    seen = born & (rng.random(n) < p_seen)
    age = (day - ch.dob[child]).astype(np.int64) / 365.25
    alone = seen & (age >= 3) & (rng.random(n) < p_alone)
    bedroom = seen & (rng.random(n) < p_bedroom)
    return flag(seen), flag(alone), flag(bedroom)


def cin_visits(ctx: Ctx) -> Frame:
    seg, day = family_segment_events(ctx, SEG_CIN, mixture((0.8, 1, 10), (0.2, 11, 25)),
                                     mixture((0.8, 8, 20), (0.15, 21, 30), (0.05, 31, 50)), 8, "wd",
                                     ctx.profile.extra_visit_rate)
    cs, d, _ = to_children(ctx, seg, day)
    seen, alone, bedroom = visit_flags(ctx, cs, d, 0.88, 0.45, 0.4)
    return make("ssd_cin_visits", len(cs), cinv_cin_visit_id=seq_ids("CINV", len(cs), 8),
                cinv_person_id=ctx.person_id[ctx.cs_child[cs]], cinv_cin_visit_date=d,
                cinv_cin_visit_seen=seen, cinv_cin_visit_seen_alone=alone, cinv_cin_visit_bedroom=bedroom)


def cin_reviews(ctx: Ctx, plan_idx: np.ndarray, plan_id: np.ndarray) -> Frame:
    seg, day = family_segment_events(ctx, SEG_CIN, mixture((0.85, 70, 92), (0.15, 93, 130)),
                                     mixture((0.85, 75, 92), (0.15, 93, 140)), 75, "days")
    cs, d, _ = to_children(ctx, seg, day)
    pid = np.full(len(ctx.cs_kind), None, dtype=object)
    pid[plan_idx] = plan_id
    return make("ssd_ext_cin_reviews", len(cs), cinr_review_id=seq_ids("CINR", len(cs), 7),
                cinr_cin_plan_id=pid[cs], cinr_person_id=ctx.person_id[ctx.cs_child[cs]], cinr_review_date=d)


def s47_enquiries(ctx: Ctx) -> tuple[Frame, np.ndarray]:
    rng, r, D = ctx.rng, ctx.world.referrals, ctx.D
    fr = ctx.cr_fr
    sel = np.flatnonzero(~np.isnat(r.s47_start[fr]) & (r.s47_start[fr] <= D))
    f = fr[sel]
    n = len(sel)
    end = ctx.cens(r.s47_end[f])
    done = ~np.isnat(end)
    conf = r.s47_conf[f]
    nfa = ~conf
    services = nfa & (r.pathway[f] != S47_NFA)
    comments = np.full(n, "", dtype=object)
    pick = rng.random(n) < 0.04
    comments[pick] = np.array(['Joint visit with police, child "spoke openly"; medical not needed',
                               "Strategy discussion: police, school nurse, GP"], dtype=object)[
        rng.integers(0, 2, int(pick.sum()))]
    outcome = for_json([
        ("NFA_FLAG", nfa), ("LEGAL_ACTION_FLAG", np.zeros(n, bool)), ("PROV_OF_SERVICES_FLAG", services),
        ("PROV_OF_SB_CARE_FLAG", np.zeros(n, bool)), ("CP_CONFERENCE_FLAG", conf),
        ("NFA_CONTINUE_SINGLE_FLAG", nfa & ~services), ("MONITOR_FLAG", np.zeros(n, bool)),
        ("OTHER_OUTCOMES_EXIST_FLAG", np.zeros(n, bool)),
        ("TOTAL_NO_OF_OUTCOMES", np.ones(n, dtype=np.int64)), ("OUTCOME_COMMENTS", comments)], n)
    worker, team = ctx.worker_at(f, r.s47_start[f])
    s47_id = ids("S47", np.arange(1, n + 1), 7)
    frame = make("ssd_s47_enquiry", n, s47e_s47_enquiry_id=s47_id, s47e_referral_id=ctx.cr_id[sel],
                 s47e_person_id=ctx.person_id[ctx.cr_child[sel]], s47e_s47_start_date=r.s47_start[f],
                 s47e_s47_end_date=end, s47e_s47_nfa=np.where(done, nfa.astype(np.int8), -1).astype(np.int8),
                 s47e_s47_outcome_json=np.where(done, outcome, None),
                 s47e_s47_completed_by_worker_id=worker, s47e_s47_completed_by_team=team)
    per_cr = np.full(len(fr), None, dtype=object)
    per_cr[sel] = s47_id
    return frame, per_cr


def initial_cp_conferences(ctx: Ctx, s47_per_cr: np.ndarray, cp_idx: np.ndarray, cp_id: np.ndarray
                           ) -> tuple[Frame, np.ndarray]:
    r, D, vc = ctx.world.referrals, ctx.D, ctx.vc
    fr = ctx.cr_fr
    sel = np.flatnonzero(~np.isnat(r.icpc[fr]) & (r.icpc[fr] <= D))
    f = fr[sel]
    n = len(sel)
    cp_per_cr = np.full(len(fr), None, dtype=object)
    cp_per_cr[ctx.cs_cr[cp_idx]] = cp_id
    is_cp = r.icpc_cp[f]
    target = np.where(r.transfer_in[f], vc.add_wd(r.ref[f], 15), vc.add_wd(r.s47_start[f], 15))
    outcome = for_json([
        ("NFA_FLAG", np.zeros(n, bool)), ("REFERRAL_TO_OTHER_AGENCY_FLAG", np.zeros(n, bool)),
        ("SINGLE_ASSESSMENT_FLAG", np.zeros(n, bool)), ("PROV_OF_SERVICES_FLAG", ~is_cp),
        ("CP_FLAG", is_cp), ("OTHER_OUTCOMES_EXIST_FLAG", np.zeros(n, bool)),
        ("TOTAL_NO_OF_OUTCOMES", np.ones(n, dtype=np.int64)), ("COMMENTS", np.full(n, "", dtype=object))], n)
    worker, team = ctx.worker_at(f, r.icpc[f])
    icpc_id = ids("ICPC", np.arange(1, n + 1), 7)
    meeting = ids("MTG", f + 1, 7)   # siblings share the conference
    frame = make("ssd_initial_cp_conference", n, icpc_icpc_id=icpc_id, icpc_icpc_meeting_id=meeting,
                 icpc_s47_enquiry_id=s47_per_cr[sel], icpc_person_id=ctx.person_id[ctx.cr_child[sel]],
                 icpc_cp_plan_id=cp_per_cr[sel], icpc_referral_id=ctx.cr_id[sel],
                 icpc_icpc_transfer_in=flag(r.transfer_in[f]), icpc_icpc_target_date=target,
                 icpc_icpc_date=r.icpc[f], icpc_icpc_outcome_cp_flag=flag(is_cp),
                 icpc_icpc_outcome_json=outcome, icpc_icpc_team=team, icpc_icpc_worker_id=worker)
    per_cr = np.full(len(fr), None, dtype=object)
    per_cr[sel] = icpc_id
    return frame, per_cr
