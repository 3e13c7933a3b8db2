"""Child protection for the random bulk: CP plans, CP visits, CP review conferences, core groups
(extension table) and pre-proceedings (PLO).

Why these rhythms: they mirror the statutory and local standards the measures check (visits every 10
working days, first core group within 10 working days then ~6-weekly, reviews at 3 months then
6-monthly), drawn with realistic slippage, so the measures find a plausible mix of in-time, due-soon
and overdue items."""
from __future__ import annotations

import numpy as np

from csc_compliance.generate.bulk_cin import family_segment_events, to_children, visit_flags
from csc_compliance.generate.cases import Ctx
from csc_compliance.generate.events import join_many, mixture, series
from csc_compliance.generate.frame import Frame, flag, ids, make, seq_ids
from csc_compliance.generate.journeys import SEG_CP
from csc_compliance.generate.workcal import NULL, add_months_vec

DAY = np.timedelta64(1, "D")
CATEGORIES = np.array(["Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse",
                       "Multiple: Neglect, Emotional abuse"], dtype=object)
CATEGORY_P = [0.5, 0.33, 0.08, 0.04, 0.05]


def cp_plan_ids(ctx: Ctx) -> tuple[np.ndarray, np.ndarray]:
    """The child CP plans (indices into the child segments) and their ids; the conferences name them."""
    idx = np.flatnonzero(ctx.cs_kind == SEG_CP)
    return idx, ids("CPP", np.arange(1, len(idx) + 1), 7)


def cp_plans(ctx: Ctx, icpc_per_cr: np.ndarray, idx: np.ndarray, plan_id: np.ndarray) -> Frame:
    rng = ctx.rng
    n = len(idx)
    # siblings share the category decided at the conference
    fam_cat = CATEGORIES[rng.choice(len(CATEGORIES), size=len(ctx.world.segments.fr), p=CATEGORY_P)]
    initial = fam_cat[ctx.cs_seg[idx]]
    latest = np.where(rng.random(n) < 0.1, CATEGORIES[rng.choice(len(CATEGORIES), size=n, p=CATEGORY_P)], initial)
    fr = ctx.cr_fr[ctx.cs_cr[idx]]
    f = make("ssd_cp_plans", n, cppl_cp_plan_id=plan_id, cppl_referral_id=ctx.cr_id[ctx.cs_cr[idx]],
             cppl_icpc_id=icpc_per_cr[ctx.cs_cr[idx]], cppl_person_id=ctx.person_id[ctx.cs_child[idx]],
             cppl_cp_plan_start_date=ctx.cs_start[idx], cppl_cp_plan_end_date=ctx.cens(ctx.cs_end[idx]),
             cppl_cp_plan_initial_category=initial, cppl_cp_plan_ola=flag(ctx.world.referrals.transfer_in[fr]),
             cppl_cp_plan_latest_category=latest)
    return f


def _plan_id_of(ctx: Ctx, plan_idx, plan_id, cs):
    pid = np.full(len(ctx.cs_kind), None, dtype=object)
    pid[plan_idx] = plan_id
    return pid[cs]


def cp_visits(ctx: Ctx, plan_idx, plan_id) -> Frame:
    seg, day = family_segment_events(ctx, SEG_CP, mixture((0.8, 1, 8), (0.2, 9, 14)),
                                     mixture((0.72, 3, 10), (0.2, 11, 14), (0.08, 15, 25)), 3, "wd",
                                     ctx.profile.extra_visit_rate)
    cs, d, _ = to_children(ctx, seg, day)
    seen, alone, bedroom = visit_flags(ctx, cs, d, 0.9, 0.55, 0.7)
    return make("ssd_cp_visits", len(cs), cppv_cp_visit_id=seq_ids("CPV", len(cs), 8),
                cppv_person_id=ctx.person_id[ctx.cs_child[cs]], cppv_cp_plan_id=_plan_id_of(ctx, plan_idx, plan_id, cs),
                cppv_cp_visit_date=d, cppv_cp_visit_seen=seen, cppv_cp_visit_seen_alone=alone,
                cppv_cp_visit_bedroom=bedroom)


