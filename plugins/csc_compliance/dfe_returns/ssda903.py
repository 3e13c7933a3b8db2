"""An SSDA903 return (the DfE's looked-after children collection) as SSD extract tables.

Input: a folder of the return's CSV tables, as the DfE's 903 guidance names them (header row, one row per
record, dates DD/MM/YYYY). Read: `header.csv` and `episodes.csv` (both needed), `reviews.csv` (optional).
A child's id (`CHILD`) is the authority's own child id, the same one its CIN census carries as `LAchildID`,
so it is used unchanged as the SSD person id.

Field mapping
-------------
header.csv -> ssd_person (one row per CHILD)
    CHILD -> pers_person_id, pers_legacy_id;  DOB -> pers_dob;  SEX 1/2 -> pers_sex M/F (other values
    passed through);  ETHNIC -> pers_ethnicity;  UPN -> pers_upn;  MOTHER 1/0 -> pers_is_mother Y/N.
    A child in episodes.csv or reviews.csv but not in header.csv still gets a person row, with the DOB
    reviews.csv carries (else none: a recording gap for the product).

episodes.csv -> ssd_cla_episodes (one row per episode, in DECOM order per child)
    clae_cla_episode_id = `<CHILD>-E<DECOM>`;  DECOM -> clae_cla_episode_start_date;
    RNE -> clae_cla_episode_start_reason;  CIN (category of need) -> clae_cla_primary_need_code;
    DEC -> clae_cla_episode_ceased_date;  REC -> clae_cla_episode_ceased_reason.
    Period of care: a child's episodes in DECOM order; a new period starts at the child's first episode,
    at an episode whose RNE is `S` (started to be looked after), and after an episode that ended with a
    REC other than `X1` (X1 = "episode ceases and new one starts on the same day"; every other REC means
    the child ceased to be looked after). clae_cla_id = `<CHILD>-C<DECOM of the period's first episode>`
    (stable: the child and the start of the period); clae_entered_care_date = that start, on every
    episode of the period.  clae_cla_placement_id = the episode's placement (below).
episodes.csv -> ssd_cla_placement (one row per placement)
    A placement starts at a period's first episode and at every episode whose RNE is a change of placement
    (P, B, T, U); an `L` episode (legal status change only) continues the placement.
    clap_cla_placement_id = `<CHILD>-P<DECOM>`;  clap_cla_id = the period;  clap_person_id = CHILD;
    start = DECOM of its first episode;  end = DEC of its last episode (empty while open);
    PLACE -> clap_cla_placement_type;  URN -> clap_cla_placement_urn;  PLACE_PROVIDER ->
    clap_cla_placement_provider;  PL_POST -> clap_cla_placement_postcode;  REASON_PLACE_CHANGE of the
    last episode (recorded where the placement ends) -> clap_cla_placement_change_reason.
reviews.csv -> ssd_cla_reviews (one row per review)
    clar_cla_review_id = `<CHILD>-R<REVIEW>`;  clar_cla_person_id = CHILD;  REVIEW -> clar_cla_review_date;
    REVIEW_CODE (participation, PN0-PN7) -> clar_cla_review_participation;  clar_cla_review_cancelled = N
    (the 903 records reviews held);  clar_cla_id = the child's period of care open on the review date
    (start on or before it, end null or on or after it), else empty (the product then ties it to the
    child's period through the person, docs/conventions.md#belonging-to-a-plan).

Repeats: two episodes, placements or reviews of one child on the same date get `-2`, `-3` ... ids.

Not carried (tables left absent, so the product reports the measures needing them "not available"):
visits to looked-after children (ssd_cla_visits), care plans (ssd_cla_care_plan), pathway plan reviews
(ssd_care_leavers: the 903's OC3 `IN_TOUCH`/`ACTIV`/`ACCOM` has no review date, and a care-leaver table
without one would list every care leaver as overdue), workers, teams and allocations (ssd_professionals,
ssd_department, ssd_involvements), the IRO's last contact, placement distance, review due dates, referral
links. Tables the 903 carries but the product does not read are not written: UASC, missing episodes,
OC2 health, placed for adoption, previous permanence, adopters (AD1), social-worker episodes."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from csc_compliance.dfe_returns._tables import IdMaker, Tables, uk_date

PLACEMENT_CHANGE = {"P", "B", "T", "U"}   # RNE codes that start a new placement
SAME_DAY_NEW_EPISODE = "X1"                # REC: the episode ends and another starts the same day
SEX = {"1": "M", "2": "F"}


def read_table(path: Path) -> list[dict]:
    """A 903 CSV table as row dicts, header names upper-cased and stripped, values stripped."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return []
    head = [h.strip().upper() for h in rows[0]]
    return [{h: (v.strip() if i < len(r) and (v := r[i]) is not None else "") for i, h in enumerate(head)}
            for r in rows[1:] if any(c.strip() for c in r)]


def _find(folder: Path, name: str) -> Path | None:
    for p in folder.iterdir():
        if p.name.lower() == name:
            return p
    return None


