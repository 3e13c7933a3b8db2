"""Bad-input corpus, the extract of bad values and missing tables (docs/contract.md#what-stops-a-run,
docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run): one combined extract where each case puts one bad
value in its own known row, and a few tables are left out. Built twice from the same picks: the BAD extract as cases
write it, and a REFERENCE extract where each bad value is what the contract says the measures must read instead (an
empty cell; for a shared key, only the first row in file order). The measures of the two must be the same."""
from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from corpus_tools import AS_AT, D, Table, parse_date, read_table, write_table
from csc_compliance.core.catalogue import tables as catalogue_tables
from csc_compliance.core.workdays import add_wd

DAY = dt.timedelta(days=1)
YES = {"Y", "YES", "1", "TRUE"}

# Tables left out of the extract, with what docs/contract.md#tables-and-required-columns says follows: the
# measures that need them (measures.yml `requires`) are "not available".
# (not ssd_cla_care_plan: NO_CURRENT_PLAN requires it, and the flag_unknown_nfa case reads NO_CURRENT_PLAN)
MISSING_TABLES = ("ssd_pre_proceedings", "ssd_care_leavers", "ssd_ext_supervisions", "ssd_ext_cin_reviews")


class Builder:
    """The tables being mutated, loaded from the generated extract on first use. `pick` chooses rows by what
    they hold, in file order, never a row the generator already gave a recording gap, a row whose key is
    shared, or a row about a child another case took (so cases do not mix): the same picks for the bad and
    the reference extract."""

    def __init__(self, base: Path, planted_gaps: list[dict]):
        self.base = base
        self.tables: dict[str, Table] = {}
        self.planted = {(g["table"], g["row_number"]) for g in planted_gaps}
        self.original: dict[int, int] = {}   # id(row) -> its row number in the generated file
        self.taken: set[int] = set()
        self.people: set[str] = set()        # children some case is about

    def t(self, name: str) -> Table:
        if name not in self.tables:
            table = read_table(self.base, name)
            self.tables[name] = table
            for n, row in enumerate(table.rows, start=1):
                self.original[id(row)] = n
        return self.tables[name]

    def rows(self, name: str, where: Callable[[Table, list], bool]) -> list[list]:
        t = self.t(name)
        key = catalogue_tables()[name]["key"]
        person = catalogue_tables()[name].get("person_id")
        counts = Counter(t.get(r, key) for r in t.rows)
        return [r for r in t.rows
                if id(r) in self.original and (name, self.original[id(r)]) not in self.planted
                and id(r) not in self.taken and counts[t.get(r, key)] == 1 and t.get(r, key)
                and (person is None or t.get(r, person) not in self.people) and where(t, r)]

    def pick(self, name: str, where: Callable[[Table, list], bool]) -> list:
        found = self.rows(name, where)
        assert found, f"no row of {name} fits this case: the generated extract changed"
        row = found[0]
        self.taken.add(id(row))
        person = catalogue_tables()[name].get("person_id")
        if person and self.t(name).get(row, person):
            self.people.add(self.t(name).get(row, person))
        return row

    def write(self, folder: Path) -> None:
        for table in self.tables.values():
            write_table(folder, table)


@dataclass
class Mark:
    """Where a case put its bad value, and what the outputs must show."""
    table: str
    rows: list                  # the row objects (their row numbers are known once every case has run)
    column: str
    record_id: str | None
    person_id: str | None
    rule_id: str | None         # the recording gap expected on every row of `rows`; None: no gap expected
    kpi_id: str | None = None   # the measure the value feeds: its rows for this record are compared
    listed: bool | None = None  # True / False: `kpi_id` must / must not list `record_id`
    status: str | None = None
    due_date: dt.date | None = None
    person_in_row: str | None = None  # the person_id the exception row must carry, when it differs
    gap_record: str | None = None     # the gap's record_id (the row's key) when `record_id` is the measure's
    # the row as the measures read it (dbt staging, keyed by the gap's record): column -> typed value expected;
    # None: the bad column reads as null.
    staged: dict | None = None
    read_as: tuple | None = None      # (SQL expression over the staged row, expected value)
    row_numbers: list[int] = field(default_factory=list)  # filled in by `build`


