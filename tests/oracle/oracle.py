"""An independent implementation of the measures, in plain Python over the extract's rows as strings, written
from the reference only: docs/conventions.md (each rule cites its anchor, e.g. #add_wd), docs/measures.md (each
measure's population, due date and status), docs/rules.md (bad values, links naming no row and repeated keys),
the local standards of plugins/csc_compliance/measures.yml and README "Configuration", and the tables of
expectations/catalogue.yml. Never from the dbt models.

`exceptions(tables, D)` gives {kpi_id: {key: Row}} (key: the record id, or the person for KEY_BY_PERSON) and
`rates(tables, D)` gives {kpi_id: (numerator, denominator)} at LA level. `set_standards` applies a
configuration's local standards. READINGS names the points where the product reads the docs otherwise
(tests/oracle/test_oracle.py pins each with a minimal example); the defaults are the docs' reading."""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import holidays
import yaml

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "expectations" / "catalogue.yml"


def default_standards() -> dict:
    """The local standards' defaults (plugins/csc_compliance/measures.yml `local_standards`)."""
    return yaml.safe_load((ROOT / "plugins" / "csc_compliance" / "measures.yml").read_text())["local_standards"]


# The run's local standards: the defaults, or a configuration's overrides merged in (set_standards).
STD: dict = default_standards()


def set_standards(overrides: dict | None) -> None:
    """README "Configuration": a standard given in a config replaces the default's keys it names."""
    STD.clear()
    STD.update(default_standards())
    for k, v in (overrides or {}).items():
        STD[k] = {**STD[k], **v} if isinstance(v, dict) and isinstance(STD.get(k), dict) else v


def advance(d: dt.date, key: str) -> dt.date:
    """d + the local standard `key` ({every, unit}; units working_days, days, weeks, months)."""
    n, unit = STD[key]["every"], STD[key]["unit"]
    if unit == "working_days":
        return add_wd(d, n)
    if unit == "days":
        return d + dt.timedelta(days=n)
    if unit == "weeks":
        return d + dt.timedelta(weeks=n)
    return add_months(d, n)


# Where the docs leave a choice, the reading the oracle takes (see the comments where each is read).
# cla_long_term_at: docs/measures.md#cla_visit (its reading) tests the anniversary at the latest seen visit.
READINGS = {"cla_long_term_at": "visit", "future_episodes_name_placements": False,
            "future_assessments_dropped_before_dedup": False}

# --------------------------------------------------------------------------- calendar (#working-days)


@functools.cache
def _hols(year: int) -> frozenset:
    # England and Wales bank holidays, substitute days included, from the `holidays` library.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_wd(d: dt.date) -> bool:
    return d.weekday() < 5 and d not in _hols(d.year)


@functools.lru_cache(maxsize=None)
def add_wd(d: dt.date, n: int) -> dt.date:
    """#add_wd: the n-th working day after d; d itself never counts."""
    day = d
    while n > 0:
        day += dt.timedelta(days=1)
        if is_wd(day):
            n -= 1
    return day


def wd_in(a: dt.date, b: dt.date) -> int:
    """#days-overdue: working days in (a, b]."""
    n, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        n += is_wd(day)
    return n


def add_months(d: dt.date, n: int) -> dt.date:
    """#add_months: calendar months, clamped to the last day of a shorter month."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def in_12m(x, D: dt.date) -> bool:
    """#in-the-12-months-to-d: after add_months(D, -12) and on or before D."""
    return x is not None and add_months(D, -12) < x <= D


# --------------------------------------------------------------------------- values (#flags, contract)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_T = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def raw_date(s):
    """Accepted: YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff], DD/MM/YYYY; anything else is null."""
    s = (s or "").strip()
    try:
        if m := (_ISO.fullmatch(s) or _ISO_T.fullmatch(s)):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m := _DMY.fullmatch(s):
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            return None
        if y == 0:
            return None
        return dt.date(y, mo, d)
    except ValueError:
        return None


def flag(s) -> bool:
    """#flags: Y, Yes, True or 1 in any case is yes; anything else (or null) is no."""
    return (s or "").strip().upper() in ("Y", "YES", "TRUE", "1")


def json_flag(s, key) -> bool:
    try:
        j = json.loads((s or "").strip())
    except ValueError:
        return False
    if isinstance(j, list):
        j = j[0] if j and isinstance(j[0], dict) else {}
    if not isinstance(j, dict):
        return False
    v = j.get(key)
    return flag(v if isinstance(v, str) else ("" if v is None else str(v)))


def txt(s):
    s = (s or "").strip()
    return s or None


@dataclass(frozen=True)
class Row:
    kpi_id: str
    record_id: str | None
    person_id: str | None
    due_date: dt.date | None
    status: str
    days_overdue: int | None = None
    working_days_overdue: int | None = None
    flag: str | None = None
    worker_id: str | None = None
    team_id: str | None = None
    area_id: str | None = None
    lead: str | None = None


@functools.cache
def reference_links() -> tuple:
    """(table, column, parent_table, parent_column) of every `references` rule of expectations/catalogue.yml:
    each table's person id (-> ssd_person.pers_person_id), each column's `references:` and the authored
    rules of kind references. docs/rules.md: "dbt staging nulls ... a link a `references` rule finds naming
    no row"."""
    cat = yaml.safe_load(CATALOGUE.read_text())
    out = set()
    for t, spec in cat["tables"].items():
        if spec.get("person_id") and t != "ssd_person":
            out.add((t, spec["person_id"], "ssd_person", "pers_person_id"))
        for c, cs in (spec.get("columns") or {}).items():
            if isinstance(cs, dict) and cs.get("references"):
                pt, pc = cs["references"].split(".")
                out.add((t, c, pt, pc))
    for r in cat.get("rules") or []:
        if r.get("kind") == "references":
            out.add((r["table"], r["column"], r["parent_table"], r["parent_column"]))
    return tuple(sorted(out))