def cp_reviews(ctx: Ctx, plan_idx, plan_id) -> Frame:
    """Review conferences: first due 3 months after the plan start, then 6 months after the last."""
    rng, s, D, vc = ctx.rng, ctx.world.segments, ctx.D, ctx.vc
    seg = np.flatnonzero((s.kind == SEG_CP) & (s.start <= D))
    limit = np.fmin(s.end[seg], D)
    due = add_months_vec(s.start[seg], 3)
    active = np.ones(len(seg), dtype=bool)
    out_seg, out_due, out_held = [], [], []
    for _ in range(40):
        n = len(seg)
        late = rng.random(n) < 0.12
        held = np.where(late, due + rng.integers(1, 31, n) * DAY, due - rng.integers(0, 11, n) * DAY)
        held = vc.to_working_day(np.maximum(held, s.start[seg] + 20 * DAY))
        ok = active & (held <= limit)
        if not ok.any():
            break
        out_seg.append(seg[ok])
        out_due.append(due[ok])
        out_held.append(held[ok])
        active = ok
        due = add_months_vec(held, 6)
    fseg = np.concatenate(out_seg) if out_seg else np.array([], dtype=np.int64)
    fdue = np.concatenate(out_due) if out_due else np.array([], dtype="datetime64[D]")
    fheld = np.concatenate(out_held) if out_held else np.array([], dtype="datetime64[D]")
    meeting = ids("RMT", np.arange(1, len(fseg) + 1), 7)
    cs, d, ev = to_children(ctx, fseg, fheld, floor=False)
    n = len(cs)
    continue_cp = s.end[ctx.cs_seg[cs]] > d + DAY
    return make("ssd_cp_reviews", n, cppr_cp_review_id=seq_ids("CPR", n, 7),
                cppr_person_id=ctx.person_id[ctx.cs_child[cs]], cppr_cp_plan_id=_plan_id_of(ctx, plan_idx, plan_id, cs),
                cppr_cp_review_due=fdue[ev], cppr_cp_review_date=d, cppr_cp_review_meeting_id=meeting[ev],
                cppr_cp_review_outcome_continue_cp=flag(continue_cp),
                cppr_cp_review_quorate=flag(rng.random(n) < 0.95),
                cppr_cp_review_participation=flag(rng.random(n) < 0.6))


def core_groups(ctx: Ctx, plan_idx, plan_id) -> Frame:
    """First core group within 10 working days of the plan (mostly), then about every 6 weeks."""
    rng, s, D, vc = ctx.rng, ctx.world.segments, ctx.D, ctx.vc
    seg = np.flatnonzero((s.kind == SEG_CP) & (s.start <= D) & (rng.random(len(s.kind)) >= 0.03))
    first = vc.add_wd(s.start[seg], mixture((0.85, 2, 10), (0.15, 11, 20))(rng, len(seg)))
    end = np.fmin(s.end[seg], D)
    owner, day = series(rng, first - DAY, end, mixture((1.0, 1, 1)),
                        mixture((0.8, 28, 42), (0.15, 43, 60), (0.05, 61, 100)), 28)
    cs, d, ev = to_children(ctx, seg[owner], day)
    fr = ctx.cr_fr[ctx.cs_cr[cs]]
    worker, team = ctx.worker_at(fr, d)
    return make("ssd_ext_core_groups", len(cs), cogr_core_group_id=seq_ids("CG", len(cs), 8),
                cogr_person_id=ctx.person_id[ctx.cs_child[cs]], cogr_cp_plan_id=_plan_id_of(ctx, plan_idx, plan_id, cs),
                cogr_meeting_date=d, cogr_team=team, cogr_worker_id=worker)