@dataclass(frozen=True)
class BadValue:
    id: str
    description: str
    build: Callable[[Builder, bool], Mark]   # (builder, reference?) -> mark
    # where the product is known to break the contract: test ("gap", "null", "outcome") -> the bug


# --- selection helpers ---------------------------------------------------------------------------------

def _d(t: Table, row, column) -> dt.date | None:
    return parse_date(t.get(row, column))


def _authorised_long_ago(t, r):
    start, auth = _d(t, r, "cina_assessment_start_date"), _d(t, r, "cina_assessment_auth_date")
    return bool(start and auth and start <= D - 180 * DAY and start <= auth <= D and t.get(r, "cina_person_id"))


def _open_long_ago(t, r):
    start = _d(t, r, "cina_assessment_start_date")
    return bool(start and start <= D - 150 * DAY and t.get(r, "cina_assessment_auth_date") is None
                and t.get(r, "cina_person_id"))


def _same_style(t: Table, column: str, d: dt.date) -> str:
    """A date spelt like the column's other values (the tables differ: docs/contract.md#file-formats accepts
    three spellings)."""
    sample = next(v for v in (t.get(r, column) for r in t.rows) if v and parse_date(v))
    if "/" in sample:
        return d.strftime("%d/%m/%Y")
    if len(sample) > 10:
        return d.strftime("%Y-%m-%d 00:00:00.000")
    return d.isoformat()


def _assessment(b: Builder, where, column, bad, reference, *, value=None, **expect) -> Mark:
    t = b.t("ssd_cin_assessments")
    row = b.pick("ssd_cin_assessments", where)
    person = t.get(row, "cina_person_id")
    t.set(row, column, value if reference else bad)
    return Mark("ssd_cin_assessments", [row], column, t.get(row, "cina_assessment_id"), person, **expect)


def _people_with_one(b: Builder, table: str, person_col: str) -> set:
    counts = Counter(b.t(table).get(r, person_col) for r in b.t(table).rows)
    return {p for p, n in counts.items() if n == 1 and p}


def _open_cp_plan(b: Builder, *, started_before: dt.date, unvisited_since: dt.date | None = None):
    """An open CP plan (no end date), the child's only one, started before the date; with
    `unvisited_since`, the child has no seen CP visit on or after that date (by person or plan)."""
    single = _people_with_one(b, "ssd_cp_plans", "cppl_person_id")
    visits = b.t("ssd_cp_visits")
    last_seen: dict[str, dt.date] = {}
    for v in visits.rows:
        when = _d(visits, v, "cppv_cp_visit_date")
        seen = (visits.get(v, "cppv_cp_visit_seen") or "").upper() in YES
        person = visits.get(v, "cppv_person_id")
        if when and seen and person:
            last_seen[person] = max(last_seen.get(person, when), when)

    def fits(t, r):
        start, person = _d(t, r, "cppl_cp_plan_start_date"), t.get(r, "cppl_person_id")
        if not (start and start <= started_before and t.get(r, "cppl_cp_plan_end_date") is None
                and person in single):
            return False
        return unvisited_since is None or last_seen.get(person, dt.date.min) < unvisited_since
    return b.pick("ssd_cp_plans", fits)


def _new_cp_visit(b: Builder, plan: list, *, plan_id, seen, visit_id: str) -> list:
    visits, plans = b.t("ssd_cp_visits"), b.t("ssd_cp_plans")
    row = [None] * len(visits.header)
    visits.set(row, "cppv_cp_visit_id", visit_id)
    visits.set(row, "cppv_person_id", plans.get(plan, "cppl_person_id"))
    visits.set(row, "cppv_cp_plan_id", plan_id)
    visits.set(row, "cppv_cp_visit_date", (D - DAY).isoformat())
    visits.set(row, "cppv_cp_visit_seen", seen)
    visits.set(row, "cppv_cp_visit_seen_alone", "N")
    visits.rows.append(row)
    return row