@functools.cache
def table_keys() -> dict:
    return {t: spec.get("key") for t, spec in yaml.safe_load(CATALOGUE.read_text())["tables"].items()}


def first_of_each_key(tables: dict, D: dt.date) -> dict:
    """docs/rules.md: rows sharing a key keep the first (in file order); the kept row may then be ignored
    (e.g. it starts after D), which never brings back a later row of its key. docs/contract.md#file-formats:
    a cell holding exactly NULL is null."""
    out = {}
    for t, rows in tables.items():
        rows = [{k: ("" if v == "NULL" else v) for k, v in r.items()} for r in rows]
        if t == "ssd_cin_assessments" and READINGS["future_assessments_dropped_before_dedup"]:   # the product's
            rows = [r for r in rows if not ((d := raw_date(r.get("cina_assessment_start_date"))) and d > D)]
        key, seen, kept = table_keys().get(t), set(), []
        for r in rows:
            k = (r.get(key) or "").strip() if key else ""
            if k and k in seen:
                continue
            seen.add(k)
            kept.append(r)
        out[t] = kept
    return out


def null_broken_links(tables: dict, D: dt.date) -> dict:
    tables = first_of_each_key(tables, D)
    keys = {}
    for _t, _c, pt, pc in reference_links():
        if (pt, pc) not in keys:
            keys[(pt, pc)] = {(r.get(pc) or "").strip() for r in tables.get(pt, [])} - {""}
    out = {t: [dict(r) for r in rows] for t, rows in tables.items()}
    for t, c, pt, pc in reference_links():
        for r in out.get(t, []):
            v = (r.get(c) or "").strip()
            if v and v not in keys[(pt, pc)]:
                r[c] = ""
    return out


class Extract:
    """Typed reading of the rows at D (#nothing-after-d-counts: a date after D reads as null; docs/rules.md:
    a link naming no row reads as null)."""

    def __init__(self, tables: dict, D: dt.date):
        self.t, self.D = null_broken_links(tables, D), D
        self.ncp_sources: dict = {}

    def rows(self, table):
        return self.t.get(table, [])

    def date(self, row, col):
        d = raw_date(row.get(col))
        return d if d is not None and d <= self.D else None

    def started(self, row, col):
        """A record is measured only when its start is readable and on or before D (#open-at-d)."""
        d = raw_date(row.get(col))
        return d if d is not None and d <= self.D else None

    def is_open(self, row, start_col, end_col):
        s = self.started(row, start_col)
        return s is not None and self.date(row, end_col) is None   # an end after D reads as null


def status_row(kpi, rec, person, due, D) -> Row | None:
    """#status and #days-overdue."""
    if due is None:
        return None
    if D > due:
        return Row(kpi, rec, person, due, "overdue", (D - due).days, wd_in(due, D))
    if due <= add_wd(D, STD["due_soon_horizon_working_days"]):
        return Row(kpi, rec, person, due, "due_soon")
    return None


def one_of_several(items, start_key, id_key):
    """#one-of-several: latest start, then greatest id compared as text."""
    return max(items, key=lambda x: (x[start_key], x[id_key] or ""))


# --------------------------------------------------------------------------- building blocks

def cp_plans(x: Extract):
    out = []
    for r in x.rows("ssd_cp_plans"):
        s = x.started(r, "cppl_cp_plan_start_date")
        if s is None:
            continue
        out.append({"id": txt(r.get("cppl_cp_plan_id")), "person": txt(r.get("cppl_person_id")), "start": s,
                    "open": x.date(r, "cppl_cp_plan_end_date") is None})
    return out


def cin_plans(x: Extract):
    out = []
    for r in x.rows("ssd_cin_plans"):
        s = x.started(r, "cinp_cin_plan_start_date")
        if s is None:
            continue
        out.append({"id": txt(r.get("cinp_cin_plan_id")), "person": txt(r.get("cinp_person_id")), "start": s,
                    "open": x.date(r, "cinp_cin_plan_end_date") is None})
    return out


def periods_of_care(x: Extract):
    """#period-of-care: episodes sharing clae_cla_id; open when the latest-starting episode is open."""
    groups: dict[str, list] = {}
    named_by_future: dict[str, set] = {}
    for r in x.rows("ssd_cla_episodes"):
        cla = txt(r.get("clae_cla_id"))
        s = x.started(r, "clae_cla_episode_start_date")
        if cla is not None and s is None and txt(r.get("clae_cla_placement_id")):
            named_by_future.setdefault(cla, set()).add(txt(r.get("clae_cla_placement_id")))
        if cla is None or s is None:          # an episode starting after D is ignored (#nothing-after-d-counts)
            continue
        groups.setdefault(cla, []).append({
            "id": txt(r.get("clae_cla_episode_id")), "person": txt(r.get("clae_person_id")), "start": s,
            "ceased": x.date(r, "clae_cla_episode_ceased_date"), "entered": x.date(r, "clae_entered_care_date"),
            "placement": txt(r.get("clae_cla_placement_id"))})
    out = []
    for cla, eps in groups.items():
        latest = one_of_several(eps, "start", "id")
        entered = [e["entered"] for e in eps if e["entered"] is not None]
        soc = min(entered) if entered else min(e["start"] for e in eps)
        placements = {e["placement"] for e in eps if e["placement"]}
        if READINGS["future_episodes_name_placements"]:   # the product's reading, not the docs'
            placements |= named_by_future.get(cla, set())
        out.append({"cla": cla, "person": latest["person"], "open": latest["ceased"] is None, "soc": soc,
                    "placements": placements})
    return out


