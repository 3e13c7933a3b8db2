"""Planted recording gaps: the bad values real extracts contain, at small rates, on the bulk only.

Why planted deliberately: the product must turn every bad value into a recording gap without stopping
the run (docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), so the demo extract must contain each
kind. They are never put on sentinel rows (which sit after the bulk rows of every table), so the
sentinels' expected outcomes stay exact.

Two phases: `plant_typed` changes dates and adds rows while values are still typed (so formats.py
spells them like their neighbours); `plant_text` writes values no type can hold ("31/02/2024",
"Maybe", empty ids, duplicate rows). Each gap is recorded as {"kind", "table", "column",
"record_id", "row_number", "value"}; row_number counts data rows from 1 after the header."""
from __future__ import annotations

import numpy as np

from csc_compliance.generate.formats import DATE_STYLE, format_dates
from csc_compliance.generate.frame import Frame
from csc_compliance.generate.schema import columns
from csc_compliance.generate.workcal import VectorCalendar

DAY = np.timedelta64(1, "D")
KINDS = ("unparseable_date", "unknown_flag", "duplicate_key", "broken_reference", "future_date",
         "end_before_start", "required_empty", "cin_plan_open_with_cp", "icpc_without_s47",
         "icpc_on_weekend", "supervision_recorded_late")
KEYS = {t: columns(t)[0][0] for t in ("ssd_person", "ssd_cin_assessments", "ssd_cp_visits", "ssd_cin_visits",
                                      "ssd_cla_placement", "ssd_cp_plans", "ssd_cin_plans",
                                      "ssd_initial_cp_conference", "ssd_ext_supervisions", "ssd_cla_visits",
                                      "ssd_cla_reviews", "ssd_involvements", "ssd_cin_episodes")}