# --- the cases: each (builder, reference) -> Mark ----------------------------------------------------------

# A link is read where it is followed (a join that finds nothing): the staged row keeps its text, and whether
# it reads as null shows in the measures (the exceptions about the record, and the case's measure outcome).
def auth_date_unparseable(b, ref):
    return _assessment(b, _authorised_long_ago, "cina_assessment_auth_date", "not recorded", ref,
                       rule_id="ASMT_AUTH_VALID", kpi_id="ASSESS_45WD", listed=True, status="overdue")


def auth_date_31_february(b, ref):
    return _assessment(b, _authorised_long_ago, "cina_assessment_auth_date", "31/02/2026", ref,
                       rule_id="ASMT_AUTH_VALID", kpi_id="ASSESS_45WD", listed=True, status="overdue")


def auth_date_30_february_iso(b, ref):
    return _assessment(b, _authorised_long_ago, "cina_assessment_auth_date", "2026-02-30", ref,
                       rule_id="ASMT_AUTH_VALID", kpi_id="ASSESS_45WD", listed=True, status="overdue")


def auth_date_year_0000(b, ref):
    """Year 0000 is no calendar year (a parser would read it as 1 BC): an unreadable date."""
    return _assessment(b, _authorised_long_ago, "cina_assessment_auth_date", "0000-01-01 00:00:00", ref,
                       rule_id="ASMT_AUTH_VALID", kpi_id="ASSESS_45WD", listed=True, status="overdue")


def auth_date_after_d(b, ref):
    return _assessment(b, _authorised_long_ago, "cina_assessment_auth_date", (D + 10 * DAY).isoformat(), ref,
                       rule_id="ASMT_AUTH_NOT_FUTURE", kpi_id="ASSESS_45WD", listed=True, status="overdue")


def start_date_wrong_separators(b, ref):
    """An open assessment whose start is unreadable leaves ASSESS_45WD (catalogue: no start, no clock)."""
    t = b.t("ssd_cin_assessments")
    row = b.pick("ssd_cin_assessments", _open_long_ago)
    start = _d(t, row, "cina_assessment_start_date")
    t.set(row, "cina_assessment_start_date", None if ref else start.strftime("%Y/%m/%d"))
    return Mark("ssd_cin_assessments", [row], "cina_assessment_start_date", t.get(row, "cina_assessment_id"),
                t.get(row, "cina_person_id"), "ASMT_START_VALID", kpi_id="ASSESS_45WD", listed=False)


def referral_not_in_extract(b, ref):
    """A broken referral link reads as null: the 45 working days count from the assessment start."""
    t, referrals = b.t("ssd_cin_assessments"), b.t("ssd_cin_episodes")
    dates = {referrals.get(r, "cine_referral_id"): _d(referrals, r, "cine_referral_date") for r in referrals.rows}

    def fits(t, r):
        ref_date = dates.get(t.get(r, "cina_referral_id"))
        start = _d(t, r, "cina_assessment_start_date")
        return (_open_long_ago(t, r) and ref_date is not None and ref_date < start
                and add_wd(ref_date, 45) != add_wd(start, 45))
    row = b.pick("ssd_cin_assessments", fits)
    start = _d(t, row, "cina_assessment_start_date")
    t.set(row, "cina_referral_id", None if ref else "REF-NOT-IN-EXTRACT")
    return Mark("ssd_cin_assessments", [row], "cina_referral_id", t.get(row, "cina_assessment_id"),
                t.get(row, "cina_person_id"), "ASMT_REFERRAL_EXISTS", kpi_id="ASSESS_45WD", listed=True,
                status="overdue", due_date=add_wd(start, 45))