def current_period_per_child(x: Extract):
    """Looked-after measures use one period per child, the one open at D; with two open, the one that
    starts (start of care) last, then the greatest clae_cla_id as text (#one-of-several)."""
    by_child: dict = {}
    for p in periods_of_care(x):
        if p["open"]:
            # a period naming no known child is not one of any child's periods: it stands alone
            by_child.setdefault(p["person"] if p["person"] is not None else ("no child", p["cla"]), []).append(p)
    return {c: one_of_several(ps, "soc", "cla") for c, ps in by_child.items()}


def belongs(item_plan_id, item_person, item_date, plan_id, plan_person, plan_start):
    """#belonging-to-a-plan: by the plan's id where the row holds one, else by the person; dated on or
    after the plan's start."""
    if item_date is None or item_date < plan_start:
        return False
    if item_plan_id is not None:
        return item_plan_id == plan_id
    return item_person is not None and item_person == plan_person


def cin_level_children(x: Extract):
    """#cin-level-child: an open CIN plan, not on an open CP plan, not looked after."""
    on_cp = {p["person"] for p in cp_plans(x) if p["open"]}
    lac = {p["person"] for p in current_period_per_child(x).values()}
    return {p["person"] for p in cin_plans(x) if p["open"]} - on_cp - lac - {None}   # no child: no CIN-level child


# --------------------------------------------------------------------------- exception measures

def m_cp_visit(x: Extract):
    D, out = x.D, {}
    visits = [(txt(v.get("cppv_cp_plan_id")), txt(v.get("cppv_person_id")), x.date(v, "cppv_cp_visit_date"))
              for v in x.rows("ssd_cp_visits") if flag(v.get("cppv_cp_visit_seen"))]
    for p in cp_plans(x):
        if not p["open"]:
            continue
        seen = [d for pid, per, d in visits if belongs(pid, per, d, p["id"], p["person"], p["start"])]
        due = advance(max(seen) if seen else p["start"], "cp_visit")
        if r := status_row("CP_VISIT", p["id"], p["person"], due, D):
            out[p["id"]] = r
    return out


def m_cp_review(x: Extract):
    D, out = x.D, {}
    reviews = [(txt(v.get("cppr_cp_plan_id")), txt(v.get("cppr_person_id")), x.date(v, "cppr_cp_review_date"))
               for v in x.rows("ssd_cp_reviews")]
    for p in cp_plans(x):
        if not p["open"]:
            continue
        rv = [d for pid, per, d in reviews if belongs(pid, per, d, p["id"], p["person"], p["start"])]
        due = add_months(max(rv), 6) if rv else add_months(p["start"], 3)
        if r := status_row("CP_REVIEW", p["id"], p["person"], due, D):
            out[p["id"]] = r
    return out


def m_cin_visit(x: Extract):
    D, out = x.D, {}
    level = cin_level_children(x)
    visits = [(None, txt(v.get("cinv_person_id")), x.date(v, "cinv_cin_visit_date"))
              for v in x.rows("ssd_cin_visits") if flag(v.get("cinv_cin_visit_seen"))]
    for p in cin_plans(x):
        if not p["open"] or p["person"] not in level:
            continue
        seen = [d for pid, per, d in visits if belongs(pid, per, d, p["id"], p["person"], p["start"])]
        due = advance(max(seen) if seen else p["start"], "cin_visit")
        if r := status_row("CIN_VISIT", p["id"], p["person"], due, D):
            out[p["id"]] = r
    return out


def m_cin_review(x: Extract):
    D, out = x.D, {}
    level = cin_level_children(x)
    reviews = [(txt(v.get("cinr_cin_plan_id")), txt(v.get("cinr_person_id")), x.date(v, "cinr_review_date"))
               for v in x.rows("ssd_ext_cin_reviews")]
    for p in cin_plans(x):
        if not p["open"] or p["person"] not in level:
            continue
        rv = [d for pid, per, d in reviews if belongs(pid, per, d, p["id"], p["person"], p["start"])]
        due = advance(max(rv) if rv else p["start"], "cin_review")
        if r := status_row("CIN_REVIEW", p["id"], p["person"], due, D):
            out[p["id"]] = r
    return out


def current_placement(x: Extract, period):
    """#current-placement: the period's placement open at D, the latest start if several."""
    cands = []
    for r in x.rows("ssd_cla_placement"):
        pid = txt(r.get("clap_cla_placement_id"))
        if not (txt(r.get("clap_cla_id")) == period["cla"] or (pid and pid in period["placements"])):
            continue
        if x.is_open(r, "clap_cla_placement_start_date", "clap_cla_placement_end_date"):
            cands.append({"id": pid, "start": x.started(r, "clap_cla_placement_start_date"),
                          "type": (r.get("clap_cla_placement_type") or "").strip()})
    return one_of_several(cands, "start", "id") if cands else None


