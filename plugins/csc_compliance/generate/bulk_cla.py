"""Looked-after children and care leavers for the random bulk: periods of care split into episodes,
placements, visits, reviews, care plans, and care leavers.

Why periods split into episodes: the SSD (like the SSDA903 return) starts a new episode at every
placement or legal-status change, so an episode's own start is not the start of care; the measures
must group episodes by `clae_cla_id` and read `clae_entered_care_date`. The generator therefore writes
several episodes per period, each naming its placement through `clae_cla_placement_id`."""
from __future__ import annotations

import numpy as np

from csc_compliance.generate.cases import Ctx, team_ids
from csc_compliance.generate.events import covering_interval, explode, latest_on_or_before, mixture, series
from csc_compliance.generate.formats import for_json
from csc_compliance.generate.frame import Frame, flag, ids, make, seq_ids
from csc_compliance.generate.journeys import CLA_END_CODES, SEG_CLA
from csc_compliance.generate.workcal import NULL, add_months_vec

DAY = np.timedelta64(1, "D")
PLACEMENT_TYPES = np.array(["U1", "U2", "U3", "U4", "U5", "U6", "K2", "R1", "H5", "P1", "A5"], dtype=object)
FIRST_TYPE_P = [0.04, 0.02, 0.14, 0.06, 0.03, 0.40, 0.12, 0.03, 0.06, 0.06, 0.04]
LATER_TYPE_P = [0.20, 0.01, 0.06, 0.28, 0.02, 0.22, 0.10, 0.01, 0.06, 0.02, 0.02]
CHANGE_REASONS = np.array(["CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ",
                           "PLACE", "OTHER"], dtype=object)
FREE_REASONS = np.array(['Carer unable to continue, "short notice", moved to a new carer',
                         "Move to long-term carers, matched at panel\nplanned transition over two weeks",
                         "Placement ended: allegation, strategy meeting held"], dtype=object)
PLAN_KEYS = ["REMAINSUP", "RETURN1M", "RETURN6M", "RETURNEV", "LTRELFR", "LTFOST18", "RESPLMT", "SUPPLIV",
             "ADOPTION", "OTHERPLN"]