def person_id_empty(b, ref):
    m = _assessment(b, _open_long_ago, "cina_person_id", None, ref, rule_id="ASMT_PERSON_REQUIRED",
                    kpi_id="ASSESS_45WD", listed=True, status="overdue")
    m.person_in_row = ""
    return m


def person_not_in_extract(b, ref):
    """A broken person link: the assessment is still listed, its person read as null
    (docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run)."""
    m = _assessment(b, _open_long_ago, "cina_person_id", "PERSON-NOT-IN-EXTRACT", ref,
                    rule_id="ASMT_PERSON_EXISTS", kpi_id="ASSESS_45WD", listed=True, status="overdue")
    m.person_in_row = ""
    return m


def nfa_flag_unknown(b, ref):
    """An unknown NFA flag reads as not NFA (docs/conventions.md#flags): an authorised assessment of an open
    referral, the child with nothing else open, becomes NO_CURRENT_PLAN."""
    one_referral = _people_with_one(b, "ssd_cin_episodes", "cine_person_id")
    planned = {b.t(t).get(r, c) for t, c in (("ssd_cin_plans", "cinp_person_id"), ("ssd_cp_plans", "cppl_person_id"),
                                           ("ssd_cla_episodes", "clae_person_id")) for r in b.t(t).rows}
    episodes = b.t("ssd_cin_episodes")
    open_referral = {episodes.get(r, "cine_referral_id"): episodes.get(r, "cine_person_id") for r in episodes.rows
                     if episodes.get(r, "cine_close_date") is None and (_d(episodes, r, "cine_referral_date") or D) < D
                     and episodes.get(r, "cine_person_id") in one_referral - planned}
    per_referral = Counter(b.t("ssd_cin_assessments").get(r, "cina_referral_id")
                           for r in b.t("ssd_cin_assessments").rows)

    def fits(t, r):
        referral = t.get(r, "cina_referral_id")
        auth = _d(t, r, "cina_assessment_auth_date")
        return (referral in open_referral and per_referral[referral] == 1
                and t.get(r, "cina_person_id") == open_referral[referral]
                and t.get(r, "cina_assessment_outcome_nfa") == "Y" and auth is not None and auth <= D - 30 * DAY
                and _d(t, r, "cina_assessment_start_date") is not None)
    t = b.t("ssd_cin_assessments")
    row = b.pick("ssd_cin_assessments", fits)
    person = t.get(row, "cina_person_id")
    t.set(row, "cina_assessment_outcome_nfa", None if ref else "Maybe")
    return Mark("ssd_cin_assessments", [row], "cina_assessment_outcome_nfa", person, person,
                "ASMT_NFA_FLAG_VALID", kpi_id="NO_CURRENT_PLAN", listed=True, status="overdue",
                gap_record=t.get(row, "cina_assessment_id"))


def plan_end_date_unreadable(b, ref):
    """A closed CP plan whose end date cannot be read is open: its CP visits are long overdue."""
    single = _people_with_one(b, "ssd_cp_plans", "cppl_person_id")

    def fits(t, r):
        start, end = _d(t, r, "cppl_cp_plan_start_date"), _d(t, r, "cppl_cp_plan_end_date")
        return bool(start and end and start + 60 * DAY < end <= D - 90 * DAY and t.get(r, "cppl_person_id") in single)
    t = b.t("ssd_cp_plans")
    row = b.pick("ssd_cp_plans", fits)
    end = _d(t, row, "cppl_cp_plan_end_date")
    t.set(row, "cppl_cp_plan_end_date", None if ref else end.strftime("%d.%m.%Y"))
    return Mark("ssd_cp_plans", [row], "cppl_cp_plan_end_date", t.get(row, "cppl_cp_plan_id"),
                t.get(row, "cppl_person_id"), "CPPL_CP_PLAN_END_DATE_VALID_DATE", kpi_id="CP_VISIT", listed=True,
                status="overdue")