class Planter:
    def __init__(self, rng: np.random.Generator, D: np.datetime64, vc: VectorCalendar, rate: float,
                 n_bulk: dict[str, int]):
        self.rng, self.D, self.vc, self.rate, self.n_bulk = rng, D, vc, rate, dict(n_bulk)
        self.gaps: list[dict] = []      # with "_pos": position key, resolved to row_number at the end
        self.taken: dict[str, set] = {}  # rows already given a gap, per table: one gap per row

    def count(self, table: str, minimum: int = 2) -> int:
        return max(minimum, int(round(self.rate * self.n_bulk.get(table, 0))))

    def pick(self, table: str, candidates: np.ndarray, k: int) -> np.ndarray:
        """k distinct bulk rows of `table` among `candidates`, none already given a gap."""
        taken = self.taken.setdefault(table, set())
        candidates = np.asarray(candidates, dtype=np.int64)
        if taken:
            candidates = candidates[~np.isin(candidates, np.fromiter(taken, dtype=np.int64))]
        k = min(k, len(candidates))
        rows = np.sort(self.rng.choice(candidates, size=k, replace=False)) if k else np.array([], dtype=np.int64)
        taken.update(int(r) for r in rows)
        return rows

    def note(self, kind, table, column, record_id, pos, value):
        self.gaps.append({"kind": kind, "table": table, "column": column,
                          "record_id": None if record_id is None else str(record_id), "_pos": float(pos),
                          "value": None if value is None else str(value)})

    # -------------------------------------------------------------------------------------------
    def plant_typed(self, t: dict[str, Frame]) -> None:
        rng, D, vc = self.rng, self.D, self.vc
        # future dates in columns that are not due dates
        for table, col in (("ssd_cp_visits", "cppv_cp_visit_date"), ("ssd_cin_visits", "cinv_cin_visit_date"),
                           ("ssd_cla_visits", "clav_cla_visit_date")):
            f = t[table]
            rows = self.pick(table, np.arange(self.n_bulk[table]), self.count(table))
            f[col][rows] = D + rng.integers(3, 60, len(rows)) * DAY
            for r in rows:
                self.note("future_date", table, col, f[KEYS[table]][r], r, f[col][r])
        # an end before its start
        for table, s_col, e_col in (("ssd_cp_plans", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
                                    ("ssd_cin_plans", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
                                    ("ssd_cla_placement", "clap_cla_placement_start_date",
                                     "clap_cla_placement_end_date")):
            f = t[table]
            ended = np.flatnonzero(~np.isnat(f[e_col][:self.n_bulk[table]]))
            rows = self.pick(table, ended, self.count(table))
            f[e_col][rows] = f[s_col][rows] - rng.integers(1, 40, len(rows)) * DAY
            for r in rows:
                self.note("end_before_start", table, e_col, f[KEYS[table]][r], r, f[e_col][r])
        # ICPCs with no linked s47 (not transfer-in), and ICPCs held on a weekend
        f = t["ssd_initial_cp_conference"]
        n = self.n_bulk["ssd_initial_cp_conference"]
        linked = np.flatnonzero((f["icpc_icpc_transfer_in"][:n] == 0) & (f["icpc_s47_enquiry_id"][:n] != None)  # noqa: E711
                                & (f["icpc_icpc_date"][:n] > D - 365 * DAY))
        no_s47 = self.pick("ssd_initial_cp_conference", linked, self.count("ssd_initial_cp_conference", 3))
        f["icpc_s47_enquiry_id"][no_s47] = None
        for r in no_s47:
            self.note("icpc_without_s47", "ssd_initial_cp_conference", "icpc_s47_enquiry_id", f["icpc_icpc_id"][r], r,
                      None)
        weekend = self.pick("ssd_initial_cp_conference", linked, self.count("ssd_initial_cp_conference", 3))
        day = f["icpc_icpc_date"][weekend]
        dow = (day.astype(np.int64) - 4) % 7          # 0 = Monday
        sat = day - (dow - 5) * DAY - np.where(dow < 5, 7, 0) * DAY
        f["icpc_icpc_date"][weekend] = sat + np.where(rng.random(len(weekend)) < 0.5, 0, 1) * DAY
        for r in weekend:
            self.note("icpc_on_weekend", "ssd_initial_cp_conference", "icpc_icpc_date", f["icpc_icpc_id"][r], r,
                      f["icpc_icpc_date"][r])
        # supervisions recorded more than 5 working days after they took place
        f = t["ssd_ext_supervisions"]
        n = self.n_bulk["ssd_ext_supervisions"]
        old = np.flatnonzero(f["supv_supervision_date"][:n] < D - 40 * DAY)
        rows = self.pick("ssd_ext_supervisions", old, self.count("ssd_ext_supervisions", 3))
        f["supv_recorded_date"][rows] = vc.add_wd(f["supv_supervision_date"][rows], rng.integers(6, 20, len(rows)))
        for r in rows:
            self.note("supervision_recorded_late", "ssd_ext_supervisions", "supv_recorded_date",
                      f["supv_supervision_id"][r], r, f["supv_recorded_date"][r])
        # a CIN plan left open alongside a CP plan: new CIN plan rows, appended after the bulk
        cp = t["ssd_cp_plans"]
        n_cp = self.n_bulk["ssd_cp_plans"]
        open_cp = np.flatnonzero(np.isnat(cp["cppl_cp_plan_end_date"][:n_cp])
                                 & ~np.isnat(cp["cppl_cp_plan_start_date"][:n_cp]))
        rows = self.pick("ssd_cp_plans", open_cp, self.count("ssd_cp_plans", 3))
        cin = t["ssd_cin_plans"]
        n_cin_before = len(cin["cinp_cin_plan_id"])
        add = {c: np.empty(len(rows), dtype=v.dtype) for c, v in cin.items()}
        for _c, v in add.items():
            v[:] = np.datetime64("NaT") if v.dtype.kind == "M" else None
        add["cinp_cin_plan_id"] = np.array([f"CINP9{i:06d}" for i in range(1, len(rows) + 1)], dtype=object)
        add["cinp_referral_id"] = cp["cppl_referral_id"][rows]
        add["cinp_person_id"] = cp["cppl_person_id"][rows]
        add["cinp_cin_plan_start_date"] = cp["cppl_cp_plan_start_date"][rows] - rng.integers(30, 200, len(rows)) * DAY
        self._insert_rows(t, "ssd_cin_plans", add, at_end=False)
        for i, r in enumerate(rows):
            self.note("cin_plan_open_with_cp", "ssd_cin_plans", "cinp_cin_plan_end_date", add["cinp_cin_plan_id"][i],
                      self.n_bulk["ssd_cin_plans"] - len(rows) + i, cp["cppl_cp_plan_id"][r])
        self.n_cin_before = n_cin_before

    def _insert_rows(self, t, table, add, at_end):
        """Typed rows added after the bulk rows (before the sentinels)."""
        f = t[table]
        n = self.n_bulk[table]
        t[table] = {c: np.concatenate([f[c][:n], add[c], f[c][n:]]) for c in f}
        self.n_bulk[table] = n + len(next(iter(add.values())))

    # -------------------------------------------------------------------------------------------
    def plant_text(self, text: dict[str, dict[str, np.ndarray]]) -> None:
        """Values no type can hold. Each table gets a `_pos` key array so inserted rows keep order."""
        rng, D = self.rng, self.D
        self.pos = {tb: np.arange(len(next(iter(cols.values()))), dtype=float) for tb, cols in text.items()}
        self.pending: dict[str, list] = {}
        year = str(D)[:4]
        # unparseable dates
        for table, col, bad in (("ssd_cin_visits", "cinv_cin_visit_date", "31/02/" + str(int(year) - 1)),
                                ("ssd_cla_placement", "clap_cla_placement_end_date", "not known"),
                                ("ssd_cin_assessments", "cina_assessment_start_date", f"{int(year) - 1}-02-30")):
            cols = text[table]
            filled = np.flatnonzero(cols[col][:self.n_bulk[table]] != None)  # noqa: E711
            for r in self.pick(table, filled, self.count(table)):
                cols[col][r] = bad
                self.note("unparseable_date", table, col, cols[KEYS[table]][r], r, bad)
        # unknown flag values
        for table, col, bad in (("ssd_cp_visits", "cppv_cp_visit_seen", "Maybe"),
                                ("ssd_cin_assessments", "cina_assessment_outcome_nfa", "U"),
                                ("ssd_cla_reviews", "clar_cla_review_cancelled", "X")):
            cols = text[table]
            filled = np.flatnonzero(cols[col][:self.n_bulk[table]] != None)  # noqa: E711
            for r in self.pick(table, filled, self.count(table)):
                cols[col][r] = bad
                self.note("unknown_flag", table, col, cols[KEYS[table]][r], r, bad)
        # broken references
        for table, col, make_bad in (
                ("ssd_cin_assessments", "cina_referral_id", lambda i: f"REF9{i:06d}"),
                ("ssd_cin_visits", "cinv_person_id", lambda i: f"99{i:06d}"),     # 8 digits: no such person
                ("ssd_cp_visits", "cppv_cp_plan_id", lambda i: f"CPP9{i:06d}")):
            cols = text[table]
            for r in self.pick(table, np.arange(self.n_bulk[table]), self.count(table)):
                bad = make_bad(int(rng.integers(0, 999999)))
                cols[col][r] = bad
                self.note("broken_reference", table, col, cols[KEYS[table]][r], r, bad)
        # required fields left empty (assessment and visit person ids)
        for table, col in (("ssd_cin_assessments", "cina_person_id"), ("ssd_cp_visits", "cppv_person_id")):
            cols = text[table]
            for r in self.pick(table, np.arange(self.n_bulk[table]), self.count(table)):
                cols[col][r] = None
                self.note("required_empty", table, col, cols[KEYS[table]][r], r, None)
        # ... and a half-created person row with no person id (appended after the bulk)
        person = text["ssd_person"]
        src = int(rng.integers(0, self.n_bulk["ssd_person"]))
        self._dup_row(text, "ssd_person", src, after=self.n_bulk["ssd_person"] - 0.5,
                      change={"pers_person_id": None})
        self.note("required_empty", "ssd_person", "pers_person_id", None, self.n_bulk["ssd_person"] - 0.5, None)
        # duplicate keys: a repeated row right after its original (assessments, CP visits), and a second
        # person row sharing a person id (appended after the bulk)
        for table in ("ssd_cin_assessments", "ssd_cp_visits"):
            cols = text[table]
            for r in self.pick(table, np.arange(self.n_bulk[table]), self.count(table)):
                self._dup_row(text, table, int(r), after=r + 0.5)
                key = cols[KEYS[table]][r]
                self.note("duplicate_key", table, KEYS[table], key, r, key)
                self.note("duplicate_key", table, KEYS[table], key, r + 0.5, key)
        for r in self.pick("ssd_person", np.arange(self.n_bulk["ssd_person"]), self.count("ssd_person", 2)):
            key = person["pers_person_id"][r]
            self._dup_row(text, "ssd_person", int(r), after=self.n_bulk["ssd_person"] - 0.25 + r * 1e-9,
                          change={"pers_forename": None})
            self.note("duplicate_key", "ssd_person", "pers_person_id", key, r, key)
            self.note("duplicate_key", "ssd_person", "pers_person_id", key,
                      self.n_bulk["ssd_person"] - 0.25 + r * 1e-9, key)

    def _dup_row(self, text, table, src: int, after: float, change: dict | None = None):
        """Queue a copy of row `src` (as it is now), to be placed at position key `after`."""
        row = {c: v[src] for c, v in text[table].items()}
        row.update(change or {})
        self.pending.setdefault(table, []).append((after, row))

    def finish(self, text: dict[str, dict[str, np.ndarray]]) -> list[dict]:
        """Insert the queued rows in place and turn position keys into 1-based row numbers."""
        sorted_pos: dict[str, np.ndarray] = {}
        for table, rows in self.pending.items():
            cols = text[table]
            pos = np.concatenate([self.pos[table], np.array([p for p, _ in rows], dtype=float)])
            for c in cols:
                extra = np.empty(len(rows), dtype=object)
                extra[:] = [r[c] for _, r in rows]
                cols[c] = np.concatenate([cols[c], extra])
            order = np.argsort(pos, kind="stable")
            text[table] = {c: v[order] for c, v in cols.items()}
            sorted_pos[table] = pos[order]
        out = []
        for g in self.gaps:
            g = dict(g)
            pos = g.pop("_pos")
            sp = sorted_pos.get(g["table"])
            g["row_number"] = int(np.searchsorted(sp, pos)) + 1 if sp is not None else int(pos) + 1
            if g["value"] is not None and g["kind"] in ("future_date", "end_before_start", "icpc_on_weekend",
                                                       "supervision_recorded_late"):
                g["value"] = format_dates(np.array([g["value"]], dtype="datetime64[D]"),
                                          DATE_STYLE.get(g["table"], "iso"))[0]
            out.append(g)
        return out
