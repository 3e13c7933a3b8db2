"""Planted sentinel children: hand-designed cases whose outcome at the reporting date is known.

Why: the random bulk shows the pipeline runs; the sentinels show it is right. Each sentinel is a child
("SENT0001", ...) with its own ids, an allocated worker in a known team and area (except the one
planted unallocated), no extra plans, and no recording gaps. Its dates are designed relative to as_at
(e.g. "a CP visit 15 working days ago"); then its expected exceptions are computed here, from its own
records, straight from the definitions (docs/measures.md, docs/conventions.md) with this package's calendar
helpers (workcal.add_wd etc.), never with the pipeline's code, so the two are independent.

Each expectation is a dict:
  {"kpi_id", "person_id", "record_id", "status" ("overdue" | "due_soon" | "none"),
   "due_date" (ISO or None), "days_overdue" (int or None), "worker_id", "team_id", "area_id"}
Status "none" means the pipeline must produce no row for that (kpi_id, record_id). Expectations are
given for every (measure, record) of a sentinel in the measure's population (and for a few records
that must not be listed), for ASSESS_45WD, CP_VISIT, NO_CURRENT_PLAN, S47_ICPC_15WD,
CORE_GROUP_FIRST, CORE_GROUP_INTERVAL, CP_REVIEW, CIN_VISIT, CIN_REVIEW, CLA_VISIT, CLA_REVIEW,
PATHWAY_PLAN_REVIEW, UNALLOCATED, MANAGER_HELD and SUPERVISION. The expectations hold for any as_at."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from csc_compliance.generate import names
from csc_compliance.generate.formats import for_json
from csc_compliance.generate.frame import Frame, from_rows
from csc_compliance.generate.organisation import AREAS, T_ASSESS, T_CIC, T_SAFEGUARD, Workforce, team_id
from csc_compliance.generate.workcal import add_months, add_wd, sub_wd

# local standards' defaults (docs/measures.md#local-standards-defaults)
HORIZON_WD = 5
CP_VISIT_WD = 10
CIN_VISIT_WD = 20
CIN_REVIEW_MONTHS = 3
CORE_GROUP_INTERVAL_DAYS = 42
NO_PLAN_GRACE_WD = 10
SUPERVISION_MONTHS = 1
ASSESS_WD = 45
ICPC_WD = 15
LONG_TERM_TYPES = ("U1", "U4")
DAY = dt.timedelta(days=1)

N_SENTINEL_CHILDREN = 31  # people the sentinels add to ssd_person (the bulk is sized to leave room)


def item_status(due: dt.date | None, D: dt.date) -> tuple[str, int | None]:
    """docs/conventions.md#status: overdue if D > due (no due date: overdue); due_soon if
    D <= due <= add_wd(D, 5); else not listed ("none")."""
    if due is None:
        return "overdue", None
    if D > due:
        return "overdue", (D - due).days
    if due <= add_wd(D, HORIZON_WD):
        return "due_soon", None
    return "none", None


def is_open(start: dt.date | None, end: dt.date | None, D: dt.date) -> bool:
    """docs/conventions.md#open-at-d: start <= D and (end is null or end > D)."""
    return start is not None and start <= D and (end is None or end > D)


def _json(parts: list[tuple[str, object]]) -> str:
    arrays = []
    for key, value in parts:
        if isinstance(value, bool):
            arrays.append((key, np.array([value])))
        elif isinstance(value, int):
            arrays.append((key, np.array([value], dtype=np.int64)))
        else:
            arrays.append((key, np.array([value], dtype=object)))
    return str(for_json(arrays, 1)[0])


S47_JSON_KEYS = ["NFA_FLAG", "LEGAL_ACTION_FLAG", "PROV_OF_SERVICES_FLAG", "PROV_OF_SB_CARE_FLAG",
                 "CP_CONFERENCE_FLAG", "NFA_CONTINUE_SINGLE_FLAG", "MONITOR_FLAG", "OTHER_OUTCOMES_EXIST_FLAG"]
ASM_JSON_KEYS = ["NFA_FLAG", "NFA_S47_END_FLAG", "STRATEGY_DISCUSSION_FLAG", "CLA_REQUEST_FLAG",
                 "PRIVATE_FOSTERING_FLAG", "LEGAL_ACTION_FLAG", "PROV_OF_SERVICES_FLAG", "PROV_OF_SB_CARE_FLAG",
                 "SPECIALIST_ASSESSMENT_FLAG", "REFERRAL_TO_OTHER_AGENCY_FLAG", "OTHER_ACTIONS_FLAG",
                 "OTHER_OUTCOMES_EXIST_FLAG"]
REFERRAL_JSON_KEYS = ["SINGLE_ASSESSMENT_FLAG", "NFA_FLAG", "STRATEGY_DISCUSSION_FLAG", "CLA_REQUEST_FLAG",
                      "NON_AGENCY_ADOPTION_FLAG", "PRIVATE_FOSTERING_FLAG", "CP_TRANSFER_IN_FLAG",
                      "CP_CONFERENCE_FLAG", "CARE_LEAVER_FLAG", "OTHER_OUTCOMES_EXIST_FLAG"]