def plan_key_repeated_after(b, ref):
    """A later row repeats an open plan's key, closed: the first row counts, the plan stays on CP_DURATION."""
    t = b.t("ssd_cp_plans")
    row = _open_cp_plan(b, started_before=D - 600 * DAY)
    rows = [row]
    if not ref:
        copy = list(row)
        t.set(copy, "cppl_cp_plan_end_date", _same_style(t, "cppl_cp_plan_end_date", D - 10 * DAY))
        t.rows.append(copy)
        rows.append(copy)
    return Mark("ssd_cp_plans", rows, "cppl_cp_plan_id", t.get(row, "cppl_cp_plan_id"), t.get(row, "cppl_person_id"),
                "CPP_ID_UNIQUE", kpi_id="CP_DURATION", listed=True, status="watch")


def plan_key_repeated_before(b, ref):
    """A row before an open plan repeats its key, closed: that first row counts, so the plan is closed."""
    t = b.t("ssd_cp_plans")
    row = _open_cp_plan(b, started_before=D - 600 * DAY)
    copy = list(row)
    t.set(copy, "cppl_cp_plan_end_date", _same_style(t, "cppl_cp_plan_end_date", D - 10 * DAY))
    at = t.rows.index(row)
    t.rows.insert(at, copy)
    if ref:
        t.rows.remove(row)
    return Mark("ssd_cp_plans", [copy] if ref else [copy, row], "cppl_cp_plan_id", t.get(row, "cppl_cp_plan_id"),
                t.get(row, "cppl_person_id"), "CPP_ID_UNIQUE", kpi_id="CP_DURATION", listed=False)


def visit_seen_flag_unknown(b, ref):
    """A CP visit yesterday whose 'seen' flag is unknown is not a seen visit: the plan's clock is not reset
    (a seen visit yesterday would put it beyond the due-soon horizon), so CP_VISIT still lists it."""
    plan = _open_cp_plan(b, started_before=D - 90 * DAY, unvisited_since=D - 21 * DAY)
    plans = b.t("ssd_cp_plans")
    plan_id = plans.get(plan, "cppl_cp_plan_id")
    row = _new_cp_visit(b, plan, plan_id=plan_id, seen=None if ref else "Maybe", visit_id="CPPV-CORPUS-SEEN")
    return Mark("ssd_cp_visits", [row], "cppv_cp_visit_seen", plan_id, plans.get(plan, "cppl_person_id"),
                "CPV_SEEN_VALID", kpi_id="CP_VISIT", listed=True, gap_record="CPPV-CORPUS-SEEN")


def visit_plan_not_in_extract(b, ref):
    """A seen CP visit yesterday naming a plan not in the extract: the link reads as null, so the visit
    belongs to the child's plan through the person (docs/conventions.md#belonging-to-a-plan) and the plan is
    not overdue."""
    plan = _open_cp_plan(b, started_before=D - 90 * DAY, unvisited_since=D - 21 * DAY)
    plans = b.t("ssd_cp_plans")
    row = _new_cp_visit(b, plan, plan_id=None if ref else "CPP-NOT-IN-EXTRACT", seen="Y",
                        visit_id="CPPV-CORPUS-LINK")
    return Mark("ssd_cp_visits", [row], "cppv_cp_plan_id", plans.get(plan, "cppl_cp_plan_id"),
                plans.get(plan, "cppl_person_id"), "CPV_PLAN_EXISTS", kpi_id="CP_VISIT", listed=False,
                gap_record="CPPV-CORPUS-LINK")


def core_group_date_after_d(b, ref):
    t = b.t("ssd_ext_core_groups")
    row = b.pick("ssd_ext_core_groups", lambda t, r: _d(t, r, "cogr_meeting_date") is not None)
    t.set(row, "cogr_meeting_date", None if ref else (D + DAY).isoformat())
    return Mark("ssd_ext_core_groups", [row], "cogr_meeting_date", t.get(row, "cogr_core_group_id"),
                t.get(row, "cogr_person_id"), "COGR_MEETING_DATE_NOT_FUTURE")