def m_cla_visit(x: Extract):
    D, out = x.D, {}
    visits = [(txt(v.get("clav_cla_id")), txt(v.get("clav_person_id")), x.date(v, "clav_cla_visit_date"))
              for v in x.rows("ssd_cla_visits") if flag(v.get("clav_cla_visit_seen"))]
    for p in current_period_per_child(x).values():
        seen = [d for cid, per, d in visits if belongs(cid, per, d, p["cla"], p["person"], p["soc"])]
        pl = current_placement(x, p)
        dues = []
        if pl is not None and not any(d >= pl["start"] for d in seen):            # rule (a)
            dues.append(pl["start"] + dt.timedelta(days=7))
        base = max(seen) if seen else p["soc"]                                   # rule (b)
        # "a long-term placement after its first anniversary": docs/measures.md#cla_visit's reading tests the
        # anniversary at the latest seen visit (or start of care): a visit in the first year is next due in 6
        # weeks. READINGS["cla_long_term_at"] = "D" tests it at D instead (a reading the docs rejected).
        when = D if READINGS["cla_long_term_at"] == "D" else base
        long_term = (pl is not None and pl["type"] in {t.strip().upper() for t in STD["long_term_placement_types"]}
                     and add_months(pl["start"], 12) <= when)
        dues.append(add_months(base, 3) if long_term else base + dt.timedelta(weeks=6))
        if r := status_row("CLA_VISIT", p["cla"], p["person"], min(dues), D):
            out[p["cla"]] = r
    return out


def m_cla_review(x: Extract):
    D, out = x.D, {}
    reviews = [(txt(v.get("clar_cla_id")), txt(v.get("clar_cla_person_id")), x.date(v, "clar_cla_review_date"))
               for v in x.rows("ssd_cla_reviews") if not flag(v.get("clar_cla_review_cancelled"))]
    for p in current_period_per_child(x).values():
        # docs/measures.md#cla_review reading: reviews are counted by date (two rows on one day are one review)
        rv = sorted({d for cid, per, d in reviews if belongs(cid, per, d, p["cla"], p["person"], p["soc"])})
        if not rv:
            due = add_wd(p["soc"], 20)
        elif len(rv) == 1:
            due = add_months(rv[0], 3)
        else:
            due = add_months(rv[-1], 6)
        if r := status_row("CLA_REVIEW", p["cla"], p["person"], due, D):
            out[p["cla"]] = r
    return out


def referral_dates(x: Extract):
    return {txt(r.get("cine_referral_id")): x.date(r, "cine_referral_date") for r in x.rows("ssd_cin_episodes")}


def assessment_due(x: Extract, a, refs):
    """#assess_45wd: add_wd(referral date, 45), the referral via cina_referral_id, else the start."""
    ref = refs.get(txt(a.get("cina_referral_id")))
    base = ref if ref is not None else x.started(a, "cina_assessment_start_date")
    return add_wd(base, 45) if base is not None else None


def m_assess_45wd(x: Extract):
    D, out, refs = x.D, {}, referral_dates(x)
    for a in x.rows("ssd_cin_assessments"):
        if x.started(a, "cina_assessment_start_date") is None or x.date(a, "cina_assessment_auth_date") is not None:
            continue
        rid = txt(a.get("cina_assessment_id"))
        if r := status_row("ASSESS_45WD", rid, txt(a.get("cina_person_id")), assessment_due(x, a, refs), D):
            out[rid] = r
    return out


def icpcs_held(x: Extract):
    held = set()
    for c in x.rows("ssd_initial_cp_conference"):
        if x.date(c, "icpc_icpc_date") is not None:
            held.add(txt(c.get("icpc_s47_enquiry_id")))
    return held


def m_s47_icpc_15wd(x: Extract):
    D, out, held = x.D, {}, icpcs_held(x)
    for s in x.rows("ssd_s47_enquiry"):
        start = x.started(s, "s47e_s47_start_date")
        sid = txt(s.get("s47e_s47_enquiry_id"))
        if start is None or flag(s.get("s47e_s47_nfa")) or sid in held:
            continue
        ended = x.date(s, "s47e_s47_end_date") is not None
        if ended and not json_flag(s.get("s47e_s47_outcome_json"), "CP_CONFERENCE_FLAG"):
            continue
        if r := status_row("S47_ICPC_15WD", sid, txt(s.get("s47e_person_id")), add_wd(start, 15), D):
            out[sid] = r
    return out


def watch_row(kpi, rec, person, watch_due, red_due, D):
    """#status: watch-list rows, due = the day the watch threshold was reached; red from the red one."""
    if watch_due > D:
        return None
    return Row(kpi, rec, person, watch_due, "watch", (D - watch_due).days, wd_in(watch_due, D),
               "red" if red_due <= D else None)


def m_cp_duration(x: Extract):
    D, out = x.D, {}
    for p in cp_plans(x):
        if not p["open"]:
            continue
        if r := watch_row("CP_DURATION", p["id"], p["person"],
                          add_months(p["start"], STD["cp_duration"]["watch_months"]),
                          add_months(p["start"], STD["cp_duration"]["red_months"]), D):
            out[p["id"]] = r
    return out


def plo_start(x: Extract, r):
    for col in ("prep_initial_pre_pro_meeting_date", "prep_pre_pro_letter_date", "prep_pre_pro_decision_date"):
        if (d := x.date(r, col)) is not None:
            return d
    return None


def m_plo_duration(x: Extract):
    D, out = x.D, {}
    for r in x.rows("ssd_pre_proceedings"):
        if txt(r.get("prep_pre_pro_outcome")) or x.date(r, "prep_agree_stepdown_issue_date") is not None:
            continue
        start = plo_start(x, r)
        if start is None:
            continue
        rid = txt(r.get("prep_table_id"))
        if row := watch_row("PLO_DURATION", rid, txt(r.get("prep_person_id")),
                            start + dt.timedelta(weeks=STD["plo"]["watch_weeks"]),
                            start + dt.timedelta(weeks=STD["plo"]["red_weeks"]), D):
            out[rid] = row
    return out


