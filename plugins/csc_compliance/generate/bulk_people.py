"""People and organisation tables of the random bulk: ssd_person, ssd_family, ssd_department,
ssd_professionals, ssd_involvements and ssd_ext_supervisions.

Why together: they all come from the same two sources, the children (with their families) and the
allocation pieces; the allocated-worker involvements are what attribution reads, so they are written
with the role spellings authorities really use ("ALLOCATED CASE WORKER", "CW", odd case/whitespace)
alongside roles that are not allocations (family support workers, personal advisors)."""
from __future__ import annotations

import numpy as np

from csc_compliance.generate import names
from csc_compliance.generate.cases import Ctx, team_ids
from csc_compliance.generate.events import join_many, mixture, series
from csc_compliance.generate.frame import Frame, flag, ids, make, seq_ids
from csc_compliance.generate.organisation import department_rows, team_name
from csc_compliance.generate.workcal import NULL

ALLOCATED_ROLES = np.array(["ALLOCATED CASE WORKER", "CW", "Allocated Case Worker", " cw", "CW ",
                            "allocated case worker", "Allocated Case Worker "], dtype=object)
ALLOCATED_ROLE_P = [0.40, 0.35, 0.12, 0.04, 0.03, 0.03, 0.03]
ETHNICITY = np.array(["WBRI", "WIRI", "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
                      "AOTH", "BCRB", "BAFR", "BOTH", "CNHE", "OOTH", "REFU", "NOBT"], dtype=object)
ETHNICITY_P = np.array([0.66, 0.01, 0.05, 0.03, 0.01, 0.02, 0.03, 0.01, 0.04, 0.01, 0.01, 0.02, 0.04,
                        0.01, 0.005, 0.01, 0.005, 0.04])


def person(ctx: Ctx) -> Frame:
    rng, D, ch = ctx.rng, ctx.D, ctx.world.children
    n = len(ch.fam)
    nhs = 9_990_000_000 + rng.choice(9_999_999, size=n, replace=False)  # 999 range: NHS test numbers
    nhs_s = np.array([str(x) for x in nhs], dtype=object)
    age = (D - ch.dob).astype(np.int64) / 365.25
    born = ch.dob <= D
    upn_digits = rng.integers(10**11, 10**12, n)
    upn = np.array([f"X{x}" for x in upn_digits], dtype=object)  # X...: not a real UPN check letter
    upn = np.where(born & (age >= 4.0), upn, None)
    upn_unknown = np.where(born & (age < 4.0), "UN1", None)
    gender = np.where(ch.sex == "M", "01", np.where(ch.sex == "F", "02", "00")).astype(object)
    mother = (ch.sex == "F") & (age >= 15) & (rng.random(n) < 0.03)
    nationality = np.where(rng.random(n) < 0.015,
                           np.array(["Afghanistan", "Eritrea", "Sudan", "Albania", "Iran"], dtype=object)[
                               rng.integers(0, 5, n)], None)
    legacy = np.where(rng.random(n) < 0.2, ids("L", rng.integers(100000, 999999, n), 6), None)
    f = make("ssd_person", n,
             pers_person_id=ctx.person_id, pers_sex=ch.sex, pers_gender=gender,
             pers_ethnicity=ETHNICITY[rng.choice(len(ETHNICITY), size=n, p=ETHNICITY_P / ETHNICITY_P.sum())],
             pers_dob=np.where(born, ch.dob, NULL), pers_common_child_id=nhs_s, pers_legacy_id=legacy,
             pers_upn_unknown=upn_unknown, pers_send_flag=flag(rng.random(n) < 0.1),
             pers_expected_dob=ch.expected_dob, pers_is_mother=flag(mother), pers_nationality=nationality,
             pers_upn=upn, pers_forename=names.forenames(rng, n), pers_surname=ctx.surname[ch.fam],
             pers_single_unique_id=nhs_s)
    return f


