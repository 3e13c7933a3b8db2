"""A seeded generator of random extracts whose children sit on the spec's edges (docs/conventions.md,
docs/measures.md): due dates on D, the day before and after, the due-soon horizon; anchors on weekends and
bank holidays; records starting after D or ending on D; blank and unreadable dates and flags in other
spellings; two open plans or periods for one child; unseen visits and visits before the plan; same-day
referrals; assessments authorised on their 45th working day; children aged 17 and 18.

`generate(seed)` returns (D, tables, rows_by_child): tables as write_extract takes them (string values),
rows_by_child = {person_id: [(table, row), ...]} for diff messages."""
from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/: extract_builder

from oracle import add_months, add_wd, is_wd

# Reporting dates with something to say: Christmas and the substitute day, Easter, leap day, a weekend.
AS_ATS = [dt.date(2024, 12, 20), dt.date(2025, 4, 22), dt.date(2024, 2, 29), dt.date(2026, 12, 28),
          dt.date(2025, 8, 31), dt.date(2025, 5, 30), dt.date(2026, 1, 2), dt.date(2025, 3, 31),
          dt.date(2024, 8, 27), dt.date(2026, 6, 1), dt.date(2025, 12, 24), dt.date(2024, 5, 6)]

BAD_DATES = ["", "", "", "NULL", "2024-02-30", "31/13/2024", "unknown", "0000-01-01", "2024/01/05", "2024-1-05",
             "20240105"]
YES = ["Y", "Y", "Y", "y", "Yes", "TRUE", "1"]
NO = ["N", "N", "N", "no", "False", "0", "", "maybe"]


class Gen:
    def __init__(self, seed: int, D: dt.date | None = None):
        self.r = random.Random(seed)
        self.D = D or AS_ATS[seed % len(AS_ATS)]
        self.n = 0

    # ---- values
    def uid(self, prefix):
        self.n += 1
        # ids of 1 and 2+ digits so that "compared as text" matters ("9" > "10")
        return f"{prefix}{self.r.choice([self.n % 10, self.n, self.n * 7])}x{self.n}"

    def fmt(self, d):
        if d is None:
            return self.r.choice(BAD_DATES)
        x = self.r.random()
        if x < 0.8:
            return d.isoformat()
        if x < 0.9:
            return f"{d.day}/{d.month:02d}/{d.year}" if self.r.random() < 0.5 else d.strftime("%d/%m/%Y")
        return d.isoformat() + self.r.choice([" 00:00:00", " 13:45:10.123", "T09:30:00"])

    def yes(self):
        return self.r.choice(YES)

    def no(self):
        return self.r.choice(NO)

    def flag(self, p_yes=0.5):
        return self.yes() if self.r.random() < p_yes else self.no()

    def chance(self, p):
        return self.r.random() < p

    def link(self, own, others, missing, p_own=0.5):
        """A link column: its own record, blank (through the person), another record of the child, or an
        id naming no row (read as null, so through the person too: docs/rules.md)."""
        x = self.r.random()
        if x < p_own:
            return own
        if x < p_own + (1 - p_own) * 0.6:
            return self.r.choice(["", "", "NULL"])
        if others and x < p_own + (1 - p_own) * 0.86:
            return self.r.choice(others)
        return self.uid(missing)

    def tw(self, team_col, worker_col):
        """A source record's own team and worker (#attribution 2), often blank; T9 and W3 name no row."""
        if self.chance(0.5):
            return {}
        return {team_col: self.r.choice(["", "T1", "T2", "T9"]), worker_col: self.r.choice(["", "W1", "W2", "W3"])}

    # ---- dates
    def targets(self):
        D = self.D
        h = add_wd(D, 5)
        return [D - dt.timedelta(days=1), D, D + dt.timedelta(days=1), h, h + dt.timedelta(days=1),
                add_wd(h, 1), D - dt.timedelta(days=7)]

    def target(self):
        if self.chance(0.65):
            return self.r.choice(self.targets())
        return self.D + dt.timedelta(days=self.r.randint(-90, 30))

    def sub_wd(self, n):
        """A date s with add_wd(s, n) on an interesting target (s itself often a weekend or holiday)."""
        for _ in range(4):
            t = self.target()
            if not is_wd(t):
                continue
            lo = t - dt.timedelta(days=3 * n + 20)
            cands = [lo + dt.timedelta(days=i) for i in range((t - lo).days)
                     if add_wd(lo + dt.timedelta(days=i), n) == t]
            if cands:
                return self.r.choice(cands)
        return self.D - dt.timedelta(days=int(n * 1.4) + self.r.randint(-10, 10))

    def sub_months(self, n):
        t = self.target()
        if self.chance(0.15):   # month-end anchors: the clamp
            t = dt.date(t.year, t.month, 1) - dt.timedelta(days=1)
        return add_months(t, -n)

    def sub_days(self, k):
        return self.target() - dt.timedelta(days=k)

    def past(self, days=400):
        return self.D - dt.timedelta(days=self.r.randint(0, days))

    def future(self):
        return self.D + dt.timedelta(days=self.r.randint(1, 40))

    def end_for(self, start):
        """An end date: open (blank, unreadable, after D), exactly D, or a past end after the start."""
        x = self.r.random()
        if x < 0.45:
            return ""
        if x < 0.55:
            return self.fmt(self.future())
        if x < 0.7:
            return self.fmt(self.D)
        if x < 0.75:
            return self.r.choice(BAD_DATES)
        if start is None or start >= self.D:
            return self.fmt(self.D)
        return self.fmt(start + dt.timedelta(days=self.r.randint(0, max(0, (self.D - start).days - 1))))

    def start(self, anchor):
        """A start date string: mostly the anchor, sometimes after D, blank or unreadable."""
        x = self.r.random()
        if x < 0.06:
            return self.fmt(self.future()), None
        if x < 0.1:
            return self.r.choice(BAD_DATES), None
        return self.fmt(anchor), anchor