CARE_PLAN_KEYS = ["REMAINSUP", "RETURN1M", "RETURN6M", "RETURNEV", "LTRELFR", "LTFOST18", "RESPLMT", "SUPPLIV",
                  "ADOPTION", "OTHERPLN"]


@dataclass
class Kid:
    """What a sentinel child's records say, kept alongside the rows to compute expectations from."""
    pid: str
    who: tuple[str, str, str] | None = None         # allocated worker at D: (worker, team, area)
    manager: bool = False
    referrals: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    s47: list[dict] = field(default_factory=list)
    icpc_s47_ids: list[str] = field(default_factory=list)
    cin_plans: list[dict] = field(default_factory=list)
    cin_visits: list[tuple[dt.date, bool]] = field(default_factory=list)
    cp_plans: list[dict] = field(default_factory=list)
    cla: list[dict] = field(default_factory=list)
    supervisions: list[dt.date] = field(default_factory=list)
    care_leaver: list[dict] = field(default_factory=list)
    extra_none: list[tuple[str, str]] = field(default_factory=list)  # (kpi, record) that must not be listed


class Sentinels:
    def __init__(self, D: dt.date, wf: Workforce, rng: np.random.Generator):
        self.D, self.wf, self.rng = D, wf, rng
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.kids: list[Kid] = []
        self._counters: dict[str, int] = defaultdict(int)

    # ---- who ---------------------------------------------------------------------------------
    def worker(self, area: int, ttype: int, nth: int = 1, role: str = "sw") -> tuple[str, str, str]:
        """(worker id, team id, area id) of a named member of a team. Social worker 0 of a team may be
        the planted high-caseload worker, so sentinels use later ones."""
        team = area * 3 + ttype
        members = self.wf.members(team, role)
        w = int(members[min(nth, len(members) - 1)])
        return str(self.wf.prof_id[w]), team_id(area, ttype), AREAS[area][0]

    def rid(self, pid: str, kind: str) -> str:
        self._counters[pid + kind] += 1
        return f"{pid}{kind}{self._counters[pid + kind]}"

    # ---- record builders (each writes the SSD rows and notes what they say on the Kid) ------------
    def child(self, age_years: int, sex: str = "F") -> Kid:
        n = len(self.kids) + 1
        kid = Kid(f"SENT{n:04d}")
        self.kids.append(kid)
        self.rows["ssd_person"].append({
            "pers_person_id": kid.pid, "pers_sex": sex, "pers_gender": "02" if sex == "F" else "01",
            "pers_ethnicity": "WBRI", "pers_dob": dt.date(self.D.year - age_years, 3, 15),
            "pers_common_child_id": f"99999{n:05d}", "pers_send_flag": False, "pers_is_mother": False,
            "pers_upn": f"X9999999{n:05d}", "pers_forename": str(names.forenames(self.rng, 1)[0]),
            "pers_surname": str(names.surnames(self.rng, 1)[0]), "pers_single_unique_id": f"99999{n:05d}"})
        return kid

    def allocate(self, kid: Kid, ref_id: str, start: dt.date, who, role: str = "ALLOCATED CASE WORKER",
                 end: dt.date | None = None, manager: bool = False):
        self.rows["ssd_involvements"].append({
            "invo_involvements_id": self.rid(kid.pid, "INV"), "invo_professional_id": who[0],
            "invo_professional_role_id": role, "invo_professional_team": who[1],
            "invo_involvement_start_date": start, "invo_involvement_end_date": end, "invo_person_id": kid.pid,
            "invo_referral_id": ref_id})
        if end is None:
            kid.who, kid.manager = who, manager

    def referral(self, kid: Kid, date: dt.date, who, close: dt.date | None = None) -> str:
        ref_id = self.rid(kid.pid, "R")
        self.rows["ssd_cin_episodes"].append({
            "cine_referral_id": ref_id, "cine_person_id": kid.pid, "cine_referral_date": date,
            "cine_cin_primary_need_code": "N1", "cine_referral_source_code": "2A",
            "cine_referral_source_desc": "Schools",
            "cine_referral_outcome_json": _json([(k, k == "SINGLE_ASSESSMENT_FLAG") for k in REFERRAL_JSON_KEYS]),
            "cine_referral_nfa": False, "cine_close_date": close, "cine_close_reason": "RC7" if close else None,
            "cine_referral_team": who[1], "cine_referral_worker_id": who[0]})
        kid.referrals.append({"id": ref_id, "date": date, "close": close, "team": who[1], "worker": who[0]})
        return ref_id

    def assessment(self, kid: Kid, ref_id: str, start: dt.date, auth: dt.date | None, who, nfa: bool = False) -> str:
        asm_id = self.rid(kid.pid, "A")
        outcome = None
        if auth is not None:
            outcome = _json([(k, nfa if k == "NFA_FLAG" else (not nfa) if k == "PROV_OF_SERVICES_FLAG" else False)
                             for k in ASM_JSON_KEYS] + [("TOTAL_NO_OF_OUTCOMES", 1), ("COMMENTS", "")])
        self.rows["ssd_cin_assessments"].append({
            "cina_assessment_id": asm_id, "cina_person_id": kid.pid, "cina_referral_id": ref_id,
            "cina_assessment_start_date": start, "cina_assessment_child_seen": True,
            "cina_assessment_auth_date": auth, "cina_assessment_outcome_json": outcome,
            "cina_assessment_outcome_nfa": None if auth is None else nfa,
            "cina_assessment_team": who[1], "cina_assessment_worker_id": who[0]})
        kid.assessments.append({"id": asm_id, "ref_id": ref_id, "start": start, "auth": auth, "nfa": nfa})
        return asm_id

    def s47(self, kid: Kid, ref_id: str, start: dt.date, who, end: dt.date | None = None, nfa: bool = False,
            conference: bool = True) -> str:
        s47_id = self.rid(kid.pid, "S")
        done = end is not None
        self.rows["ssd_s47_enquiry"].append({
            "s47e_s47_enquiry_id": s47_id, "s47e_referral_id": ref_id, "s47e_person_id": kid.pid,
            "s47e_s47_start_date": start, "s47e_s47_end_date": end, "s47e_s47_nfa": nfa if done else None,
            "s47e_s47_outcome_json": _json([(k, (k == "CP_CONFERENCE_FLAG" and conference) or (k == "NFA_FLAG" and nfa))
                                            for k in S47_JSON_KEYS] + [("TOTAL_NO_OF_OUTCOMES", 1),
                                                                       ("OUTCOME_COMMENTS", "")]) if done else None,
            "s47e_s47_completed_by_worker_id": who[0], "s47e_s47_completed_by_team": who[1]})
        kid.s47.append({"id": s47_id, "start": start, "end": end, "nfa": nfa and done,
                        "conference": conference and done})
        return s47_id

    def cin_plan(self, kid: Kid, ref_id: str, start: dt.date, who, visit_every_wd: int = 15) -> str:
        plan_id = self.rid(kid.pid, "C")
        self.rows["ssd_cin_plans"].append({
            "cinp_cin_plan_id": plan_id, "cinp_referral_id": ref_id, "cinp_person_id": kid.pid,
            "cinp_cin_plan_start_date": start, "cinp_cin_plan_team": who[1], "cinp_cin_plan_worker_id": who[0]})
        kid.cin_plans.append({"id": plan_id, "start": start, "end": None, "reviews": []})
        d = add_wd(start, visit_every_wd)
        while d <= self.D:
            self.rows["ssd_cin_visits"].append({
                "cinv_cin_visit_id": self.rid(kid.pid, "CV"), "cinv_person_id": kid.pid, "cinv_cin_visit_date": d,
                "cinv_cin_visit_seen": True, "cinv_cin_visit_seen_alone": True, "cinv_cin_visit_bedroom": True})
            kid.cin_visits.append((d, True))
            d = add_wd(d, visit_every_wd)
        return plan_id

    def cp_plan(self, kid: Kid, ref_id: str, start: dt.date, who, seen_visits: list[dt.date],
                unseen_visits: list[dt.date] = (), reviews: bool = True, core_groups: bool = True) -> str:
        """A CP plan from an ICPC held on `start`, 10 working days after its s47 began."""
        s47_start = sub_wd(start, 10)
        s47_id = self.s47(kid, ref_id, s47_start, who, end=sub_wd(start, 2), conference=True)
        icpc_id, plan_id = self.rid(kid.pid, "I"), self.rid(kid.pid, "P")
        self.rows["ssd_initial_cp_conference"].append({
            "icpc_icpc_id": icpc_id, "icpc_icpc_meeting_id": f"{icpc_id}M", "icpc_s47_enquiry_id": s47_id,
            "icpc_person_id": kid.pid, "icpc_cp_plan_id": plan_id, "icpc_referral_id": ref_id,
            "icpc_icpc_transfer_in": False, "icpc_icpc_target_date": add_wd(s47_start, ICPC_WD),
            "icpc_icpc_date": start,
            "icpc_icpc_outcome_cp_flag": True,
            "icpc_icpc_outcome_json": _json([("NFA_FLAG", False), ("REFERRAL_TO_OTHER_AGENCY_FLAG", False),
                                             ("SINGLE_ASSESSMENT_FLAG", False), ("PROV_OF_SERVICES_FLAG", False),
                                             ("CP_FLAG", True), ("OTHER_OUTCOMES_EXIST_FLAG", False),
                                             ("TOTAL_NO_OF_OUTCOMES", 1), ("COMMENTS", "")]),
            "icpc_icpc_team": who[1], "icpc_icpc_worker_id": who[0]})
        kid.icpc_s47_ids.append(s47_id)
        self.rows["ssd_cp_plans"].append({
            "cppl_cp_plan_id": plan_id, "cppl_referral_id": ref_id, "cppl_icpc_id": icpc_id, "cppl_person_id": kid.pid,
            "cppl_cp_plan_start_date": start, "cppl_cp_plan_initial_category": "Neglect", "cppl_cp_plan_ola": False,
            "cppl_cp_plan_latest_category": "Neglect"})
        plan = {"id": plan_id, "start": start, "end": None, "visits": [], "reviews": [], "core_groups": []}
        for d, seen in sorted([(d, True) for d in seen_visits] + [(d, False) for d in unseen_visits]):
            self.rows["ssd_cp_visits"].append({
                "cppv_cp_visit_id": self.rid(kid.pid, "V"), "cppv_person_id": kid.pid, "cppv_cp_plan_id": plan_id,
                "cppv_cp_visit_date": d, "cppv_cp_visit_seen": seen, "cppv_cp_visit_seen_alone": seen,
                "cppv_cp_visit_bedroom": seen})
            plan["visits"].append((d, seen))
        d = add_wd(start, 5)
        while core_groups and d <= self.D:
            self.rows["ssd_ext_core_groups"].append({
                "cogr_core_group_id": self.rid(kid.pid, "G"), "cogr_person_id": kid.pid, "cogr_cp_plan_id": plan_id,
                "cogr_meeting_date": d, "cogr_team": who[1], "cogr_worker_id": who[0]})
            plan["core_groups"].append(d)
            d = d + dt.timedelta(days=35)
        due = add_months(start, 3)
        while reviews and due <= self.D:
            self.rows["ssd_cp_reviews"].append({
                "cppr_cp_review_id": self.rid(kid.pid, "RV"), "cppr_person_id": kid.pid, "cppr_cp_plan_id": plan_id,
                "cppr_cp_review_due": due, "cppr_cp_review_date": due, "cppr_cp_review_outcome_continue_cp": True,
                "cppr_cp_review_quorate": True, "cppr_cp_review_participation": True})
            plan["reviews"].append(due)
            due = add_months(due, 6)
        kid.cp_plans.append(plan)
        return plan_id

    def looked_after(self, kid: Kid, ref_id: str, start: dt.date, who, placements: list[tuple[dt.date, str]],
                     visits: list[dt.date], reviews: list[tuple[dt.date, bool]],
                     care_plans: list[tuple[dt.date, dt.date | None]]) -> str:
        """A period of care from `start`: one episode per placement (all carrying the entered-care
        date), the given seen visits, reviews (date, cancelled) and care plans (start, end)."""
        cla_id = self.rid(kid.pid, "L")
        period = {"id": cla_id, "start": start, "end": None, "placements": [], "visits": [(d, True) for d in visits],
                  "reviews": list(reviews), "care_plans": list(care_plans)}
        for i, (p_start, p_type) in enumerate(placements):
            p_end = placements[i + 1][0] if i + 1 < len(placements) else None
            pl_id = self.rid(kid.pid, "PL")
            self.rows["ssd_cla_placement"].append({
                "clap_cla_placement_id": pl_id, "clap_cla_placement_start_date": p_start,
                "clap_cla_placement_type": p_type, "clap_cla_id": cla_id, "clap_cla_placement_provider": "PR1",
                "clap_cla_placement_end_date": p_end, "clap_cla_placement_change_reason": "CARPL" if p_end else None,
                "clap_person_id": kid.pid})
            self.rows["ssd_cla_episodes"].append({
                "clae_cla_episode_id": self.rid(kid.pid, "E"), "clae_person_id": kid.pid,
                "clae_cla_episode_start_date": p_start, "clae_cla_episode_start_reason": "S" if i == 0 else "P",
                "clae_cla_primary_need_code": "N1", "clae_cla_episode_ceased_date": p_end,
                "clae_cla_episode_ceased_reason": "X1" if p_end else None, "clae_cla_id": cla_id,
                "clae_referral_id": ref_id, "clae_cla_placement_id": pl_id, "clae_entered_care_date": start})
            period["placements"].append({"id": pl_id, "start": p_start, "end": p_end, "type": p_type})
        for d in visits:
            self.rows["ssd_cla_visits"].append({
                "clav_cla_visit_id": self.rid(kid.pid, "CLV"), "clav_cla_id": cla_id, "clav_person_id": kid.pid,
                "clav_cla_visit_date": d, "clav_cla_visit_seen": True, "clav_cla_visit_seen_alone": True})
        for d, cancelled in reviews:
            self.rows["ssd_cla_reviews"].append({
                "clar_cla_review_id": self.rid(kid.pid, "LR"), "clar_cla_id": cla_id, "clar_cla_review_due_date": d,
                "clar_cla_review_date": d, "clar_cla_review_cancelled": cancelled,
                "clar_cla_review_participation": "PN1", "clar_cla_person_id": kid.pid})
        for s, e in care_plans:
            self.rows["ssd_cla_care_plan"].append({
                "lacp_table_id": self.rid(kid.pid, "CP"), "lacp_person_id": kid.pid, "lacp_cla_care_plan_start_date": s,
                "lacp_cla_care_plan_end_date": e,
                "lacp_cla_care_plan_json": _json([(k, k == "RETURN6M") for k in CARE_PLAN_KEYS])})
        kid.cla.append(period)
        return cla_id

    def supervision(self, kid: Kid, day: dt.date, who):
        self.rows["ssd_ext_supervisions"].append({
            "supv_supervision_id": self.rid(kid.pid, "SV"), "supv_person_id": kid.pid, "supv_supervision_date": day,
            "supv_recorded_date": day,
            "supv_supervisor_id": self.worker(int(who[1][1]) - 1, int(who[1][2]) - 1, 0, "tm")[0],
            "supv_worker_id": who[0]})
        kid.supervisions.append(day)

    def care_leaver_row(self, kid: Kid, review: dt.date | None, pa):
        row_id = self.rid(kid.pid, "CL")
        self.rows["ssd_care_leavers"].append({
            "clea_table_id": row_id, "clea_person_id": kid.pid, "clea_care_leaver_eligibility": "Former Relevant",
            "clea_care_leaver_in_touch": "YES", "clea_care_leaver_latest_contact": self.D - dt.timedelta(days=20),
            "clea_care_leaver_accommodation": "U", "clea_care_leaver_accom_suitable": "1",
            "clea_care_leaver_activity": "F2", "clea_pathway_plan_review_date": review,
            "clea_care_leaver_personal_advisor": "Personal Advisor", "clea_care_leaver_allocated_team": pa[1],
            "clea_care_leaver_worker_id": pa[0]})
        kid.care_leaver.append({"id": row_id, "review": review, "team": pa[1], "worker": pa[0]})

    # ---- the cases -----------------------------------------------------------------------------
    def build(self) -> None:
        D = self.D
        # ASSESS_45WD (North assessment team): referrals 52, 45, 42 and 39 working days ago with the
        # assessment still open; due add_wd(referral date, 45): overdue, due today (due_soon), due in 3
        # working days (due_soon), due in 6 (not listed). Role spellings vary (trim, case).
        who = self.worker(0, T_ASSESS)
        for wd_ago, role in ((52, "ALLOCATED CASE WORKER"), (45, "CW"), (42, " cw"), (39, "Allocated Case Worker")):
            kid = self.child(9)
            ref = sub_wd(D, wd_ago)
            ref_id = self.referral(kid, ref, who)
            self.allocate(kid, ref_id, ref, who, role)
            self.assessment(kid, ref_id, ref + DAY, None, who)
        # authorised, then a CIN plan (no reviews yet): no ASSESS_45WD row
        kid = self.child(11, "M")
        ref = sub_wd(D, 60)
        ref_id = self.referral(kid, ref, who)
        self.allocate(kid, ref_id, ref, who)
        auth = add_wd(ref, 30)
        self.assessment(kid, ref_id, ref, auth, who)
        self.cin_plan(kid, ref_id, add_wd(auth, 3), who)

        # CP plans (South safeguarding team): CP_VISIT due add_wd(latest seen visit, or plan start, 10).
        who = self.worker(1, T_SAFEGUARD)

        def cp_child(plan_start, seen, unseen=(), role="CW", **kw) -> Kid:
            kid = self.child(6)
            ref = sub_wd(plan_start, 25)
            ref_id = self.referral(kid, ref, who)
            self.allocate(kid, ref_id, ref, who, role)
            self.assessment(kid, ref_id, ref, add_wd(ref, 20), who)
            self.cp_plan(kid, ref_id, plan_start, who, seen, unseen, **kw)
            return kid

        def rhythm(start: dt.date, last: dt.date, every: int = 8) -> list[dt.date]:
            out, d = [], add_wd(start, every)
            while d < last:
                out.append(d)
                d = add_wd(d, every)
            return out + [last]

        start = sub_wd(D, 110)
        kid = cp_child(start, rhythm(start, sub_wd(D, 15)))            # latest seen visit 15 wd ago
        self.supervision(kid, D - dt.timedelta(days=10), who)        # supervised recently
        start = sub_wd(D, 70)                                          # a later visit not seen
        kid = cp_child(start, rhythm(start, sub_wd(D, 14)), [sub_wd(D, 4)], role="ALLOCATED CASE WORKER")
        self.supervision(kid, D - dt.timedelta(days=40), who)        # supervision overdue
        cp_child(sub_wd(D, 12), [])                                    # no visit since the plan began
        start = sub_wd(D, 150)
        cp_child(start, rhythm(start, sub_wd(D, 3)))                   # visited 3 wd ago: not listed
        start = sub_wd(D, 90)
        cp_child(start, rhythm(start, sub_wd(D, 7)))                   # due in 3 wd: due_soon
        start = sub_wd(D - dt.timedelta(days=99), 1)                   # no review, no core group yet
        cp_child(start, rhythm(start, sub_wd(D, 2)), reviews=False, core_groups=False)

        # NO_CURRENT_PLAN (East): (a) authorised, not NFA, no plan: due add_wd(authorised, 10)
        who_a, who_s, who_c = self.worker(2, T_ASSESS), self.worker(2, T_SAFEGUARD), self.worker(2, T_CIC)
        for auth_ago in (20, 8):
            kid = self.child(7)
            auth = sub_wd(D, auth_ago)
            ref = sub_wd(auth, 30)
            ref_id = self.referral(kid, ref, who_a)
            self.allocate(kid, ref_id, ref, who_a)
            self.assessment(kid, ref_id, ref, auth, who_a, nfa=False)
        # (a) does not apply: the assessment was NFA (the referral is still open)
        kid = self.child(8)
        auth = sub_wd(D, 25)
        ref = sub_wd(auth, 20)
        ref_id = self.referral(kid, ref, who_a)
        self.allocate(kid, ref_id, ref, who_a)
        self.assessment(kid, ref_id, ref, auth, who_a, nfa=True)
        # (a) does not apply: the latest-starting assessment is open (an older one was authorised, not
        # NFA); that open assessment is overdue from the *referral* date
        kid = self.child(10)
        ref = sub_wd(D, 80)
        ref_id = self.referral(kid, ref, who_a)
        self.allocate(kid, ref_id, ref, who_a)
        self.assessment(kid, ref_id, ref, add_wd(ref, 25), who_a, nfa=False)
        self.assessment(kid, ref_id, sub_wd(D, 30), None, who_a)
        # an open CIN plan: no NO_CURRENT_PLAN row
        kid = self.child(12, "M")
        auth = sub_wd(D, 40)
        ref = sub_wd(auth, 25)
        ref_id = self.referral(kid, ref, who_s)
        self.allocate(kid, ref_id, ref, who_s, "Allocated Case Worker")
        self.assessment(kid, ref_id, ref, auth, who_s, nfa=False)
        self.cin_plan(kid, ref_id, add_wd(auth, 5), who_s, visit_every_wd=12)

        def cla_child(care_start: dt.date, placements, visits, reviews, care_plans, age=5) -> Kid:
            kid = self.child(age)
            ref = care_start - dt.timedelta(days=30)
            ref_id = self.referral(kid, ref, who_c)
            self.allocate(kid, ref_id, ref, who_c, "CW")
            self.assessment(kid, ref_id, ref, add_wd(ref, 15), who_c)
            self.looked_after(kid, ref_id, care_start, who_c, placements, visits, reviews, care_plans)
            return kid

        def every(first: dt.date, days: int, until: dt.date) -> list[dt.date]:
            out, d = [], first
            while d <= until:
                out.append(d)
                d += dt.timedelta(days=days)
            return out

        def held_reviews(care_start: dt.date) -> list[tuple[dt.date, bool]]:
            out, due, k = [], add_wd(care_start, 20), 0
            while due <= D:
                out.append((due, False))
                due = add_months(due, 3 if k == 0 else 6)
                k += 1
            return out

        # (b) looked after, the only care plan closed: due add_wd(start of care, 10)
        cs = D - dt.timedelta(days=120)
        cla_child(cs, [(cs, "U6"), (cs + dt.timedelta(days=60), "U6")], every(cs + 3 * DAY, 28, D),
                  held_reviews(cs), [(add_wd(cs, 5), D - dt.timedelta(days=20))])
        # (b) looked after with an open care plan: no row
        cs = D - dt.timedelta(days=200)
        cla_child(cs, [(cs, "U6"), (cs + dt.timedelta(days=60), "U6")], every(cs + 3 * DAY, 28, D),
                  held_reviews(cs), [(add_wd(cs, 5), None)], age=4)
        # CLA_REVIEW: the second review was cancelled and not re-held: one review counts (3 months)
        cs = D - dt.timedelta(days=150)
        first = add_wd(cs, 20)
        cla_child(cs, [(cs, "U6")], every(cs + 3 * DAY, 30, D), [(first, False), (add_months(first, 3), True)],
                  [(add_wd(cs, 5), None)])
        # CLA_VISIT: long-term foster placement (U4) over a year old, last visit 50 days ago, after the
        # placement's first anniversary: 3-monthly applies, not listed (6-weekly would be overdue)
        cs = D - dt.timedelta(days=3 * 365)
        pl = cs + dt.timedelta(days=200)
        anniversary = add_months(pl, 12)
        visits = every(cs + 3 * DAY, 35, anniversary - DAY) + [anniversary + dt.timedelta(days=10)]
        visits += every(visits[-1] + dt.timedelta(days=80), 80, D - dt.timedelta(days=50))
        visits = sorted(set(visits) | {D - dt.timedelta(days=50)})
        cla_child(cs, [(cs, "U6"), (pl, "U4")], visits, held_reviews(cs), [(add_wd(cs, 5), None)], age=12)
        # CLA_VISIT rule (a): moved 5 and 12 days ago with no visit since: placement start + 7 days
        for moved_ago in (5, 12):
            cs = D - dt.timedelta(days=180)
            moved = D - dt.timedelta(days=moved_ago)
            visits = [v for v in every(cs + 3 * DAY, 30, D) if v < moved]
            cla_child(cs, [(cs, "U6"), (moved, "K2")], visits, held_reviews(cs), [(add_wd(cs, 5), None)], age=13)

        # S47_ICPC_15WD (North safeguarding team): due add_wd(s47 start, 15)
        who = self.worker(0, T_SAFEGUARD, nth=2)
        for s47_ago, end_ago, nfa, conf in ((20, None, False, True), (12, None, False, True),
                                            (18, 3, False, True), (30, 20, True, False)):
            kid = self.child(8, "M")
            ref = sub_wd(D, s47_ago + 2)
            ref_id = self.referral(kid, ref, who)
            self.allocate(kid, ref_id, ref, who)
            self.assessment(kid, ref_id, ref, None, who)
            self.s47(kid, ref_id, sub_wd(D, s47_ago), who, end=sub_wd(D, end_ago) if end_ago else None,
                     nfa=nfa, conference=conf)

        # PATHWAY_PLAN_REVIEW (care leavers, South personal advisor): due latest review + 6 months
        pa = self.worker(1, T_CIC, nth=0, role="pa")
        for review in (add_months(D, -7), add_months(D, -2), None):
            kid = self.child(19, "M")
            self.care_leaver_row(kid, review, pa)

        # UNALLOCATED: the allocated worker's involvement ended 5 days ago (North assessment team);
        # MANAGER_HELD: a case allocated to the team manager
        who = self.worker(0, T_ASSESS, nth=2)
        kid = self.child(14)
        ref = sub_wd(D, 10)
        ref_id = self.referral(kid, ref, who)
        self.allocate(kid, ref_id, ref, who, end=D - dt.timedelta(days=5))
        self.assessment(kid, ref_id, ref, None, who)
        manager = self.worker(0, T_ASSESS, nth=0, role="tm")
        kid = self.child(14, "M")
        ref = sub_wd(D, 12)
        ref_id = self.referral(kid, ref, manager)
        self.allocate(kid, ref_id, ref, manager, manager=True)
        self.assessment(kid, ref_id, ref, None, manager)
        if len(self.kids) != N_SENTINEL_CHILDREN:
            raise AssertionError(f"sentinels: {len(self.kids)} children, "
                                 f"N_SENTINEL_CHILDREN says {N_SENTINEL_CHILDREN}")

    # ---- expectations, from docs/measures.md ----------------------------------------------------
    def expectations(self) -> list[dict]:
        D = self.D
        out: list[dict] = []

        def add(kpi, kid: Kid, record, due, status=None, attrib=None):
            computed, days = item_status(due, D)
            status = status or computed
            who = attrib or kid.who or (None, None, None)
            out.append({"kpi_id": kpi, "person_id": kid.pid, "record_id": record, "status": status,
                        "due_date": due.isoformat() if due is not None and status != "none" else None,
                        "days_overdue": days if status == "overdue" else None,
                        "worker_id": who[0], "team_id": who[1], "area_id": who[2]})

        for kid in self.kids:
            open_refs = [r for r in kid.referrals if is_open(r["date"], r["close"], D)]
            open_cin = [p for p in kid.cin_plans if is_open(p["start"], p["end"], D)]
            open_cp = [p for p in kid.cp_plans if is_open(p["start"], p["end"], D)]
            open_cla = [c for c in kid.cla if is_open(c["start"], c["end"], D)]
            open_case = bool(open_refs or open_cin or open_cp or open_cla)
            ref_date = {r["id"]: r["date"] for r in kid.referrals}
            # ASSESS_45WD: started <= D, no authorisation date; due add_wd(referral date, 45)
            for a in kid.assessments:
                if a["start"] <= D and a["auth"] is None:
                    add("ASSESS_45WD", kid, a["id"], add_wd(ref_date.get(a["ref_id"], a["start"]), ASSESS_WD))
                else:
                    add("ASSESS_45WD", kid, a["id"], None, status="none")
            # S47_ICPC_15WD: not NFA, no ICPC held, open or ended with CP_CONFERENCE_FLAG = Y
            for s in kid.s47:
                listed = (not s["nfa"] and s["id"] not in kid.icpc_s47_ids
                          and (is_open(s["start"], s["end"], D) or s["conference"]))
                add("S47_ICPC_15WD", kid, s["id"], add_wd(s["start"], ICPC_WD) if listed else None,
                    status=None if listed else "none")
            for p in open_cp:
                seen = [d for d, ok in p["visits"] if ok and p["start"] <= d <= D]
                add("CP_VISIT", kid, p["id"], add_wd(max(seen) if seen else p["start"], CP_VISIT_WD))
                revs = [d for d in p["reviews"] if p["start"] <= d <= D]
                add("CP_REVIEW", kid, p["id"], add_months(max(revs), 6) if revs else add_months(p["start"], 3))
                cgs = [d for d in p["core_groups"] if p["start"] <= d <= D]
                if cgs:
                    add("CORE_GROUP_FIRST", kid, p["id"], None, status="none")
                    add("CORE_GROUP_INTERVAL", kid, p["id"], max(cgs) + dt.timedelta(days=CORE_GROUP_INTERVAL_DAYS))
                else:
                    add("CORE_GROUP_FIRST", kid, p["id"], add_wd(p["start"], 10))
            if open_cin and not open_cp and not open_cla:      # CIN-level child
                for p in open_cin:
                    seen = [d for d, ok in kid.cin_visits if ok and p["start"] <= d <= D]
                    add("CIN_VISIT", kid, p["id"], add_wd(max(seen) if seen else p["start"], CIN_VISIT_WD))
                    revs = [d for d in p["reviews"] if p["start"] <= d <= D]
                    add("CIN_REVIEW", kid, p["id"], add_months(max(revs) if revs else p["start"], CIN_REVIEW_MONTHS))
            for c in open_cla:
                start = c["start"]
                cur = [pl for pl in c["placements"] if is_open(pl["start"], pl["end"], D)]
                cur = max(cur, key=lambda pl: pl["start"]) if cur else None
                seen = [d for d, ok in c["visits"] if ok and start <= d <= D]
                latest = max(seen) if seen else None
                dues = []
                if cur is not None and not [d for d in seen if d >= cur["start"]]:
                    dues.append(cur["start"] + dt.timedelta(days=7))                       # rule (a)
                base = latest or start
                long_term = (cur is not None and cur["type"] in LONG_TERM_TYPES and latest is not None
                             and latest >= add_months(cur["start"], 12))
                dues.append(add_months(base, 3) if long_term else base + dt.timedelta(weeks=6))  # rule (b)
                add("CLA_VISIT", kid, c["id"], min(dues))
                held = sorted(d for d, cancelled in c["reviews"] if not cancelled and start <= d <= D)
                due = (add_wd(start, 20) if not held else add_months(held[0], 3) if len(held) == 1
                       else add_months(held[-1], 6))
                add("CLA_REVIEW", kid, c["id"], due)
            # NO_CURRENT_PLAN: (a) open referral whose latest-starting assessment was authorised and not
            # NFA, with no open plan or period of care; (b) looked after with no care plan open at D
            ncp_due = None
            if open_cla:
                if not any(is_open(s, e, D) for c in open_cla for s, e in c["care_plans"]):
                    ncp_due = add_wd(min(c["start"] for c in open_cla), NO_PLAN_GRACE_WD)
            elif open_refs and not open_cin and not open_cp:
                started = [a for a in kid.assessments if a["start"] <= D]
                if started:
                    latest = max(started, key=lambda a: (a["start"], a["id"]))
                    if latest["auth"] is not None and latest["auth"] <= D and not latest["nfa"]:
                        ncp_due = add_wd(latest["auth"], NO_PLAN_GRACE_WD)
            if open_case:
                add("NO_CURRENT_PLAN", kid, kid.pid, ncp_due, status=None if ncp_due else "none")
            # SUPERVISION: planned cases; due latest supervision on/after case start + 1 month
            starts = [p["start"] for p in open_cin + open_cp] + [c["start"] for c in open_cla]
            if starts:
                case_start = min(starts)
                sup = [d for d in kid.supervisions if case_start <= d <= D]
                add("SUPERVISION", kid, kid.pid, add_months(max(sup) if sup else case_start, SUPERVISION_MONTHS))
            # UNALLOCATED / MANAGER_HELD (no due date: listed as overdue)
            if open_case:
                if kid.who is None:
                    ref = max(open_refs, key=lambda r: (r["date"], r["id"]))
                    attrib = (ref["worker"], ref["team"], f"A{ref['team'][1]}")   # team "T<area><type>"
                    add("UNALLOCATED", kid, kid.pid, None, attrib=attrib)
                else:
                    add("UNALLOCATED", kid, kid.pid, None, status="none")
                    add("MANAGER_HELD", kid, kid.pid, None, status=None if kid.manager else "none")
            # PATHWAY_PLAN_REVIEW: latest non-null review across the person's rows + 6 months
            if kid.care_leaver:
                reviews = [r["review"] for r in kid.care_leaver if r["review"] is not None]
                row = kid.care_leaver[0]
                add("PATHWAY_PLAN_REVIEW", kid, row["id"], add_months(max(reviews), 6) if reviews else None,
                    attrib=(row["worker"], row["team"], f"A{row['team'][1]}"))
        return out

    def frames(self) -> dict[str, Frame]:
        return {t: from_rows(t, rows) for t, rows in self.rows.items()}


def build(D: dt.date, wf: Workforce, rng: np.random.Generator) -> tuple[dict[str, Frame], list[dict]]:
    s = Sentinels(D, wf, rng)
    s.build()
    return s.frames(), s.expectations()