def family(ctx: Ctx) -> Frame:
    rng, fams, ch = ctx.rng, ctx.world.families, ctx.world.children
    listed = (fams.size >= 2) | (rng.random(len(fams.size)) < 0.5)
    fam_ids = seq_ids("FAM", len(fams.size), 6)
    rows = np.flatnonzero(listed[ch.fam])
    return make("ssd_family", len(rows), fami_table_id=seq_ids("FAMT", len(rows), 7),
                fami_family_id=fam_ids[ch.fam[rows]], fami_person_id=ctx.person_id[rows])


def department() -> Frame:
    from csc_compliance.generate.frame import from_rows
    return from_rows("ssd_department", department_rows())


def professionals(ctx: Ctx, alloc_child: dict) -> Frame:
    """Workers; the caseload is the number of children allocated to each on the last 30 September."""
    wf, D = ctx.wf, ctx.D
    year = int(str(D)[:4])
    sept = np.datetime64(f"{year}-09-30") if D >= np.datetime64(f"{year}-09-30") else np.datetime64(f"{year - 1}-09-30")
    on = (alloc_child["start"] <= sept) & (np.isnat(alloc_child["end"]) | (alloc_child["end"] > sept))
    caseload = np.bincount(alloc_child["worker"][on], minlength=len(wf.prof_id))
    has_cases = np.isin(wf.role, ("sw", "tm", "atm"))
    return make("ssd_professionals", len(wf.prof_id), prof_professional_id=wf.prof_id,
                prof_staff_id=wf.staff_id, prof_professional_name=wf.name,
                prof_social_worker_registration_no=wf.reg_no, prof_professional_job_title=wf.title,
                prof_professional_caseload=np.where(has_cases, caseload, None).astype(object),
                prof_professional_department=np.array([team_name(t) for t in wf.team], dtype=object),
                prof_full_time_equivalency=wf.fte.astype(object),
                prof_agency_worker_flag=flag(wf.agency))


def allocations_by_child(ctx: Ctx) -> dict:
    """Allocation pieces copied to each child of the family, stopping at the child's 18th birthday;
    only what started by the reporting date."""
    a, ch = ctx.alloc, ctx.world.children
    piece, cr = join_many(a.fr, ctx.cr_fr)
    child = ctx.cr_child[cr]
    start = a.start[piece]
    end = np.fmin(a.end[piece], ch.bday18[child])
    keep = (start <= ctx.D) & (start < ch.bday18[child])
    piece, cr, child, start, end = piece[keep], cr[keep], child[keep], start[keep], end[keep]
    order = np.lexsort((start.astype(np.int64), child))
    piece, cr, child, start, end = piece[order], cr[order], child[order], start[order], end[order]
    return {"piece": piece, "cr": cr, "child": child, "start": start, "end": end,
            "worker": a.worker[piece], "team": a.team[piece]}


def involvements(ctx: Ctx, ac: dict, extra: list[Frame]) -> Frame:
    rng = ctx.rng
    n = len(ac["piece"])
    role = ALLOCATED_ROLES[rng.choice(len(ALLOCATED_ROLES), size=n, p=ALLOCATED_ROLE_P)]
    reason = ctx.alloc.change_reason[ac["piece"]]
    # the first child of a family gets the free-text reason; siblings' records say the code
    main = make("ssd_involvements", n,
                invo_professional_id=ctx.wf.prof_id[ac["worker"]], invo_professional_role_id=role,
                invo_professional_team=team_ids()[ac["team"]], invo_involvement_start_date=ac["start"],
                invo_involvement_end_date=ctx.cens(ac["end"]), invo_worker_change_reason=reason,
                invo_person_id=ctx.person_id[ac["child"]], invo_referral_id=ctx.cr_id[ac["cr"]])
    fsw = _family_support(ctx)
    from csc_compliance.generate.frame import concat
    out = concat("ssd_involvements", [main, fsw] + extra)
    order = np.lexsort((out["invo_involvement_start_date"].astype(np.int64), out["invo_person_id"].astype(str)))
    out = {k: v[order] for k, v in out.items()}
    out["invo_involvements_id"] = seq_ids("INV", len(order), 8)
    return out