class Cla:
    """Per child period of care: ids and the derived placements/episodes, shared by the table builders."""

    def __init__(self, ctx: Ctx):
        rng, D = ctx.rng, ctx.D
        self.ctx = ctx
        self.idx = np.flatnonzero(ctx.cs_kind == SEG_CLA)
        n = len(self.idx)
        self.n = n
        self.id = ids("CLA", np.arange(1, n + 1), 7)
        self.start = ctx.cs_start[self.idx]
        self.end = ctx.cs_end[self.idx]            # planned
        self.limit = np.fmin(self.end, D)          # events happen up to here
        self.child = ctx.cs_child[self.idx]
        self.cr = ctx.cs_cr[self.idx]
        self.at18 = ctx.cs_ended_at_18[self.idx]
        code = ctx.cs_cla_code[self.idx]
        end_code = CLA_END_CODES[np.clip(code, 0, 5)].astype(object)
        end_code[self.at18] = np.array(["E17", "E5", "E6", "E8"], dtype=object)[
            rng.choice(4, size=int(self.at18.sum()), p=[0.4, 0.3, 0.2, 0.1])]
        self.end_code = end_code
        self._placements()

    def _placements(self):
        rng = self.ctx.rng
        dur = np.maximum((self.limit - self.start).astype(np.int64), 0)
        n_moves = np.minimum(rng.poisson(dur / 365.25 * 0.6), 6)
        n_moves = np.where(dur > 40, n_moves, 0)
        parent, pos = explode(n_moves + 1)
        offset = np.where(pos == 0, 0, rng.uniform(0.02, 1.0, len(parent)) * np.maximum(dur[parent] - 1, 1))
        offset = np.floor(offset).astype(np.int64)
        order = np.lexsort((offset, parent))
        parent, offset = parent[order], offset[order]
        dup = np.r_[False, (parent[1:] == parent[:-1]) & (offset[1:] == offset[:-1])]
        parent, offset = parent[~dup], offset[~dup]
        start = self.start[parent] + offset * DAY
        nxt = np.r_[parent[1:] == parent[:-1], False]
        end = np.where(nxt, np.r_[start[1:], NULL], self.end[parent])
        first = np.r_[True, parent[1:] != parent[:-1]]
        later = start >= add_months_vec(self.start[parent], 12)
        p_first, p_later = np.array(FIRST_TYPE_P), np.array(LATER_TYPE_P)
        t1 = rng.choice(len(PLACEMENT_TYPES), size=len(parent), p=p_first / p_first.sum())
        t2 = rng.choice(len(PLACEMENT_TYPES), size=len(parent), p=p_later / p_later.sum())
        self.pl_parent, self.pl_start, self.pl_end = parent, start, end
        self.pl_type = PLACEMENT_TYPES[np.where(later & ~first, t2, t1)]
        self.pl_has_next = nxt
        self.pl_id = ids("PLC", np.arange(1, len(parent) + 1), 7)

    # ---------------------------------------------------------------------------------------------
    def placements(self) -> Frame:
        ctx, rng = self.ctx, self.ctx.rng
        m = len(self.pl_parent)
        ended = ~np.isnat(ctx.cens(self.pl_end))
        reason = np.where(self.pl_has_next & ended, CHANGE_REASONS[rng.integers(0, len(CHANGE_REASONS), m)], None)
        free = np.flatnonzero((reason != None) & (rng.random(m) < 0.04))  # noqa: E711
        reason[free] = FREE_REASONS[rng.integers(0, len(FREE_REASONS), len(free))]
        home = np.isin(self.pl_type, ("K2", "R1", "H5"))
        urn = np.where(home, ids("SC", rng.integers(0, 999999, m), 6), None)
        letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)
        postcode = ("ZZ99 " + rng.integers(1, 10, m).astype(str).astype(object)
                    + letters[rng.integers(0, 20, m)] + letters[rng.integers(0, 20, m)])
        provider = np.array(["PR1", "PR2", "PR4", "PR5"], dtype=object)[rng.choice(4, size=m, p=[0.5, 0.1, 0.35, 0.05])]
        provider[self.pl_type == "P1"] = "PR0"
        return make("ssd_cla_placement", m, clap_cla_placement_id=self.pl_id,
                    clap_cla_placement_start_date=self.pl_start, clap_cla_placement_type=self.pl_type,
                    clap_cla_placement_urn=urn,
                    clap_cla_placement_distance=np.round(rng.gamma(2.0, 6.0, m), 1).astype(object),
                    clap_cla_id=self.id[self.pl_parent], clap_cla_placement_provider=provider,
                    clap_cla_placement_postcode=postcode, clap_cla_placement_end_date=ctx.cens(self.pl_end),
                    clap_cla_placement_change_reason=reason, clap_person_id=ctx.person_id[self.child[self.pl_parent]])

    def episodes(self, review_owner: np.ndarray, review_day: np.ndarray) -> Frame:
        ctx, rng = self.ctx, self.ctx.rng
        # legal-status changes inside a placement start an episode of their own
        dur = np.maximum((self.limit - self.start).astype(np.int64), 0)
        legal = np.flatnonzero((rng.random(self.n) < 0.3) & (dur > 60))
        legal_day = self.start[legal] + rng.integers(30, np.maximum(dur[legal], 31)) * DAY
        p = np.concatenate([self.pl_parent, legal])
        day = np.concatenate([self.pl_start, legal_day])
        kind = np.concatenate([np.zeros(len(self.pl_parent), np.int8), np.ones(len(legal), np.int8)])
        order = np.lexsort((kind, day.astype(np.int64), p))
        p, day, kind = p[order], day[order], kind[order]
        dup = np.r_[False, (p[1:] == p[:-1]) & (day[1:] == day[:-1])]
        p, day, kind = p[~dup], day[~dup], kind[~dup]
        nxt = np.r_[p[1:] == p[:-1], False]
        end = np.where(nxt, np.r_[day[1:], NULL], self.end[p])
        first = np.r_[True, p[1:] != p[:-1]]
        m = len(p)
        reason = np.where(first, "S", np.where(kind == 1, "L", np.array(["P", "T", "B"], dtype=object)[
            rng.choice(3, size=m, p=[0.8, 0.1, 0.1])])).astype(object)
        ceased = ctx.cens(end)
        ceased_reason = np.where(nxt, "X1", self.end_code[p]).astype(object)
        ceased_reason[np.isnat(ceased)] = None
        pl = covering_interval(self.pl_parent, self.pl_start, self.pl_end, p, day)
        pl_id = np.where(pl >= 0, self.pl_id[np.clip(pl, 0, None)], None)
        iro = latest_on_or_before(review_owner, review_day, p, np.where(np.isnat(ceased), ctx.D, ceased))
        need = ctx.world.referrals.need[ctx.cr_fr[self.cr[p]]]
        return make("ssd_cla_episodes", m, clae_cla_episode_id=seq_ids("CLAE", m, 7),
                    clae_person_id=ctx.person_id[self.child[p]], clae_cla_episode_start_date=day,
                    clae_cla_episode_start_reason=reason, clae_cla_primary_need_code=need,
                    clae_cla_episode_ceased_date=ceased, clae_cla_episode_ceased_reason=ceased_reason,
                    clae_cla_id=self.id[p], clae_referral_id=ctx.cr_id[self.cr[p]], clae_cla_placement_id=pl_id,
                    clae_entered_care_date=self.start[p], clae_cla_last_iro_contact_date=iro)

    def visits(self) -> Frame:
        """About 6-weekly from each placement's start (first within a week, mostly); in long-term
        placements visits thin to about 3-monthly after the first year."""
        ctx, rng = self.ctx, self.ctx.rng
        limit = np.fmin(np.fmin(self.pl_end, self.limit[self.pl_parent]), ctx.D)
        owner, day = series(rng, self.pl_start, limit, mixture((0.85, 1, 7), (0.15, 8, 20)),
                            mixture((0.8, 25, 42), (0.14, 43, 56), (0.06, 57, 90)), 25)
        rate = ctx.profile.extra_visit_rate
        if rate > 0 and len(owner):
            counts = np.bincount(owner, minlength=len(self.pl_parent))
            n_extra = rng.poisson(counts * rate)
            ex = np.repeat(np.arange(len(self.pl_parent)), n_extra)
            span = (limit[ex] - self.pl_start[ex]).astype(np.int64)
            ex_day = self.pl_start[ex] + np.floor(rng.random(len(ex)) * (span + 1)).astype(np.int64) * DAY
            owner, day = np.concatenate([owner, ex]), np.concatenate([day, ex_day])
            order = np.lexsort((day.astype(np.int64), owner))
            owner, day = owner[order], day[order]
        long_term = np.isin(self.pl_type[owner], ("U1", "U4"))
        after_year = day >= add_months_vec(self.pl_start[owner], 12)
        thin = long_term & after_year
        rank = np.cumsum(thin) % 2
        keep = ~thin | (rank == 0)
        keep &= day >= ctx.W
        owner, day = owner[keep], day[keep]
        period = self.pl_parent[owner]
        child = self.child[period]
        order = np.lexsort((day.astype(np.int64), child))
        period, child, day = period[order], child[order], day[order]
        m = len(day)
        ch = ctx.world.children
        age = (day - ch.dob[child]).astype(np.int64) / 365.25
        seen = rng.random(m) < 0.95
        alone = seen & (age >= 4) & (rng.random(m) < 0.6)
        return make("ssd_cla_visits", m, clav_cla_visit_id=seq_ids("CLAV", m, 8), clav_cla_id=self.id[period],
                    clav_person_id=ctx.person_id[child], clav_cla_visit_date=day,
                    clav_cla_visit_seen=flag(seen), clav_cla_visit_seen_alone=flag(alone))

    def reviews(self) -> tuple[Frame, np.ndarray, np.ndarray]:
        """First review within 20 working days of care starting, then at 3 months, then 6-monthly;
        some late, some cancelled and re-held. Returns the frame and (period, day) of held reviews."""
        ctx, rng, vc = self.ctx, self.ctx.rng, self.ctx.vc
        per = np.arange(self.n)
        due = vc.add_wd(self.start, 20)
        active = np.ones(self.n, dtype=bool)
        rows_p, rows_due, rows_day, rows_cancel = [], [], [], []
        for k in range(80):
            late = rng.random(self.n) < 0.1
            held = np.where(late, due + rng.integers(1, 26, self.n) * DAY, due - rng.integers(0, 6, self.n) * DAY)
            held = vc.to_working_day(np.maximum(held, self.start + 5 * DAY))
            ok = active & (held <= self.limit)
            if not ok.any():
                break
            rows_p.append(per[ok])
            rows_due.append(due[ok])
            rows_day.append(held[ok])
            rows_cancel.append(np.zeros(int(ok.sum()), bool))
            cancelled = ok & (rng.random(self.n) < 0.06)
            c_day = np.maximum(held - rng.integers(3, 15, self.n) * DAY, self.start + DAY)
            cancelled &= c_day < held
            rows_p.append(per[cancelled])
            rows_due.append(due[cancelled])
            rows_day.append(c_day[cancelled])
            rows_cancel.append(np.ones(int(cancelled.sum()), bool))
            active = ok
            due = add_months_vec(held, 3 if k == 0 else 6)
        p = np.concatenate(rows_p)
        d_due = np.concatenate(rows_due)
        day = np.concatenate(rows_day)
        cancel = np.concatenate(rows_cancel)
        order = np.lexsort((cancel, day.astype(np.int64), self.child[p]))
        p, d_due, day, cancel = p[order], d_due[order], day[order], cancel[order]
        m = len(p)
        ch = ctx.world.children
        age = (day - ch.dob[self.child[p]]).astype(np.int64) / 365.25
        pn = np.array(["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"], dtype=object)[
            rng.choice(7, size=m, p=[0.45, 0.1, 0.05, 0.05, 0.15, 0.15, 0.05])]
        pn = np.where(age < 4, "PN0", pn)
        frame = make("ssd_cla_reviews", m, clar_cla_review_id=seq_ids("CLAR", m, 7), clar_cla_id=self.id[p],
                     clar_cla_review_due_date=d_due, clar_cla_review_date=day,
                     clar_cla_review_cancelled=flag(cancel), clar_cla_review_participation=pn,
                     clar_cla_person_id=ctx.person_id[self.child[p]])
        return frame, p[~cancel], day[~cancel]

    def care_plans(self) -> Frame:
        """A care plan soon after care starts, revised now and then; a few looked-after children are
        planted with no care plan open at D (none recorded, or the last one closed)."""
        ctx, rng, vc, D = self.ctx, self.ctx.rng, self.ctx.vc, self.ctx.D
        first = vc.add_wd(self.start, rng.integers(1, 13, self.n))
        dur = np.maximum((self.limit - first).astype(np.int64), 0)
        n_rev = np.minimum(rng.poisson(dur / 365.25 * 0.5), 4)
        has = first <= self.limit
        open_at_d = np.isnat(ctx.cens(self.end)) & (self.start <= D)
        none = open_at_d & (rng.random(self.n) < 0.04)
        closed_early = open_at_d & ~none & (rng.random(self.n) < 0.04)
        has &= ~none
        n_plans = np.where(has, n_rev + 1, 0)
        parent, pos = explode(n_plans)
        offset = np.where(pos == 0, 0, np.floor(rng.uniform(0.05, 1.0, len(parent)) * dur[parent]).astype(np.int64))
        order = np.lexsort((offset, parent))
        parent, offset = parent[order], offset[order]
        dup = np.r_[False, (parent[1:] == parent[:-1]) & (offset[1:] == offset[:-1])]
        parent, offset = parent[~dup], offset[~dup]
        start = first[parent] + offset * DAY
        nxt = np.r_[parent[1:] == parent[:-1], False]
        end = np.where(nxt, np.r_[start[1:], NULL], self.end[parent])
        last = ~nxt & closed_early[parent]
        gap = (D - start).astype(np.int64)
        early_end = D - np.minimum(rng.integers(5, 91, len(parent)), np.maximum(gap - 1, 1)) * DAY
        end = np.where(last & (early_end > start), early_end, end)
        m = len(parent)
        ch = ctx.world.children
        age = (start - ch.dob[self.child[parent]]).astype(np.int64) / 365.25
        key = np.where(age >= 15.5, 7, np.where(age < 3, np.where(rng.random(m) < 0.5, 8, 2),
                                                 rng.choice([2, 3, 4, 5, 6], size=m, p=[0.3, 0.15, 0.15, 0.35, 0.05])))
        plan_json = for_json([(k, key == i) for i, k in enumerate(PLAN_KEYS)], m)
        return make("ssd_cla_care_plan", m, lacp_table_id=seq_ids("LACP", m, 7),
                    lacp_person_id=ctx.person_id[self.child[parent]], lacp_cla_care_plan_start_date=start,
                    lacp_cla_care_plan_end_date=ctx.cens(end), lacp_cla_care_plan_json=plan_json)

    def care_leavers(self) -> tuple[Frame, Frame]:
        """Young people who left care at 18 by D and are under 21: one row each (a few have an older
        second row), with their personal advisor; plus the advisors' involvements."""
        ctx, rng, D = self.ctx, self.ctx.rng, self.ctx.D
        ch = ctx.world.children
        left = self.at18 & (self.end <= D)
        age = (D - ch.dob[self.child]).astype(np.int64) / 365.25
        sel = np.flatnonzero(left & (age < 21.0))
        sel = sel[np.argsort(self.child[sel], kind="stable")]
        first_of_child = np.r_[True, self.child[sel][1:] != self.child[sel][:-1]]
        sel = sel[first_of_child]
        n = len(sel)
        child = self.child[sel]
        area = ctx.world.families.area[ch.fam[child]]
        team = area * 3 + 2
        pa = np.array([ctx.wf.members(int(t), "pa")[rng.integers(0, len(ctx.wf.members(int(t), "pa")))]
                       for t in team], dtype=np.int64) if n else np.array([], dtype=np.int64)
        since = (D - self.end[sel]).astype(np.int64)
        back = mixture((0.68, 1, 170), (0.25, 190, 400), (0.07, -1, -1))(rng, n)
        ppr = np.where(back < 0, NULL, D - np.maximum(back, 1) * DAY)
        ppr = np.where(~np.isnat(ppr) & (ppr < self.start[sel]), self.start[sel] + DAY, ppr)
        second = rng.random(n) < 0.06
        rows = np.concatenate([np.arange(n), np.flatnonzero(second)])
        older = np.r_[np.zeros(n, bool), np.ones(int(second.sum()), bool)]
        ppr_rows = ppr[rows].copy()
        ppr_rows[older] = np.where(np.isnat(ppr_rows[older]), NULL, ppr_rows[older] - 200 * DAY)
        order = np.lexsort((older, child[rows]))
        rows, older, ppr_rows = rows[order], older[order], ppr_rows[order]
        m = len(rows)
        contact = D - np.minimum(rng.integers(1, 121, m), np.maximum(since[rows], 1)) * DAY
        frame = make("ssd_care_leavers", m, clea_table_id=seq_ids("CLEA", m, 7),
                     clea_person_id=ctx.person_id[child[rows]], clea_care_leaver_eligibility=np.full(
                         m, "Former Relevant", dtype=object),
                     clea_care_leaver_in_touch=np.array(["YES", "NO", "REFU", "NREQ"], dtype=object)[
                         rng.choice(4, size=m, p=[0.85, 0.08, 0.04, 0.03])],
                     clea_care_leaver_latest_contact=contact,
                     clea_care_leaver_accommodation=np.array(["U", "D", "Z", "B", "E", "T"], dtype=object)[
                         rng.choice(6, size=m, p=[0.3, 0.3, 0.15, 0.1, 0.1, 0.05])],
                     clea_care_leaver_accom_suitable=np.where(rng.random(m) < 0.9, "1", "2").astype(object),
                     clea_care_leaver_activity=np.array(["F1", "F2", "F5", "P5", "G5", "G6"], dtype=object)[
                         rng.choice(6, size=m, p=[0.1, 0.3, 0.2, 0.1, 0.25, 0.05])],
                     clea_pathway_plan_review_date=ppr_rows,
                     clea_care_leaver_personal_advisor=ctx.wf.name[pa[rows]],
                     clea_care_leaver_allocated_team=team_ids()[team[rows]],
                     clea_care_leaver_worker_id=ctx.wf.prof_id[pa[rows]])
        invo = make("ssd_involvements", n, invo_professional_id=ctx.wf.prof_id[pa],
                    invo_professional_role_id=np.full(n, "Personal Advisor", dtype=object),
                    invo_professional_team=team_ids()[team], invo_involvement_start_date=self.end[sel],
                    invo_person_id=ctx.person_id[child], invo_referral_id=ctx.cr_id[self.cr[sel]])
        return frame, invo