def pre_proceedings(ctx: Ctx) -> Frame:
    """Pre-proceedings for some families on long CP plans: one row per child, the family id shared.
    A few are planted still running past 16 and past 26 weeks."""
    rng, s, D, vc = ctx.rng, ctx.world.segments, ctx.D, ctx.vc
    dur = (s.end - s.start).astype(np.int64)
    cand = np.flatnonzero((s.kind == SEG_CP) & (dur > 150) & (s.start <= D - 60 * DAY))
    chosen = cand[rng.random(len(cand)) < 0.18]
    span = np.minimum(dur[chosen] - 30, 400)
    decision = s.start[chosen] + rng.integers(60, np.maximum(span, 61)) * DAY
    # plant a few families still in pre-proceedings at D: past 16 weeks, and past 26 weeks
    open_at_d = np.flatnonzero((s.kind == SEG_CP) & (s.start <= D - 400 * DAY) & (s.end > D))
    open_at_d = np.setdiff1d(open_at_d, chosen)
    k = min(len(open_at_d), max(4, len(chosen) // 12))
    forced = rng.permutation(open_at_d)[:k]
    forced_dec = D - np.where(np.arange(k) % 2 == 0, rng.integers(215, 260, k), rng.integers(150, 170, k)) * DAY
    chosen = np.concatenate([chosen, forced])
    decision = np.concatenate([decision, forced_dec])
    forced_mask = np.r_[np.zeros(len(chosen) - k, bool), np.ones(k, bool)]
    keep = decision <= D
    chosen, decision, forced_mask = chosen[keep], decision[keep], forced_mask[keep]
    n = len(chosen)
    letter = decision + rng.integers(2, 15, n) * DAY
    meeting = vc.to_working_day(letter + rng.integers(5, 15, n) * DAY)
    outcome_day = meeting + mixture((0.3, 40, 111), (0.4, 112, 182), (0.3, 183, 300))(rng, n) * DAY
    outcome_day = np.where(forced_mask, NULL, outcome_day)
    issue = rng.random(n) < 0.45
    concluded = ~np.isnat(outcome_day) & (outcome_day <= D)
    fam_ids = ids("PLO", np.arange(1, n + 1), 6)
    # to children: the children of the family on this CP plan
    ev, cs = join_many(chosen, ctx.cs_seg)
    keep = ctx.cs_kind[cs] == SEG_CP
    ev, cs = ev[keep], cs[keep]
    m = len(ev)
    child = ctx.cs_child[cs]
    order = np.lexsort((decision[ev].astype(np.int64), child))
    ev, cs, child = ev[order], cs[order], child[order]
    conc = concluded[ev]
    iss = issue[ev] & conc
    outcome = np.where(conc, np.where(iss, "Decision to Issue Care Proceedings", "Decision to step down"), None)
    court = np.where(iss, ids("ZZ26C", rng.integers(0, 99999, m), 5), None)
    n_meet = np.clip(((np.fmin(np.where(np.isnat(outcome_day[ev]), D, outcome_day[ev]), D) - meeting[ev])
                      .astype(np.int64) // 42), 0, None)
    f = make("ssd_pre_proceedings", m, prep_table_id=seq_ids("PREP", m, 6), prep_person_id=ctx.person_id[child],
             prep_plo_family_id=fam_ids[ev], prep_pre_pro_decision_date=decision[ev],
             prep_initial_pre_pro_meeting_date=ctx.cens(meeting[ev]), prep_pre_pro_outcome=outcome,
             prep_agree_stepdown_issue_date=np.where(conc, outcome_day[ev], NULL),
             prep_cp_plans_referral_period=np.ones(m, dtype=np.int64).astype(object),
             prep_legal_gateway_outcome=np.full(m, "Agreed to enter pre-proceedings", dtype=object),
             prep_prev_pre_proc_child=(rng.random(m) < 0.1).astype(np.int64).astype(object),
             prep_prev_care_proc_child=(rng.random(m) < 0.05).astype(np.int64).astype(object),
             prep_pre_pro_letter_date=ctx.cens(letter[ev]),
             prep_care_pro_letter_date=np.where(iss, outcome_day[ev] - rng.integers(0, 8, m) * DAY, NULL),
             prep_pre_pro_meetings_num=n_meet.astype(object),
             prep_pre_pro_parents_legal_rep=flag(rng.random(m) < 0.85),
             prep_parents_legal_rep_point_of_issue=np.where(iss, flag(rng.random(m) < 0.9), -1).astype(np.int8),
             prep_court_reference=court,
             prep_care_proc_court_hearings=np.where(iss, rng.integers(0, 4, m), None).astype(object),
             prep_care_proc_short_notice=np.where(iss, flag(rng.random(m) < 0.1), -1).astype(np.int8),
             prep_la_inital_plan_approved=np.where(iss, 1, -1).astype(np.int8),
             prep_la_initial_care_plan=np.where(iss, "Interim care order, placement with foster carers", None))
    return f