def m_core_groups(x: Extract):
    """#core_group_first and #core_group_interval."""
    D, first, interval = x.D, {}, {}
    groups = [(txt(v.get("cogr_cp_plan_id")), txt(v.get("cogr_person_id")), x.date(v, "cogr_meeting_date"))
              for v in x.rows("ssd_ext_core_groups")]
    for p in cp_plans(x):
        if not p["open"]:
            continue
        held = [d for pid, per, d in groups if belongs(pid, per, d, p["id"], p["person"], p["start"])]
        if not held:
            if r := status_row("CORE_GROUP_FIRST", p["id"], p["person"], add_wd(p["start"], 10), D):   # fixed: WT2023
                first[p["id"]] = r
        elif r := status_row("CORE_GROUP_INTERVAL", p["id"], p["person"], advance(max(held), "core_group_interval"), D):
            interval[p["id"]] = r
    return first, interval


def m_pathway_plan_review(x: Extract):
    """#pathway_plan_review: every person in ssd_care_leavers; record_id the row holding the latest review,
    else the greatest clea_table_id."""
    D, out, people = x.D, {}, {}
    for r in x.rows("ssd_care_leavers"):
        people.setdefault(txt(r.get("clea_person_id")), []).append(
            {"id": txt(r.get("clea_table_id")), "review": x.date(r, "clea_pathway_plan_review_date")})
    for person, rows in people.items():
        if person is None:                    # "every person in ssd_care_leavers": a broken link is no person
            continue
        reviewed = [r for r in rows if r["review"] is not None]
        if not reviewed:
            rec = max(r["id"] or "" for r in rows)
            out[rec] = Row("PATHWAY_PLAN_REVIEW", rec, person, None, "overdue")
            continue
        latest = one_of_several(reviewed, "review", "id")
        if r := status_row("PATHWAY_PLAN_REVIEW", latest["id"], person, add_months(latest["review"], 6), D):
            out[latest["id"]] = r
    return out


def open_referrals(x: Extract):
    """The child's open referral (#open-case, #one-of-several)."""
    by_child: dict[str, list] = {}
    for r in x.rows("ssd_cin_episodes"):
        if x.is_open(r, "cine_referral_date", "cine_close_date"):
            by_child.setdefault(txt(r.get("cine_person_id")), []).append(
                {"id": txt(r.get("cine_referral_id")), "start": x.started(r, "cine_referral_date"),
                 "team": txt(r.get("cine_referral_team")), "worker": txt(r.get("cine_referral_worker_id"))})
    return {c: one_of_several(rs, "start", "id") for c, rs in by_child.items()}


def planned_children(x: Extract):
    """#open-case: a planned case is an open CIN plan, CP plan or period of care."""
    return ({p["person"] for p in cin_plans(x) if p["open"]} | {p["person"] for p in cp_plans(x) if p["open"]}
            | {p["person"] for p in current_period_per_child(x).values()}) - {None}


def open_case_children(x: Extract):
    return (planned_children(x) | set(open_referrals(x))) - {None}


def m_no_current_plan(x: Extract):
    """#no_current_plan, keyed by person (the docs name no record id)."""
    D, out = x.D, {}
    planned = planned_children(x)
    for child, ref in open_referrals(x).items():
        if child is None or child in planned:
            continue
        asm = []
        for a in x.rows("ssd_cin_assessments"):
            if txt(a.get("cina_referral_id")) == ref["id"] and (s := x.started(a, "cina_assessment_start_date")):
                asm.append({"id": txt(a.get("cina_assessment_id")), "start": s, "row": a})
        if not asm:
            continue
        latest = one_of_several(asm, "start", "id")["row"]
        auth = x.date(latest, "cina_assessment_auth_date")
        if auth is None or flag(latest.get("cina_assessment_outcome_nfa")):
            continue
        if r := status_row("NO_CURRENT_PLAN", child, child, advance(auth, "no_plan_grace"), D):
            out[child] = r
            # #attribution 2: the source record of part (a) is that assessment
            x.ncp_sources[child] = _tw(latest, "cina_assessment_team", "cina_assessment_worker_id")
    care_plans = {txt(c.get("lacp_person_id")) for c in x.rows("ssd_cla_care_plan")
                  if x.is_open(c, "lacp_cla_care_plan_start_date", "lacp_cla_care_plan_end_date")}
    for p in current_period_per_child(x).values():
        child = p["person"]
        if child is None or child in care_plans:
            continue
        if r := status_row("NO_CURRENT_PLAN", None, child, advance(p["soc"], "no_plan_grace"), D):
            out[child] = r
    return out


def m_supervision(x: Extract):
    """#supervision: planned cases; case start the earliest start among the open CIN plan, CP plan and
    start of care; keyed by person."""
    D, out, starts = x.D, {}, {}
    for p in cin_plans(x) + cp_plans(x):
        if p["open"]:
            starts.setdefault(p["person"], []).append(p["start"])
    for p in current_period_per_child(x).values():
        starts.setdefault(p["person"], []).append(p["soc"])
    sup: dict[str, list] = {}
    for r in x.rows("ssd_ext_supervisions"):
        if (d := x.date(r, "supv_supervision_date")) is not None:
            sup.setdefault(txt(r.get("supv_person_id")), []).append(d)
    for child, ss in starts.items():
        if child is None:                     # a record naming no known child is no planned case
            continue
        case_start = min(ss)
        seen = [d for d in sup.get(child, []) if d >= case_start]
        if r := status_row("SUPERVISION", child, child, advance(max(seen) if seen else case_start, "supervision"), D):
            out[child] = r
    return out