CP_YES = ['{"NFA_FLAG":"N","CP_CONFERENCE_FLAG":"Y"}', '[{"CP_CONFERENCE_FLAG":"Y"}]',
          '{"CP_CONFERENCE_FLAG":"yes"}']
CP_NO = ['{"NFA_FLAG":"N","CP_CONFERENCE_FLAG":"N"}', '', '{bad json', '{"NFA_FLAG":"Y"}', '[]']


def child(g: Gen, pid: str, out: dict, mine: list):
    D = g.D

    def add(table, row):
        out.setdefault(table, []).append(row)
        mine.append((table, row))
        return row

    # person: ages around 17 and 18
    age_edge = add_months(D, -12 * g.r.choice([17, 18]))
    dob = g.r.choice([age_edge, age_edge + dt.timedelta(days=1), age_edge - dt.timedelta(days=1),
                      D - dt.timedelta(days=g.r.randint(100, 6000))])
    add("ssd_person", {"pers_person_id": pid, "pers_dob": dob.isoformat(), "pers_sex": g.r.choice("MF")})

    # ---- referrals and assessments
    refs = []
    if g.chance(0.5):
        for _ in range(g.r.choice([1, 1, 2, 2, 3])):
            x = g.r.random()
            if refs and x < 0.2:
                d = refs[-1][1]                                           # same day as another
            elif refs and x < 0.35 and refs[-1][1]:
                d = add_months(refs[-1][1], g.r.choice([-12, 12])) + dt.timedelta(days=g.r.choice([-1, 0, 1]))
            elif x < 0.45:
                d = add_months(D, -12) + dt.timedelta(days=g.r.choice([0, 1]))   # the window's edge
            elif x < 0.7:
                d = g.sub_wd(45)
            else:
                d = g.past(500)
            rid = g.uid("R")
            s, d = g.start(d)
            add("ssd_cin_episodes", {"cine_referral_id": rid, "cine_person_id": pid, "cine_referral_date": s,
                                     "cine_close_date": g.end_for(d), "cine_referral_nfa": g.flag(0.2),
                                     "cine_referral_team": g.r.choice(["", "", "T1", "T2", "T9"]),
                                     "cine_referral_worker_id": g.r.choice(["", "", "W1", "W3"])})
            refs.append((rid, d))
    if g.chance(0.45):
        for _ in range(g.r.choice([1, 1, 2])):
            x = g.r.random()
            if refs and x < 0.7:
                ref_id, ref_d = g.r.choice(refs)
            elif x < 0.85:
                ref_id, ref_d = g.uid("RMISSING"), None
            else:
                ref_id, ref_d = "", None
            base = ref_d or g.sub_wd(45)
            start = base + dt.timedelta(days=g.r.choice([0, 0, 1, 3, 10]))
            due = add_wd(base, 45)
            y = g.r.random()
            if y < 0.3:
                auth = ""
            elif y < 0.4:
                auth = g.fmt(due)
            elif y < 0.5:
                auth = g.fmt(due + dt.timedelta(days=1))
            elif y < 0.55:
                auth = g.fmt(g.future())
            elif y < 0.6:
                auth = g.r.choice(BAD_DATES)
            elif y < 0.7:
                auth = g.fmt(add_months(D, -12) + dt.timedelta(days=g.r.choice([0, 1])))
            else:
                auth = g.fmt(start + dt.timedelta(days=g.r.randint(0, 90)))
            s = g.fmt(start)
            z = g.r.random()
            if z < 0.08:
                s = g.fmt(g.future())                                     # started after D
            elif z < 0.12:
                s = g.r.choice(BAD_DATES)
            add("ssd_cin_assessments", {"cina_assessment_id": g.uid("A"), "cina_person_id": pid,
                                        "cina_referral_id": ref_id, "cina_assessment_start_date": s,
                                        "cina_assessment_auth_date": auth,
                                        "cina_assessment_outcome_nfa": g.flag(0.3),
                                        **g.tw("cina_assessment_team", "cina_assessment_worker_id")})

    # ---- s47 and ICPC
    icpcs = []
    if g.chance(0.35):
        for _ in range(g.r.choice([1, 1, 2])):
            sid = g.uid("S")
            s_txt, start = g.start(g.sub_wd(15) if g.chance(0.7) else g.past(500))
            ended = g.end_for(start)
            add("ssd_s47_enquiry", {"s47e_s47_enquiry_id": sid, "s47e_person_id": pid, "s47e_s47_start_date": s_txt,
                                    "s47e_s47_end_date": ended, "s47e_s47_nfa": g.flag(0.25),
                                    "s47e_s47_outcome_json": g.r.choice(CP_YES + CP_NO),
                                    **g.tw("s47e_s47_completed_by_team", "s47e_s47_completed_by_worker_id")})
            for _ in range(g.r.choice([0, 1, 1, 1, 2])):
                base = start or g.past(300)
                due = add_wd(base, 15)
                y = g.r.random()
                if y < 0.2:
                    icd = ""
                elif y < 0.35:
                    icd = g.fmt(due)
                elif y < 0.45:
                    icd = g.fmt(due + dt.timedelta(days=1))
                elif y < 0.5:
                    icd = g.fmt(g.future())
                elif y < 0.6:
                    icd = g.fmt(add_months(D, -12) + dt.timedelta(days=g.r.choice([0, 1])))
                else:
                    icd = g.fmt(min(D, base + dt.timedelta(days=g.r.randint(0, 40))))
                icpcs.append(add("ssd_initial_cp_conference", {
                    "icpc_icpc_id": g.uid("IC"), "icpc_s47_enquiry_id": sid if g.chance(0.92) else g.uid("SMISSING"),
                    "icpc_person_id": pid, "icpc_icpc_transfer_in": g.flag(0.1), "icpc_icpc_date": icd,
                    **g.tw("icpc_icpc_team", "icpc_icpc_worker_id")}))

    # ---- CP plans
    plans = []
    if g.chance(0.4):
        k = g.r.choice([1, 1, 1, 2, 2, 3])
        for i in range(k):
            x = g.r.random()
            if x < 0.25:
                anchor = g.sub_wd(10)
            elif x < 0.45:
                anchor = g.sub_months(3)
            elif x < 0.6:
                anchor = g.sub_months(g.r.choice([18, 24]))
            elif plans and plans[-1][1] and x < 0.7:
                anchor = plans[-1][1]                                     # same start as another plan
            elif x < 0.8:
                anchor = add_months(D, -12) + dt.timedelta(days=g.r.choice([0, 1]))
            elif x < 0.82:
                # decades back, and SQL Server's placeholder date (a date like any other): the calendar's reach
                anchor = g.r.choice([dt.date(1999, 12, 31), dt.date(2003, 12, 31), dt.date(1900, 1, 1)])
            else:
                anchor = g.past(1000)
            cid = g.uid("CP")
            s, start = g.start(anchor)
            end = "" if (i == k - 1 or g.chance(0.3)) and g.chance(0.7) else g.end_for(start)
            icpc_id = ""
            free = [c for c in icpcs if not c.get("icpc_cp_plan_id")]
            if free and g.chance(0.7):          # the plan's ICPC, linked both ways
                c = g.r.choice(free)
                c["icpc_cp_plan_id"], icpc_id = cid, c["icpc_icpc_id"]
            add("ssd_cp_plans", {"cppl_cp_plan_id": cid, "cppl_person_id": pid, "cppl_cp_plan_start_date": s,
                                 "cppl_cp_plan_end_date": end, "cppl_icpc_id": icpc_id})
            plans.append((cid, start))
        for cid, start in plans:
            base = start or g.past(200)
            for _ in range(g.r.choice([0, 1, 1, 2, 3])):
                x = g.r.random()
                if x < 0.4:
                    vd = g.sub_wd(10)
                elif x < 0.5:
                    vd = base
                elif x < 0.6:
                    vd = base - dt.timedelta(days=g.r.randint(1, 30))   # before the plan
                elif x < 0.65:
                    vd = g.future()
                else:
                    vd = base + dt.timedelta(days=g.r.randint(0, 60))
                plan_ref = g.link(cid, [c for c, _ in plans], "CPMISSING")
                add("ssd_cp_visits", {"cppv_cp_visit_id": g.uid("V"), "cppv_person_id": pid,
                                      "cppv_cp_plan_id": plan_ref,
                                      "cppv_cp_visit_date": g.fmt(vd) if g.chance(0.95) else g.r.choice(BAD_DATES),
                                      "cppv_cp_visit_seen": g.flag(0.75), "cppv_cp_visit_seen_alone": g.flag(0.5)})
            for _ in range(g.r.choice([0, 0, 1, 2])):
                x = g.r.random()
                rd = g.sub_months(6) if x < 0.5 else (base - dt.timedelta(days=5) if x < 0.6 else
                                                       base + dt.timedelta(days=g.r.randint(0, 200)))
                add("ssd_cp_reviews", {"cppr_cp_review_id": g.uid("CR"), "cppr_person_id": pid,
                                       "cppr_cp_plan_id": g.link(cid, [c for c, _ in plans], "CPMISSING", 0.6),
                                       "cppr_cp_review_date": g.fmt(rd if rd <= D or g.chance(0.3) else D)})

        for cid, start in plans:
            base = start or g.past(200)
            for _ in range(g.r.choice([0, 0, 1, 2])):
                x = g.r.random()
                gd = (g.sub_wd(10) if x < 0.3 else g.sub_days(42) if x < 0.6 else base if x < 0.7 else
                      base - dt.timedelta(days=g.r.randint(1, 20)) if x < 0.8 else g.future() if x < 0.85 else
                      base + dt.timedelta(days=g.r.randint(0, 90)))
                add("ssd_ext_core_groups", {"cogr_core_group_id": g.uid("G"), "cogr_person_id": pid,
                                            "cogr_cp_plan_id": g.link(cid, [c for c, _ in plans], "CPMISSING"),
                                            "cogr_meeting_date": g.fmt(gd) if g.chance(0.95) else g.r.choice(BAD_DATES),
                                            **g.tw("cogr_team", "cogr_worker_id")})

    # ---- CIN plans
    if g.chance(0.35):
        cins = []
        for _ in range(g.r.choice([1, 1, 2])):
            anchor = g.sub_wd(20) if g.chance(0.5) else (g.sub_months(3) if g.chance(0.5) else g.past(400))
            cid = g.uid("CIN")
            s, start = g.start(anchor)
            add("ssd_cin_plans", {"cinp_cin_plan_id": cid, "cinp_person_id": pid, "cinp_cin_plan_start_date": s,
                                  **g.tw("cinp_cin_plan_team", "cinp_cin_plan_worker_id"),
                                  "cinp_cin_plan_end_date": "" if g.chance(0.6) else g.end_for(start)})
            cins.append((cid, start))
        for cid, start in cins:
            base = start or g.past(200)
            for _ in range(g.r.choice([0, 1, 2])):
                x = g.r.random()
                vd = g.sub_wd(20) if x < 0.5 else (base - dt.timedelta(days=3) if x < 0.6 else
                                                    (g.future() if x < 0.65 else
                                                     base + dt.timedelta(days=g.r.randint(0, 50))))
                add("ssd_cin_visits", {"cinv_cin_visit_id": g.uid("CV"), "cinv_person_id": pid,
                                       "cinv_cin_visit_date": g.fmt(vd), "cinv_cin_visit_seen": g.flag(0.75)})
            for _ in range(g.r.choice([0, 1, 1, 2])):
                x = g.r.random()
                rd = g.sub_months(3) if x < 0.5 else (base - dt.timedelta(days=3) if x < 0.6 else
                                                       base + dt.timedelta(days=g.r.randint(0, 100)))
                add("ssd_ext_cin_reviews", {"cinr_review_id": g.uid("CNR"), "cinr_person_id": pid,
                                            "cinr_cin_plan_id": g.link(cid, [c for c, _ in cins], "CINMISSING"),
                                            "cinr_review_date": g.fmt(rd)})

    # ---- periods of care
    if g.chance(0.35):
        socs = []
        for _ in range(g.r.choice([1, 1, 1, 2])):
            cla = g.uid("CLA")
            x = g.r.random()
            soc = socs[0] if socs and g.chance(0.35) else (g.sub_wd(20) if x < 0.3 else g.sub_days(42) if x < 0.5 else
                   add_months(D, -12) - dt.timedelta(days=g.r.randint(0, 400)) if x < 0.7 else g.past(700))
            socs.append(soc)
            n_eps = g.r.choice([1, 1, 2, 3])
            starts = [soc]
            for _ in range(n_eps - 1):
                nxt = starts[-1] + dt.timedelta(days=g.r.randint(0, max(1, (D - starts[-1]).days)))
                if g.chance(0.1):
                    nxt = starts[-1]                                       # two episodes starting on one day
                elif g.chance(0.25):
                    nxt = g.sub_days(7)                                    # a move giving rule (a) edges
                    if nxt < starts[-1]:
                        nxt = starts[-1]
                starts.append(nxt)
            if g.chance(0.07):
                starts[-1] = g.future()                                    # an episode starting after D
            entered_mode = g.r.random()
            for i, st in enumerate(starts):
                last = i == len(starts) - 1
                ceased = (g.fmt(starts[i + 1]) if not last else
                          ("" if g.chance(0.6) else g.end_for(st if st <= D else None)))
                if entered_mode < 0.7:
                    entered = g.fmt(soc)
                elif entered_mode < 0.85:
                    entered = "" if i else g.fmt(soc)
                elif entered_mode < 0.95:
                    entered = g.fmt(soc - dt.timedelta(days=g.r.randint(1, 60))) if i == len(starts) - 1 else ""
                else:
                    entered = g.fmt(g.future()) if i == 0 else g.fmt(soc)   # a date after D reads as null
                plid = g.uid("PL")
                add("ssd_cla_episodes", {"clae_cla_episode_id": g.uid("E"), "clae_person_id": pid, "clae_cla_id": cla,
                                         "clae_cla_episode_start_date": g.fmt(st),
                                         "clae_cla_episode_ceased_date": ceased,
                                         "clae_cla_placement_id": plid if g.chance(0.8) else "",
                                         "clae_entered_care_date": entered})
                pstart = st
                if last and g.chance(0.2):
                    pstart = add_months(D, -12) + dt.timedelta(days=g.r.choice([-1, 0, 1]))   # anniversary edge
                if last and g.chance(0.15):                                # a second placement open at D
                    add("ssd_cla_placement", {
                        "clap_cla_placement_id": g.uid("PL"), "clap_cla_id": cla, "clap_person_id": pid,
                        "clap_cla_placement_start_date": g.fmt(g.r.choice([pstart, pstart + dt.timedelta(days=3),
                                                                           g.sub_days(7), g.future()])),
                        "clap_cla_placement_end_date": g.r.choice(["", g.fmt(g.future()), g.fmt(D)]),
                        "clap_cla_placement_type": g.r.choice(["U1", "U4", "U3"])})
                add("ssd_cla_placement", {"clap_cla_placement_id": plid, "clap_cla_id": cla if g.chance(0.6) else "",
                                          "clap_person_id": pid, "clap_cla_placement_start_date": g.fmt(pstart),
                                          "clap_cla_placement_end_date": "" if last else g.fmt(starts[i + 1]),
                                          "clap_cla_placement_type": g.r.choice(["U1", "U4", "U3", "K2", "U1", "P1"])})
            for _ in range(g.r.choice([0, 1, 2, 3])):
                x = g.r.random()
                vd = (g.sub_days(42) if x < 0.3 else g.sub_months(3) if x < 0.45 else starts[-1] if x < 0.55 else
                      soc - dt.timedelta(days=2) if x < 0.62 else g.future() if x < 0.67 else
                      soc + dt.timedelta(days=g.r.randint(0, max(0, (D - soc).days))))
                add("ssd_cla_visits", {"clav_cla_visit_id": g.uid("LV"),
                                       "clav_cla_id": g.link(cla, [], "CLAMISSING", 0.6),
                                       "clav_person_id": pid, "clav_cla_visit_date": g.fmt(vd),
                                       "clav_cla_visit_seen": g.flag(0.8)})
            for _ in range(g.r.choice([0, 1, 1, 2, 3])):
                x = g.r.random()
                rd = (g.sub_months(3) if x < 0.3 else g.sub_months(6) if x < 0.5 else soc - dt.timedelta(days=1)
                      if x < 0.57 else soc + dt.timedelta(days=g.r.randint(0, max(0, (D - soc).days))))
                add("ssd_cla_reviews", {"clar_cla_review_id": g.uid("LR"),
                                        "clar_cla_id": g.link(cla, [], "CLAMISSING", 0.6),
                                        "clar_cla_person_id": pid, "clar_cla_review_date": g.fmt(rd),
                                        "clar_cla_review_cancelled": g.flag(0.15)})

    # ---- care plans of looked-after children, supervisions, allocated workers, care leavers
    if any(t == "ssd_cla_episodes" for t, _ in mine) and g.chance(0.7):
        cs = g.past(600)
        s_txt, _ = g.start(cs)
        add("ssd_cla_care_plan", {"lacp_table_id": g.uid("CPL"), "lacp_person_id": pid,
                                  "lacp_cla_care_plan_start_date": s_txt, "lacp_cla_care_plan_end_date": g.end_for(cs)})
    if any(t in ("ssd_cp_plans", "ssd_cin_plans", "ssd_cla_episodes") for t, _ in mine):
        for _ in range(g.r.choice([0, 1, 1, 2])):
            x = g.r.random()
            sd = g.sub_months(1) if x < 0.5 else (g.future() if x < 0.6 else g.past(500))
            add("ssd_ext_supervisions", {"supv_supervision_id": g.uid("SV"), "supv_person_id": pid,
                                         "supv_supervision_date": g.fmt(sd), "supv_recorded_date": g.fmt(sd)})
    for _ in range(g.r.choice([0, 1, 1, 1, 2])):
        st = g.r.choice([g.past(800), g.past(800), g.D, g.future()])
        add("ssd_involvements", {"invo_involvements_id": g.uid("I"),
                                 "invo_professional_id": g.r.choice(["W1", "W1", "W2", "W3", ""]),
                                 "invo_professional_role_id": g.r.choice(["CW", "CW", " cw ", "Allocated Case Worker",
                                                                          "ALLOCATED CASE WORKER", "SW", "IRO"]),
                                 "invo_professional_team": g.r.choice(["T1", "T1", "T2", "", "T9"]),
                                 "invo_involvement_start_date": g.fmt(st) if g.chance(0.95) else "",
                                 "invo_involvement_end_date": "" if g.chance(0.6) else g.end_for(st),
                                 "invo_person_id": pid})
    if g.chance(0.1):
        for _ in range(g.r.choice([1, 1, 2])):
            x = g.r.random()
            rd = g.sub_months(6) if x < 0.6 else g.future() if x < 0.7 else None
            add("ssd_care_leavers", {"clea_table_id": g.uid("CL"), "clea_person_id": pid,
                                     **g.tw("clea_care_leaver_allocated_team", "clea_care_leaver_worker_id"),
                                     "clea_pathway_plan_review_date": g.fmt(rd)})

    # ---- pre-proceedings
    if g.chance(0.15):
        st = g.sub_days(g.r.choice([112, 182]))
        cols = ["prep_initial_pre_pro_meeting_date", "prep_pre_pro_letter_date", "prep_pre_pro_decision_date"]
        row = {"prep_table_id": g.uid("PR"), "prep_person_id": pid, "prep_plo_family_id": g.uid("F")}
        which = g.r.randrange(3) if g.chance(0.95) else 3       # 3: no readable start at all
        for i, c in enumerate(cols):
            if i < which:
                row[c] = g.r.choice(["", "", "not a date", g.fmt(g.future())])
            elif i == which:
                row[c] = g.fmt(st)
            else:
                row[c] = g.fmt(st - dt.timedelta(days=g.r.randint(0, 20))) if g.chance(0.5) else ""
        x = g.r.random()
        row["prep_pre_pro_outcome"] = "Care proceedings issued" if x < 0.15 else ""
        row["prep_agree_stepdown_issue_date"] = (g.fmt(D) if x < 0.3 else g.fmt(g.future()) if x < 0.45 else
                                                 g.fmt(g.past(30)) if x < 0.55 else "")
        add("ssd_pre_proceedings", row)