def core_group_key_three_times(b, ref):
    t = b.t("ssd_ext_core_groups")
    row = b.pick("ssd_ext_core_groups", lambda t, r: _d(t, r, "cogr_meeting_date") is not None)
    rows = [row]
    if not ref:
        for days in (3, 5):
            copy = list(row)
            t.set(copy, "cogr_meeting_date", (_d(t, row, "cogr_meeting_date") + days * DAY).isoformat())
            t.rows.append(copy)
            rows.append(copy)
    return Mark("ssd_ext_core_groups", rows, "cogr_core_group_id", t.get(row, "cogr_core_group_id"),
                t.get(row, "cogr_person_id"), "COGR_CORE_GROUP_ID_UNIQUE")


def death_date_after_d(b, ref):
    """A date of death is no due, target or expected date: after D it is a gap, read as null."""
    t = b.t("ssd_person")
    row = b.pick("ssd_person", lambda t, r: t.get(r, "pers_death_date") is None and _d(t, r, "pers_dob") is not None)
    t.set(row, "pers_death_date", None if ref else _same_style(t, "pers_dob", D + 30 * DAY))
    return Mark("ssd_person", [row], "pers_death_date", t.get(row, "pers_person_id"), t.get(row, "pers_person_id"),
                "PERS_DEATH_DATE_NOT_FUTURE")


def family_key_twice(b, ref):
    """ssd_family's row key (fami_table_id) repeated by a later row for another family: both flagged."""
    t = b.t("ssd_family")
    row = b.pick("ssd_family", lambda t, r: t.get(r, "fami_family_id") is not None)
    rows = [row]
    if not ref:
        copy = list(row)
        t.set(copy, "fami_family_id", "FAMILY-NOT-REAL")
        t.rows.append(copy)
        rows.append(copy)
    return Mark("ssd_family", rows, "fami_table_id", t.get(row, "fami_table_id"), t.get(row, "fami_person_id"),
                "FAMI_TABLE_ID_UNIQUE", staged={"fami_family_id": t.get(row, "fami_family_id")})


def review_person_not_in_extract(b, ref):
    """A CLA review naming an unknown child (release 1.4.5's clar_cla_person_id): a gap, read as null."""
    t = b.t("ssd_cla_reviews")
    row = b.pick("ssd_cla_reviews", lambda t, r: t.get(r, "clar_cla_person_id") is not None
                 and t.get(r, "clar_cla_id") is not None)
    person = t.get(row, "clar_cla_person_id")
    t.set(row, "clar_cla_person_id", None if ref else "PERSON-NOT-IN-EXTRACT")
    return Mark("ssd_cla_reviews", [row], "clar_cla_person_id", t.get(row, "clar_cla_review_id"), person,
                "CLAR_CLA_PERSON_ID_REFERENCES")


def team_key_repeated_in_parquet(b, ref):
    """ssd_department is Parquet: a later row repeating a team, under an unknown area, is ignored."""
    t = b.t("ssd_department")
    assert t.fmt == "parquet"
    row = b.pick("ssd_department", lambda t, r: t.get(r, "dept_team_parent_id") is not None)
    rows = [row]
    if not ref:
        copy = list(row)
        t.set(copy, "dept_team_parent_id", "AREA-NOT-REAL")
        t.set(copy, "dept_team_parent_name", "Nowhere")
        t.rows.append(copy)
        rows.append(copy)
    return Mark("ssd_department", rows, "dept_team_id", t.get(row, "dept_team_id"), None, "DEPT_TEAM_ID_UNIQUE")