def _family_support(ctx: Ctx) -> Frame:
    """Family support workers on some CIN and CP plans: an involvement that is not an allocation."""
    rng, a = ctx.rng, ctx.alloc
    cand = np.flatnonzero((a.seg_kind == 0) | (a.seg_kind == 1))
    cand = cand[rng.random(len(cand)) < 0.3]
    start = a.start[cand] + rng.integers(5, 40, len(cand)) * np.timedelta64(1, "D")
    keep = (start <= ctx.D) & (np.isnat(a.end[cand]) | (start < a.end[cand]))
    cand, start = cand[keep], start[keep]
    workers = np.array([ctx.wf.members(int(t), "fsw")[0] if len(ctx.wf.members(int(t), "fsw")) else -1
                        for t in a.team[cand]])
    ok = workers >= 0
    cand, start, workers = cand[ok], start[ok], workers[ok]
    piece, cr = join_many(a.fr[cand], ctx.cr_fr)
    ch = ctx.world.children
    child = ctx.cr_child[cr]
    s = start[piece]
    e = np.fmin(a.end[cand][piece], ch.bday18[child])
    keep = s < ch.bday18[child]
    piece, cr, child, s, e = piece[keep], cr[keep], child[keep], s[keep], e[keep]
    roles = np.array(["Family Support Worker", "FAMILY SUPPORT WORKER", "Family Support"], dtype=object)
    return make("ssd_involvements", len(piece), invo_professional_id=ctx.wf.prof_id[workers[piece]],
                invo_professional_role_id=roles[rng.choice(3, size=len(piece), p=[0.7, 0.2, 0.1])],
                invo_professional_team=team_ids()[a.team[cand][piece]], invo_involvement_start_date=s,
                invo_involvement_end_date=ctx.cens(e), invo_person_id=ctx.person_id[child],
                invo_referral_id=ctx.cr_id[cr])


def supervisions(ctx: Ctx) -> Frame:
    """Case supervision about monthly while a case is planned (CIN, CP, care), by the team manager;
    usually recorded the same day, otherwise within 5 working days (recordings later than that are
    planted as recording gaps, gaps.py, so every one is listed); some cases fall behind."""
    rng, a, D, vc = ctx.rng, ctx.alloc, ctx.D, ctx.vc
    planned = np.flatnonzero(a.seg_kind >= 0)
    end = np.where(np.isnat(a.end[planned]) | (a.end[planned] > D), D, a.end[planned])
    owner, day = series(rng, a.start[planned], end, mixture((0.9, 5, 30), (0.1, 31, 60)),
                        mixture((0.85, 20, 33), (0.12, 34, 60), (0.03, 61, 120)), min_gap=20)
    piece = planned[owner]
    ev, cr = join_many(a.fr[piece], ctx.cr_fr)
    child = ctx.cr_child[cr]
    ch = ctx.world.children
    d = day[ev]
    keep = (d < ch.bday18[child]) & (d >= ctx.W)
    ev, cr, child, d = ev[keep], cr[keep], child[keep], d[keep]
    lag = mixture((0.82, 0, 0), (0.18, 1, 5))(rng, len(d))
    recorded = np.where(lag == 0, d, vc.add_wd(d, np.maximum(lag, 1)))
    keep = recorded <= D
    ev, cr, child, d, recorded = ev[keep], cr[keep], child[keep], d[keep], recorded[keep]
    p = piece[ev]
    tm = np.array([ctx.wf.members(t, "tm")[0] for t in range(9)])
    order = np.lexsort((d.astype(np.int64), child))
    f = make("ssd_ext_supervisions", len(d), supv_person_id=ctx.person_id[child], supv_supervision_date=d,
             supv_recorded_date=recorded, supv_supervisor_id=ctx.wf.prof_id[tm[a.team[p]]],
             supv_worker_id=ctx.wf.prof_id[a.worker[p]])
    f = {k: v[order] for k, v in f.items()}
    f["supv_supervision_id"] = seq_ids("SUP", len(d), 8)
    return f