def allocated_workers(x: Extract):
    """#attribution 1: the open involvement with an allocated-worker role (trimmed, any case); the latest
    start if several (then the greatest id, #one-of-several)."""
    by_child: dict[str, list] = {}
    for r in x.rows("ssd_involvements"):
        roles = {str(v).strip().upper() for v in STD["allocated_worker_roles"]}
        if (r.get("invo_professional_role_id") or "").strip().upper() not in roles:
            continue
        # an involvement naming no (known) professional names no allocated worker
        if txt(r.get("invo_professional_id")) and x.is_open(r, "invo_involvement_start_date",
                                                             "invo_involvement_end_date"):
            by_child.setdefault(txt(r.get("invo_person_id")), []).append(
                {"id": txt(r.get("invo_involvements_id")), "start": x.started(r, "invo_involvement_start_date"),
                 "worker": txt(r.get("invo_professional_id")), "team": txt(r.get("invo_professional_team"))})
    return {c: one_of_several(rs, "start", "id") for c, rs in by_child.items()}


def m_allocation(x: Extract):
    """#unallocated, #manager_held (manager_job_title_pattern), #caseload (caseload_threshold)."""
    alloc, cases = allocated_workers(x), open_case_children(x)
    titles = {txt(p.get("prof_professional_id")): p.get("prof_professional_job_title") or ""
              for p in x.rows("ssd_professionals")}
    un, mgr, load = {}, {}, {}
    for child in cases:
        a = alloc.get(child)
        if a is None:
            un[child] = Row("UNALLOCATED", child, child, None, "overdue")
            continue
        if re.search(STD["manager_job_title_pattern"], titles.get(a["worker"], "")):
            mgr[child] = Row("MANAGER_HELD", child, child, None, "overdue")
        load[a["worker"]] = load.get(a["worker"], 0) + 1
    cl = {w: Row("CASELOAD", w, None, None, "overdue", worker_id=w) for w, n in load.items()
          if n >= STD["caseload_threshold"]}
    return un, mgr, cl


EXCEPTIONS = {
    "CP_VISIT": m_cp_visit, "CP_REVIEW": m_cp_review, "CIN_VISIT": m_cin_visit, "CIN_REVIEW": m_cin_review,
    "CLA_VISIT": m_cla_visit, "CLA_REVIEW": m_cla_review, "ASSESS_45WD": m_assess_45wd,
    "S47_ICPC_15WD": m_s47_icpc_15wd, "CP_DURATION": m_cp_duration, "PLO_DURATION": m_plo_duration,
}


EXCEPTIONS["PATHWAY_PLAN_REVIEW"] = m_pathway_plan_review
EXCEPTIONS["NO_CURRENT_PLAN"] = m_no_current_plan
EXCEPTIONS["SUPERVISION"] = m_supervision
EXCEPTIONS["CORE_GROUP_FIRST"] = lambda x: m_core_groups(x)[0]
EXCEPTIONS["CORE_GROUP_INTERVAL"] = lambda x: m_core_groups(x)[1]
EXCEPTIONS["UNALLOCATED"] = lambda x: m_allocation(x)[0]
EXCEPTIONS["MANAGER_HELD"] = lambda x: m_allocation(x)[1]
EXCEPTIONS["CASELOAD"] = lambda x: m_allocation(x)[2]
# fields the docs do not define for a measure, left out of the comparison
UNDEFINED_FIELDS = {"CASELOAD": {"team_id", "area_id", "lead"}}
# measures whose rows the comparison keys by person (the docs name no record id for them)
KEY_BY_PERSON = {"NO_CURRENT_PLAN", "SUPERVISION", "UNALLOCATED", "MANAGER_HELD"}


def _tw(row, team_col, worker_col):
    return (txt(row.get(team_col)), txt(row.get(worker_col))) if row else (None, None)