def generate(seed: int, n_children: int = 300, D: dt.date | None = None):
    g = Gen(seed, D)
    tables: dict[str, list] = {t: [] for t in [
        "ssd_person", "ssd_cin_episodes", "ssd_cin_assessments", "ssd_s47_enquiry", "ssd_initial_cp_conference",
        "ssd_cp_plans", "ssd_cp_visits", "ssd_cp_reviews", "ssd_cin_plans", "ssd_cin_visits", "ssd_ext_cin_reviews",
        "ssd_cla_episodes", "ssd_cla_placement", "ssd_cla_visits", "ssd_cla_reviews", "ssd_pre_proceedings",
        "ssd_ext_core_groups", "ssd_cla_care_plan", "ssd_ext_supervisions", "ssd_involvements", "ssd_care_leavers"]}
    from extract_builder import ORG  # the organisation write_extract adds: the oracle reads it too
    tables.update({k: [dict(r) for r in v] for k, v in ORG.items()})
    by_child: dict[str, list] = {}
    for i in range(n_children):
        pid = f"P{seed}-{i}"
        by_child[pid] = []
        child(g, pid, tables, by_child[pid])
    # a few children with no ssd_person row: their person ids are broken links, read as null (docs/rules.md)
    if n_children >= 50:
        gone = set(g.r.sample(sorted(by_child), 3))
        tables["ssd_person"] = [r for r in tables["ssd_person"] if r["pers_person_id"] not in gone]
    # a few rows sharing a key with an earlier row (docs/rules.md: the first is kept): a copy, other dates
    keys = {"ssd_cp_plans": ("cppl_cp_plan_id", "cppl_person_id"),
            "ssd_cin_assessments": ("cina_assessment_id", "cina_person_id"),
            "ssd_cin_episodes": ("cine_referral_id", "cine_person_id"),
            "ssd_s47_enquiry": ("s47e_s47_enquiry_id", "s47e_person_id"),
            "ssd_cla_episodes": ("clae_cla_episode_id", "clae_person_id"),
            "ssd_cp_visits": ("cppv_cp_visit_id", "cppv_person_id")}
    for t, (key, person) in keys.items():
        rows = tables[t]
        for r in g.r.sample(rows, min(len(rows), 3)):
            dup = {k: (g.fmt(g.past(300)) if k.endswith("date") and v else v) for k, v in r.items()}
            if g.chance(0.5):
                dup[key] = dup[key] + " "        # keys compare trimmed: still the same key
            rows.insert(g.r.randint(rows.index(r) + 1, len(rows)), dup)
            by_child[r[person]].append((t + " (same key, later row)", dup))
    return g.D, tables, by_child