def cin_visit_29_february_2026(b, ref):
    t = b.t("ssd_cin_visits")
    row = b.pick("ssd_cin_visits", lambda t, r: _d(t, r, "cinv_cin_visit_date") is not None)
    t.set(row, "cinv_cin_visit_date", None if ref else "29/02/2026")
    return Mark("ssd_cin_visits", [row], "cinv_cin_visit_date", t.get(row, "cinv_cin_visit_id"),
                t.get(row, "cinv_person_id"), "CINV_CIN_VISIT_DATE_VALID_DATE")


def cin_visit_seen_flag_unknown(b, ref):
    t = b.t("ssd_cin_visits")
    row = b.pick("ssd_cin_visits", lambda t, r: (t.get(r, "cinv_cin_visit_seen") or "").upper() in YES)
    t.set(row, "cinv_cin_visit_seen", None if ref else "Seen")
    return Mark("ssd_cin_visits", [row], "cinv_cin_visit_seen", t.get(row, "cinv_cin_visit_id"),
                t.get(row, "cinv_person_id"), "CINV_CIN_VISIT_SEEN_VALID_FLAG")


def referral_person_only_spaces(b, ref):
    """A required id of only spaces is empty as the measures read it (trimmed): it is a gap too."""
    t = b.t("ssd_cin_episodes")
    row = b.pick("ssd_cin_episodes", lambda t, r: t.get(r, "cine_person_id") is not None)
    person = t.get(row, "cine_person_id")
    t.set(row, "cine_person_id", None if ref else "   ")
    return Mark("ssd_cin_episodes", [row], "cine_person_id", t.get(row, "cine_referral_id"), person,
                "CINE_PERSON_ID_REQUIRED")


def referral_closed_before_it_started(b, ref):
    """Not a value that reads as null (the contract names no such rule): a gap, and the run goes on."""
    t = b.t("ssd_cin_episodes")
    row = b.pick("ssd_cin_episodes", lambda t, r: _d(t, r, "cine_referral_date") is not None
                 and _d(t, r, "cine_close_date") is not None)
    closed = _d(t, row, "cine_referral_date") - 5 * DAY
    t.set(row, "cine_close_date", _same_style(t, "cine_close_date", closed))
    return Mark("ssd_cin_episodes", [row], "cine_close_date", t.get(row, "cine_referral_id"),
                t.get(row, "cine_person_id"), "CINE_CLOSE_DATE_NOT_BEFORE", staged={"cine_close_date": closed})


def review_due_date_after_d(b, ref):
    """Due, target and expected dates are exempt from "in the future": no gap."""
    t = b.t("ssd_cp_reviews")
    row = b.pick("ssd_cp_reviews", lambda t, r: _d(t, r, "cppr_cp_review_date") is not None)
    t.set(row, "cppr_cp_review_due", (D + 200 * DAY).isoformat())
    return Mark("ssd_cp_reviews", [row], "cppr_cp_review_due", t.get(row, "cppr_cp_review_id"),
                t.get(row, "cppr_person_id"), None, staged={"cppr_cp_review_due": D + 200 * DAY})


def visit_on_d_itself(b, ref):
    """"In the future" means after D: a visit dated D is no gap."""
    t = b.t("ssd_cla_visits")
    row = b.pick("ssd_cla_visits", lambda t, r: _d(t, r, "clav_cla_visit_date") is not None)
    t.set(row, "clav_cla_visit_date", AS_AT)
    return Mark("ssd_cla_visits", [row], "clav_cla_visit_date", t.get(row, "clav_cla_visit_id"),
                t.get(row, "clav_person_id"), None, staged={"clav_cla_visit_date": D})


def s47_outcome_json_malformed(b, ref):
    t = b.t("ssd_s47_enquiry")
    row = b.pick("ssd_s47_enquiry", lambda t, r: (t.get(r, "s47e_s47_outcome_json") or "").startswith("{"))
    t.set(row, "s47e_s47_outcome_json", None if ref else '{"NFA_FLAG":"N","CP_CONFERENCE_FLAG":"Y"')
    return Mark("ssd_s47_enquiry", [row], "s47e_s47_outcome_json", t.get(row, "s47e_s47_enquiry_id"),
                t.get(row, "s47e_person_id"), "S47E_S47_OUTCOME_JSON_VALID_JSON",
                read_as=("csc_json_flag(s47e_s47_outcome_json, 'CP_CONFERENCE_FLAG')", None))