def sources(x: Extract) -> dict:
    """#attribution 2: each measure's own source record's (team, worker), by the row's record id: referral,
    assessment, CIN plan, s47, ICPC, care leaver, core group; a CP plan measure uses its ICPC's."""
    def by_id(table, key, team, worker):
        return {txt(r.get(key)): _tw(r, team, worker) for r in x.rows(table)}
    asm = by_id("ssd_cin_assessments", "cina_assessment_id", "cina_assessment_team", "cina_assessment_worker_id")
    cin = by_id("ssd_cin_plans", "cinp_cin_plan_id", "cinp_cin_plan_team", "cinp_cin_plan_worker_id")
    s47 = by_id("ssd_s47_enquiry", "s47e_s47_enquiry_id", "s47e_s47_completed_by_team",
                "s47e_s47_completed_by_worker_id")
    cl = by_id("ssd_care_leavers", "clea_table_id", "clea_care_leaver_allocated_team", "clea_care_leaver_worker_id")
    icpc_rows = {txt(r.get("icpc_icpc_id")): r for r in x.rows("ssd_initial_cp_conference")}
    plan_icpc = {}
    for r in x.rows("ssd_cp_plans"):
        c = icpc_rows.get(txt(r.get("cppl_icpc_id")))
        plan_icpc[txt(r.get("cppl_cp_plan_id"))] = _tw(c, "icpc_icpc_team", "icpc_icpc_worker_id")
    for c in x.rows("ssd_initial_cp_conference"):
        pid = txt(c.get("icpc_cp_plan_id"))
        if pid and plan_icpc.get(pid, (None, None)) == (None, None):
            plan_icpc[pid] = _tw(c, "icpc_icpc_team", "icpc_icpc_worker_id")
    # CORE_GROUP_INTERVAL: the latest core group of the plan (measures.yml interpretation), else its ICPC
    groups = [(txt(v.get("cogr_cp_plan_id")), txt(v.get("cogr_person_id")), x.date(v, "cogr_meeting_date"),
               txt(v.get("cogr_core_group_id")), v) for v in x.rows("ssd_ext_core_groups")]
    latest_group = {}
    for p in cp_plans(x):
        held = [{"d": d, "id": gid, "row": v} for pid, per, d, gid, v in groups
                if belongs(pid, per, d, p["id"], p["person"], p["start"])]
        if held:
            latest_group[p["id"]] = _tw(one_of_several(held, "d", "id")["row"], "cogr_team", "cogr_worker_id")
    cp_kpis = ("CP_VISIT", "CP_REVIEW", "CP_DURATION", "CORE_GROUP_FIRST")
    out = {"ASSESS_45WD": asm, "CIN_VISIT": cin, "CIN_REVIEW": cin, "S47_ICPC_15WD": s47, "PATHWAY_PLAN_REVIEW": cl,
           **{k: plan_icpc for k in cp_kpis}}
    # "the first filled of" (#attribution 2): the latest core group's columns, then the ICPC's
    out["NO_CURRENT_PLAN"] = x.ncp_sources
    out["CORE_GROUP_INTERVAL"] = {}
    for k in plan_icpc:
        (gt, gw), (it, iw) = latest_group.get(k, (None, None)), plan_icpc[k]
        out["CORE_GROUP_INTERVAL"][k] = (gt or it, gw or iw)
    return out


def attribute(x: Extract, kpi: str, rows: dict, srcs: dict) -> dict:
    """#attribution: 1. the allocated worker and that involvement's team; 2. where missing, the team (and,
    with no allocated worker, the worker) is the first filled of the measure's source record's and the child's
    open referral's, column by column; 3. the area is the team's parent in ssd_department."""
    from dataclasses import replace
    alloc, refs = allocated_workers(x), open_referrals(x)
    parents = {txt(d.get("dept_team_id")): txt(d.get("dept_team_parent_id")) for d in x.rows("ssd_department")}
    # #attribution 3: with no lead configured, a lead named after the area (its name as its teams give it,
    # dept_team_parent_name; the generated extracts name each area one way); no known area: Unassigned
    area_names = {txt(d.get("dept_team_parent_id")): txt(d.get("dept_team_parent_name"))
                  for d in x.rows("ssd_department")}
    src = srcs.get(kpi, {})
    out = {}
    for k, r in rows.items():
        a, ref = (alloc.get(r.person_id), refs.get(r.person_id) or {}) if r.person_id is not None else (None, {})
        s_team, s_worker = src.get(r.record_id, (None, None)) if r.record_id is not None else (None, None)
        worker = a["worker"] if a else (s_worker or ref.get("worker"))
        team = (a["team"] if a else None) or s_team or ref.get("team")
        area = parents.get(team) if team else None
        out[k] = replace(r, worker_id=worker, team_id=team, area_id=area,
                         lead=(area_names.get(area) or area) if area else "Unassigned")
    return out


def exceptions(tables: dict, D: dt.date) -> dict[str, dict]:
    x = Extract(tables, D)
    rows = {k: f(x) for k, f in EXCEPTIONS.items()}
    srcs = sources(x)
    return {k: (v if k == "CASELOAD" else attribute(x, k, v, srcs)) for k, v in rows.items()}


# --------------------------------------------------------------------------- rate measures

def r_assess_45wd(x: Extract):
    refs, num, den = referral_dates(x), 0, 0
    for a in x.rows("ssd_cin_assessments"):
        start = raw_date(a.get("cina_assessment_start_date"))
        if start is not None and start > x.D:    # #nothing-after-d-counts: started after D, not counted
            continue                             # (an unreadable start is no reason to leave the rate)
        auth = x.date(a, "cina_assessment_auth_date")
        if not in_12m(auth, x.D):
            continue
        den += 1
        due = assessment_due(x, a, refs)
        num += due is not None and auth <= due
    return num, den


def r_icpc_15wd(x: Extract):
    s47 = {}
    for s in x.rows("ssd_s47_enquiry"):
        s47.setdefault(txt(s.get("s47e_s47_enquiry_id")), s)
    num = den = 0
    for c in x.rows("ssd_initial_cp_conference"):
        held = x.date(c, "icpc_icpc_date")
        sid = txt(c.get("icpc_s47_enquiry_id"))
        if flag(c.get("icpc_icpc_transfer_in")) or not in_12m(held, x.D) or sid is None or sid not in s47:
            continue
        den += 1
        start = x.started(s47[sid], "s47e_s47_start_date")
        num += start is not None and held <= add_wd(start, 15)
    return num, den


def r_repeat_cp(x: Extract):
    plans = cp_plans(x)
    num = den = 0
    for p in plans:
        if p["person"] is None or not in_12m(p["start"], x.D):   # "the child had": no child, no rate item
            continue
        den += 1
        num += any(q["person"] == p["person"] and q["start"] < p["start"] for q in plans if q is not p)
    return num, den