def edge_counts(D: dt.date, tables: dict) -> dict[str, int]:
    """How often an extract hits the edges the generator aims at (for the generator's own test)."""
    import oracle
    x = oracle.Extract(tables, D)
    c: dict[str, int] = {}

    def inc(k, n=1):
        c[k] = c.get(k, 0) + n

    by_child: dict[str, int] = {}
    for p in oracle.periods_of_care(x):
        if p["open"]:
            by_child[p["person"]] = by_child.get(p["person"], 0) + 1
    inc("child with two open periods of care", sum(n > 1 for n in by_child.values()))
    open_cp: dict[str, int] = {}
    for p in oracle.cp_plans(x):
        if p["open"]:
            open_cp[p["person"]] = open_cp.get(p["person"], 0) + 1
    inc("child with two open CP plans", sum(n > 1 for n in open_cp.values()))
    refs = [(r["cine_person_id"], x.date(r, "cine_referral_date")) for r in tables["ssd_cin_episodes"]]
    inc("same-day referrals in the 12 months", sum(1 for i, a in enumerate(refs) for b in refs[i + 1:]
                                                   if a == b and oracle.in_12m(a[1], D)))
    for a in tables["ssd_cin_assessments"]:
        s = oracle.raw_date(a["cina_assessment_start_date"])
        if s is not None and s > D and oracle.in_12m(x.date(a, "cina_assessment_auth_date"), D):
            inc("assessment started after D, authorised in the 12 months")
    for rows in tables.values():
        for r in rows:
            for k, v in r.items():
                if k.endswith("_date") and v and oracle.raw_date(v) is None:
                    inc("unreadable date")
                if (k.endswith("_end_date") or k.endswith("ceased_date")) and oracle.raw_date(v) == D:
                    inc("record ending on D")
                if (k.endswith("_start_date") or k == "cine_referral_date") and (oracle.raw_date(v) or D) > D:
                    inc("record starting after D")
    for rows in oracle.exceptions(tables, D).values():
        for r in rows.values():
            if r.due_date == D:
                inc("due on D")
            if r.due_date == add_wd(D, 5):
                inc("due on the horizon")
            if r.due_date is not None and not is_wd(r.due_date):
                inc("due on a weekend or bank holiday")
    return c