BAD_VALUES = [
    BadValue("date_unparseable", "assessment authorised 'not recorded'", auth_date_unparseable),
    BadValue("date_31_02", "assessment authorised 31/02/2026", auth_date_31_february),
    BadValue("date_2026_02_30", "assessment authorised 2026-02-30", auth_date_30_february_iso),
    BadValue("date_29_02_non_leap", "CIN visit on 29/02/2026 (not a leap year)", cin_visit_29_february_2026),
    BadValue("date_wrong_separators", "assessment started 2025/03/15", start_date_wrong_separators),
    BadValue("date_dotted", "CP plan ended 15.03.2026", plan_end_date_unreadable),
    BadValue("date_year_0000", "assessment authorised 0000-01-01 00:00:00", auth_date_year_0000),
    BadValue("date_after_d", "assessment authorised 10 days after D", auth_date_after_d),
    BadValue("date_day_after_d", "core group the day after D", core_group_date_after_d),
    BadValue("due_date_after_d", "CP review due 200 days after D (exempt)", review_due_date_after_d),
    BadValue("date_on_d", "looked-after visit dated D itself", visit_on_d_itself),
    BadValue("flag_unknown_nfa", "assessment NFA flag 'Maybe'", nfa_flag_unknown),
    BadValue("flag_unknown_seen_cp", "CP visit seen flag 'Maybe'", visit_seen_flag_unknown),
    BadValue("flag_unknown_seen_cin", "CIN visit seen flag 'Seen'", cin_visit_seen_flag_unknown),
    BadValue("required_empty", "assessment with no person id", person_id_empty),
    BadValue("required_only_spaces", "referral person id of spaces", referral_person_only_spaces),
    BadValue("duplicate_key_after", "CP plan key repeated by a later, closed row", plan_key_repeated_after),
    BadValue("duplicate_key_before", "CP plan key repeated by an earlier, closed row", plan_key_repeated_before),
    BadValue("duplicate_key_three_rows", "core group key on three rows", core_group_key_three_times),
    BadValue("death_date_after_d", "date of death 30 days after D", death_date_after_d),
    BadValue("duplicate_key_family", "ssd_family row key repeated for another family", family_key_twice),
    BadValue("duplicate_key_parquet", "team key repeated in the Parquet ssd_department",
             team_key_repeated_in_parquet),
    BadValue("broken_reference_referral", "assessment's referral not in the extract", referral_not_in_extract),
    BadValue("broken_reference_person", "assessment's person not in the extract", person_not_in_extract),
    BadValue("broken_reference_review_person", "CLA review's child not in the extract",
             review_person_not_in_extract),
    BadValue("broken_reference_plan", "CP visit's plan not in the extract", visit_plan_not_in_extract),
    BadValue("end_before_start", "referral closed 5 days before it started", referral_closed_before_it_started),
    BadValue("json_malformed", "s47 outcome JSON cut short", s47_outcome_json_malformed),
]


def build(base: Path, planted_gaps: list[dict], folder: Path, *, reference: bool) -> dict[str, Mark]:
    """Write the combined extract (bad, or its reference) into `folder`; return each case's mark."""
    shutil.copytree(base, folder)
    b = Builder(base, planted_gaps)
    marks = {case.id: case.build(b, reference) for case in BAD_VALUES}
    for mark in marks.values():
        mark.row_numbers = [b.t(mark.table).row_number(r) for r in mark.rows]
    b.write(folder)
    for table in MISSING_TABLES:
        for suffix in (".csv", ".parquet"):
            (folder / f"{table}{suffix}").unlink(missing_ok=True)
    return marks