def r_re_referral(x: Extract):
    refs = []
    for r in x.rows("ssd_cin_episodes"):
        d = x.started(r, "cine_referral_date")
        if d is not None:
            refs.append((txt(r.get("cine_person_id")), d, txt(r.get("cine_referral_id"))))
    num = den = 0
    for person, d, rid in refs:
        if person is None or not in_12m(d, x.D):   # "the child had another referral": no child, no rate item
            continue
        den += 1
        # previous referral: dated strictly before this one and after add_months(this, -12)
        num += any(p2 == person and add_months(d, -12) < d2 < d for p2, d2, r2 in refs if r2 != rid)
    return num, den


def _rate_over_items(x, population_keys, overdue_keys):
    return len(population_keys - overdue_keys), len(population_keys)


def rates(tables: dict, D: dt.date) -> dict[str, tuple[int, int]]:
    x = Extract(tables, D)
    ex = exceptions(tables, D)

    def overdue(kpi):
        return {k for k, r in ex[kpi].items() if r.status == "overdue"}

    open_cp = {p["id"]: p["person"] for p in cp_plans(x) if p["open"]}
    level = cin_level_children(x)
    cin_pop = {p["id"]: p["person"] for p in cin_plans(x) if p["open"] and p["person"] in level}
    periods = current_period_per_child(x)
    out = {
        "ASSESS_45WD_RATE": r_assess_45wd(x),
        "ICPC_15WD_RATE": r_icpc_15wd(x),
        "REPEAT_CP_RATE": r_repeat_cp(x),
        "RE_REFERRAL_RATE": r_re_referral(x),
        # #several-plans: a rate over children counts a child once, overdue when any plan is
        "CP_VISIT_RATE": _rate_over_items(x, set(open_cp.values()) - {None},
                                          {open_cp[k] for k in overdue("CP_VISIT")}),
        "CIN_VISIT_RATE": _rate_over_items(x, set(cin_pop.values()),
                                           {cin_pop[k] for k in overdue("CIN_VISIT")}),
        "CP_REVIEW_RATE": _rate_over_items(x, set(open_cp), overdue("CP_REVIEW")),
        "CIN_REVIEW_RATE": _rate_over_items(x, set(cin_pop), overdue("CIN_REVIEW")),
        # a rate over children: a period naming no known child is no child
        "CLA_VISIT_RATE": _rate_over_items(x, {p["cla"] for p in periods.values() if p["person"] is not None},
                                           overdue("CLA_VISIT")),
        "CLA_REVIEW_RATE": _rate_over_items(x, {p["cla"] for p in periods.values()}, overdue("CLA_REVIEW")),
    }
    out["CORE_GROUP_RATE"] = _rate_over_items(x, set(open_cp),
                                              overdue("CORE_GROUP_FIRST") | overdue("CORE_GROUP_INTERVAL"))
    people = {txt(r.get("clea_person_id")) for r in x.rows("ssd_care_leavers")} - {None}
    ppr_over = {ex["PATHWAY_PLAN_REVIEW"][k].person_id for k in overdue("PATHWAY_PLAN_REVIEW")}
    out["PATHWAY_PLAN_REVIEW_RATE"] = _rate_over_items(x, people, ppr_over)
    out["REPEAT_CP_2Y_RATE"] = r_repeat_cp_2y(x)
    out["SEEN_ALONE_RATE"] = r_seen_alone(x)
    out["ASSESSED_6M"] = r_assessed_6m(x)
    D = x.D
    out["CP_OVER_2Y_CHILDREN"] = (len({p["person"] for p in cp_plans(x)
                                       if p["open"] and add_months(p["start"], 24) <= D} - {None}), None)
    plo = set()
    for r in x.rows("ssd_pre_proceedings"):
        if txt(r.get("prep_pre_pro_outcome")) or x.date(r, "prep_agree_stepdown_issue_date") is not None:
            continue
        if (st := plo_start(x, r)) is not None and st + dt.timedelta(weeks=26) <= D:
            plo.add(txt(r.get("prep_person_id")))
    out["PLO_OVER_26W_CHILDREN"] = (len(plo - {None}), None)
    return out


def r_repeat_cp_2y(x: Extract):
    """#repeat_cp_2y_rate: an earlier plan of the child ended on or after add_months(this start, -24); an
    earlier plan still open counts."""
    plans, num, den = cp_plans(x), 0, 0
    ends = {}
    for r in x.rows("ssd_cp_plans"):
        ends[txt(r.get("cppl_cp_plan_id"))] = x.date(r, "cppl_cp_plan_end_date")
    for p in plans:
        if p["person"] is None or not in_12m(p["start"], x.D):
            continue
        den += 1
        lim = add_months(p["start"], -24)
        num += any(q["person"] == p["person"] and q["start"] < p["start"]
                   and (ends[q["id"]] is None or ends[q["id"]] >= lim) for q in plans if q is not p)
    return num, den


def r_seen_alone(x: Extract):
    num = den = 0
    for v in x.rows("ssd_cp_visits"):
        d = x.date(v, "cppv_cp_visit_date")
        if d is None or not flag(v.get("cppv_cp_visit_seen")) or not add_months(x.D, -3) < d <= x.D:
            continue
        den += 1
        num += flag(v.get("cppv_cp_visit_seen_alone"))
    return num, den


def r_assessed_6m(x: Extract):
    kids = set(open_referrals(x)) - {None}
    done = set()
    for a in x.rows("ssd_cin_assessments"):
        s = raw_date(a.get("cina_assessment_start_date"))
        if s is not None and s > x.D:
            continue
        d = x.date(a, "cina_assessment_auth_date")
        if d is not None and add_months(x.D, -6) < d <= x.D:
            done.add(txt(a.get("cina_person_id")))
    return len(kids & done), len(kids)