def convert_903(folder: Path | str) -> Tables:
    """The SSD tables of one SSDA903 return folder (see the module docstring)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"903 folder {folder} does not exist or is not a folder")
    paths = {n: _find(folder, f"{n}.csv") for n in ("header", "episodes", "reviews")}
    for n in ("header", "episodes"):
        if paths[n] is None:
            raise ValueError(f"903 folder {folder} has no {n}.csv")
    header = read_table(paths["header"])
    episodes = read_table(paths["episodes"])
    reviews = read_table(paths["reviews"]) if paths["reviews"] else []
    for name, rows, need in (("header", header, ("CHILD", "DOB")), ("episodes", episodes, ("CHILD", "DECOM")),
                             ("reviews", reviews, ("CHILD", "REVIEW"))):
        if rows and any(c not in rows[0] for c in need):
            raise ValueError(f"903 {name}.csv lacks column(s) {[c for c in need if c not in rows[0]]}")
    return _convert(header, episodes, reviews)


def _convert(header: list[dict], episodes: list[dict], reviews: list[dict]) -> Tables:
    t = Tables()
    persons: dict[str, dict] = {}
    for h in header:
        child = h["CHILD"]
        if not child or child in persons:
            continue
        sex = h.get("SEX", "")
        persons[child] = {
            "pers_person_id": child, "pers_legacy_id": child, "pers_dob": uk_date(h.get("DOB")),
            "pers_sex": SEX.get(sex, sex or None), "pers_ethnicity": h.get("ETHNIC") or None,
            "pers_upn": h.get("UPN") or None,
            "pers_is_mother": {"1": "Y", "0": "N"}.get(h.get("MOTHER", ""), h.get("MOTHER") or None),
        }

    by_child: dict[str, list[dict]] = defaultdict(list)
    for e in episodes:
        if e["CHILD"]:
            by_child[e["CHILD"]].append(e)
    epi_id, pl_id, period_spans = IdMaker(), IdMaker(), defaultdict(list)
    for child, eps in by_child.items():
        # stable order: by start date (ISO sorts), file order among equal starts
        eps = sorted(eps, key=lambda e: (uk_date(e.get("DECOM")) or ""))
        period = start = None
        placement = None
        prev = None
        for e in eps:
            decom, dec = uk_date(e.get("DECOM")), uk_date(e.get("DEC"))
            rne, rec = e.get("RNE", "").upper(), e.get("REC", "").upper()
            new_period = prev is None or rne == "S" or (prev.get("REC", "").upper() not in ("", SAME_DAY_NEW_EPISODE))
            if new_period:
                start = decom
                period = f"{child}-C{start or 'nodate'}"
                period_spans[child].append([period, start, dec])
                placement = None
            else:
                period_spans[child][-1][2] = dec
            if placement is None or rne in PLACEMENT_CHANGE:
                placement = {
                    "clap_cla_placement_id": pl_id(child, f"P{decom or 'nodate'}"),
                    "clap_cla_id": period, "clap_person_id": child,
                    "clap_cla_placement_start_date": decom, "clap_cla_placement_end_date": dec,
                    "clap_cla_placement_type": e.get("PLACE") or None,
                    "clap_cla_placement_urn": e.get("URN") or None,
                    "clap_cla_placement_provider": e.get("PLACE_PROVIDER") or None,
                    "clap_cla_placement_postcode": e.get("PL_POST") or None,
                    "clap_cla_placement_change_reason": e.get("REASON_PLACE_CHANGE") or None,
                }
                t.add("ssd_cla_placement", placement)
            else:   # legal status change only: the placement goes on; its end and reason are the latest episode's
                placement["clap_cla_placement_end_date"] = dec
                placement["clap_cla_placement_change_reason"] = e.get("REASON_PLACE_CHANGE") or None
            t.add("ssd_cla_episodes", {
                "clae_cla_episode_id": epi_id(child, f"E{decom or 'nodate'}"), "clae_person_id": child,
                "clae_cla_episode_start_date": decom, "clae_cla_episode_start_reason": rne or None,
                "clae_cla_primary_need_code": e.get("CIN") or None,
                "clae_cla_episode_ceased_date": dec, "clae_cla_episode_ceased_reason": rec or None,
                "clae_cla_id": period, "clae_cla_placement_id": placement["clap_cla_placement_id"],
                "clae_entered_care_date": start,
            })
            prev = e

    rev_id = IdMaker()
    for r in reviews:
        child = r["CHILD"]
        if not child:
            continue
        day = uk_date(r.get("REVIEW"))
        period = None
        for pid, start, end in period_spans.get(child, []):
            if day and start and start <= day and (end is None or day <= end):
                period = pid      # the latest-starting period holding the date
        t.add("ssd_cla_reviews", {
            "clar_cla_review_id": rev_id(child, f"R{day or 'nodate'}"), "clar_cla_id": period,
            "clar_cla_person_id": child, "clar_cla_review_date": day, "clar_cla_review_cancelled": "N",
            "clar_cla_review_participation": r.get("REVIEW_CODE") or None,
        })
        if child not in persons:
            persons[child] = {"pers_person_id": child, "pers_legacy_id": child, "pers_dob": uk_date(r.get("DOB"))}
    for child in by_child:
        persons.setdefault(child, {"pers_person_id": child, "pers_legacy_id": child})
    for p in persons.values():
        t.add("ssd_person", p)
    for table in ("ssd_cla_episodes", "ssd_cla_placement", "ssd_cla_reviews"):
        t.setdefault(table, [])
    return t
