"""From families to children: the child-level view every table is built from.

Why a separate step: the journeys are drawn per family, but every SSD row is about one child. Here each
family referral becomes one referral per child (with the child's own ids), each plan one plan per
child, and a child's items stop at their 18th birthday (a looked-after child leaves care then). The
reporting date cuts everything: a record starting after it is not in the extract, an end after it is
left empty (still open)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_compliance.generate.events import join_many
from csc_compliance.generate.frame import ids
from csc_compliance.generate.journeys import SEG_CLA, World
from csc_compliance.generate.organisation import Allocation, Workforce, allocation_at
from csc_compliance.generate.profiles import Profile
from csc_compliance.generate.workcal import NULL, VectorCalendar


@dataclass
class Ctx:
    rng: np.random.Generator
    profile: Profile
    D: np.datetime64
    W: np.datetime64
    vc: VectorCalendar
    world: World
    wf: Workforce
    alloc: Allocation
    person_id: np.ndarray        # per child
    surname: np.ndarray          # per family
    # child referrals (one per family referral and child), sorted by child then date
    cr_fr: np.ndarray
    cr_child: np.ndarray
    cr_close: np.ndarray         # planned, child-level (NaT: never)
    cr_id: np.ndarray
    # child segments (plans and periods of care), sorted by child then start
    cs_seg: np.ndarray
    cs_cr: np.ndarray
    cs_child: np.ndarray
    cs_kind: np.ndarray
    cs_start: np.ndarray
    cs_end: np.ndarray           # planned, child-level
    cs_cla_code: np.ndarray      # index into journeys.CLA_END_CODES, or 5 (E17) when ended at 18
    cs_ended_at_18: np.ndarray

    def cens(self, end: np.ndarray) -> np.ndarray:
        """An end after the reporting date has not happened yet: null."""
        end = np.asarray(end, dtype="datetime64[D]")
        return np.where(end > self.D, NULL, end)

    def worker_at(self, fr: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(worker id, team id) of the allocated worker on each (family referral, day); None if none."""
        idx = allocation_at(self.alloc, fr, day)
        ok = idx >= 0
        w = np.full(len(fr), None, dtype=object)
        t = np.full(len(fr), None, dtype=object)
        wi = self.alloc.worker[idx[ok]]
        w[ok] = self.wf.prof_id[wi]
        t[ok] = team_ids()[self.alloc.team[idx[ok]]]
        return w, t


def team_ids() -> np.ndarray:
    from csc_compliance.generate.organisation import team_id
    return np.array([team_id(t // 3, t % 3) for t in range(9)], dtype=object)


def build(rng, profile: Profile, D, W, vc, world: World, wf: Workforce, alloc: Allocation) -> Ctx:
    from csc_compliance.generate import names
    ch, r, s = world.children, world.referrals, world.segments
    n_ch = len(ch.fam)
    numbers = 1_000_000 + rng.choice(8_999_999, size=n_ch, replace=False)
    person_id = np.array([str(x) for x in numbers], dtype=object)
    surname = names.surnames(rng, len(world.families.size))

    fr, child = join_many(r.fam, ch.fam)
    keep = (r.ref[fr] < ch.bday18[child]) & (r.ref[fr] <= D)
    fr, child = fr[keep], child[keep]
    order = np.lexsort((r.ref[fr].astype(np.int64), child))
    fr, child = fr[order], child[order]
    close = np.fmin(r.close[fr], ch.bday18[child])
    cr_id = ids("REF", np.arange(1, len(fr) + 1), 7)

    seg, cr = join_many(s.fr, fr)
    c = child[cr]
    start = s.start[seg]
    is_cla = s.kind[seg] == SEG_CLA
    # a baby cannot be looked after before birth: care starts at birth
    start = np.where(is_cla & ~np.isnat(ch.dob[c]) & (ch.dob[c] > start), ch.dob[c], start)
    end = np.fmin(s.end[seg], ch.bday18[c])
    keep = (start < ch.bday18[c]) & (start <= D) & (np.isnat(end) | (end > start))
    seg, cr, c, start, end = seg[keep], cr[keep], c[keep], start[keep], end[keep]
    at_18 = (end == ch.bday18[c]) & (s.end[seg] > ch.bday18[c])
    code = np.where(at_18, 5, s.cla_end_code[seg])
    order = np.lexsort((start.astype(np.int64), c))
    return Ctx(rng, profile, D, W, vc, world, wf, alloc, person_id, surname,
               fr, child, close, cr_id,
               seg[order], cr[order], c[order], s.kind[seg][order], start[order], end[order],
               code[order], at_18[order])
