"""A CIN census return (the DfE's children in need collection, XML) as SSD extract tables.

Input: one census XML file: `Message/Children/Child`, each with `ChildIdentifiers`,
`ChildCharacteristics` and one `CINdetails` per referral (CIN episode). Element names are matched
without their namespace. `LAchildID` is the authority's own child id (the one its SSDA903 carries as
`CHILD`), used unchanged as the SSD person id. Dates are xs:date (YYYY-MM-DD); flags xs:boolean or 1/0.

Field mapping
-------------
ChildIdentifiers, ChildCharacteristics -> ssd_person (one row per LAchildID; the first wins)
    LAchildID -> pers_person_id, pers_legacy_id;  PersonBirthDate -> pers_dob;  ExpectedPersonBirthDate
    -> pers_expected_dob;  PersonDeathDate -> pers_death_date;  Sex (M/F/U from 2024, any case), else
    GenderCurrent (before 2024) -> pers_sex, the older codes 1/2 -> M/F and 0/9 -> U in either element;
    UPN -> pers_upn;  UPNunknown -> pers_upn_unknown;  Ethnicity -> pers_ethnicity.
CINdetails -> ssd_cin_episodes (one row per referral)
    cine_referral_id = `<LAchildID>-REF<CINreferralDate>`;  CINreferralDate -> cine_referral_date;
    ReferralSource -> cine_referral_source_code;  PrimaryNeedCode -> cine_cin_primary_need_code;
    ReferralNFA -> cine_referral_nfa (Y/N);  CINclosureDate -> cine_close_date;  ReasonForClosure ->
    cine_close_reason.
Assessments -> ssd_cin_assessments (`<referral>-A<AssessmentActualStartDate>`)
    AssessmentActualStartDate -> cina_assessment_start_date;  AssessmentAuthorisationDate ->
    cina_assessment_auth_date;  FactorsIdentifiedAtAssessment/AssessmentFactors ->
    cina_assessment_outcome_json {"FACTORS": [...]};  cina_referral_id = the referral.
    cina_assessment_outcome_nfa is not carried (empty: a null flag is "not NFA", docs/conventions.md#flags).
CINPlanDates -> ssd_cin_plans (`<referral>-CINP<CINPlanStartDate>`): CINPlanStartDate, CINPlanEndDate.
Section47 -> ssd_s47_enquiry (`<referral>-S47<S47ActualStartDate>`)
    S47ActualStartDate -> s47e_s47_start_date;  ICPCnotRequired -> s47e_s47_nfa (true: the enquiry
    concluded that no conference was needed, the closest the census comes to "no further action") and
    s47e_s47_outcome_json {"CP_CONFERENCE_FLAG": "N"/"Y"} (its inverse).  The census has no s47 end
    date: s47e_s47_end_date is empty.
Section47/DateOfInitialCPC, and CINdetails/DateOfInitialCPC -> ssd_initial_cp_conference
    one row per distinct conference date of the referral (`<referral>-ICPC<date>`): icpc_icpc_date;
    icpc_s47_enquiry_id = the s47 holding that date (else the referral's latest s47 starting on or before
    it, else empty); InitialCPCtarget -> icpc_icpc_target_date; icpc_icpc_transfer_in = N (the census does
    not distinguish transfer-in conferences); icpc_icpc_outcome_cp_flag = Y when one of the referral's CP
    plans starts on the conference date, else N (derived); icpc_cp_plan_id = that plan.
ChildProtectionPlans -> ssd_cp_plans (`<referral>-CPP<CPPstartDate>`)
    CPPstartDate, CPPendDate -> start, end;  InitialCategoryOfAbuse, LatestCategoryOfAbuse -> initial and
    latest category;  cppl_icpc_id = the conference held on the plan's start date, if any.
ChildProtectionPlans/Reviews/CPPreviewDate -> ssd_cp_reviews (`<plan>-R<date>`, cppr_cp_plan_id = the plan).

Repeats of one child's event on the same date get `-2`, `-3` ... ids.

Not carried (tables left absent, measures needing them "not available"): CIN and CP visits
(ssd_cin_visits, ssd_cp_visits), CIN plan reviews (ssd_ext_cin_reviews), core groups
(ssd_ext_core_groups), workers, teams and allocations (ssd_professionals, ssd_department,
ssd_involvements), supervisions. Carried but not written: disabilities (ssd_disability, not read by the
product) and the 2024+ pre-proceedings block (PreProceedingsandFGDM: it has no family id, which
ssd_pre_proceedings requires). Whether the child was seen at assessment and the CP plan's other-LA flag
are not in the census."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from csc_compliance.dfe_returns._tables import IdMaker, Tables, iso_date, yes_no

GENDER = {"1": "M", "2": "F", "0": "U", "9": "U"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kids(el, name: str) -> list:
    return [c for c in el if _local(c.tag) == name]


def _kid(el, name: str):
    found = _kids(el, name) if el is not None else []
    return found[0] if found else None


def _text(el, name: str) -> str | None:
    k = _kid(el, name)
    return k.text.strip() if k is not None and k.text and k.text.strip() else None


def header_of(path: Path | str) -> dict:
    """The census header's Collection, Year, ReferenceDate and LEA (for the manifest and the report)."""
    root = ET.parse(path).getroot()
    head = _kid(root, "Header")
    coll, src = _kid(head, "CollectionDetails"), _kid(head, "Source")
    return {"collection": _text(coll, "Collection"), "year": _text(coll, "Year"),
            "reference_date": iso_date(_text(coll, "ReferenceDate")), "lea": _text(src, "LEA")}


def convert_cin(path: Path | str) -> Tables:
    """The SSD tables of one CIN census XML file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"CIN census file {path} does not exist or is not a file")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"CIN census file {path} is not well-formed XML ({exc})") from None
    children = _kid(root, "Children")
    if _local(root.tag) != "Message" or children is None:
        raise ValueError(f"CIN census file {path} has no Message/Children element")
    t = Tables()
    ids = IdMaker()
    persons: set[str] = set()
    for child in _kids(children, "Child"):
        ident = _kid(child, "ChildIdentifiers")
        pid = _text(ident, "LAchildID")
        if not pid:
            continue
        if pid not in persons:
            persons.add(pid)
            sex = _text(ident, "Sex") or _text(ident, "GenderCurrent")
            sex = GENDER.get(sex, sex.upper()) if sex else None
            t.add("ssd_person", {
                "pers_person_id": pid, "pers_legacy_id": pid, "pers_dob": iso_date(_text(ident, "PersonBirthDate")),
                "pers_expected_dob": iso_date(_text(ident, "ExpectedPersonBirthDate")),
                "pers_death_date": iso_date(_text(ident, "PersonDeathDate")), "pers_sex": sex,
                "pers_upn": _text(ident, "UPN"), "pers_upn_unknown": _text(ident, "UPNunknown"),
                "pers_ethnicity": _text(_kid(child, "ChildCharacteristics"), "Ethnicity"),
            })
        for det in _kids(child, "CINdetails"):
            _referral(t, ids, pid, det)
    for table in ("ssd_cin_episodes", "ssd_cin_assessments", "ssd_cin_plans", "ssd_s47_enquiry",
                  "ssd_initial_cp_conference", "ssd_cp_plans", "ssd_cp_reviews"):
        t.setdefault(table, [])
    return t


def _referral(t: Tables, ids: IdMaker, pid: str, det) -> None:
    ref_date = iso_date(_text(det, "CINreferralDate"))
    ref = ids(pid, f"REF{ref_date or 'nodate'}")
    t.add("ssd_cin_episodes", {
        "cine_referral_id": ref, "cine_person_id": pid, "cine_referral_date": ref_date,
        "cine_referral_source_code": _text(det, "ReferralSource"),
        "cine_cin_primary_need_code": _text(det, "PrimaryNeedCode"),
        "cine_referral_nfa": yes_no(_text(det, "ReferralNFA")),
        "cine_close_date": iso_date(_text(det, "CINclosureDate")),
        "cine_close_reason": _text(det, "ReasonForClosure"),
    })
    for a in _kids(det, "Assessments"):
        start = iso_date(_text(a, "AssessmentActualStartDate"))
        found = _kid(a, "FactorsIdentifiedAtAssessment")
        factors = [f.text.strip() for f in (_kids(found, "AssessmentFactors") if found is not None else [])
                   if f.text and f.text.strip()]
        t.add("ssd_cin_assessments", {
            "cina_assessment_id": ids(ref, f"A{start or 'nodate'}"), "cina_person_id": pid, "cina_referral_id": ref,
            "cina_assessment_start_date": start,
            "cina_assessment_auth_date": iso_date(_text(a, "AssessmentAuthorisationDate")),
            "cina_assessment_outcome_json": json.dumps({"FACTORS": factors}, separators=(",", ":")),
        })
    for p in _kids(det, "CINPlanDates"):
        start = iso_date(_text(p, "CINPlanStartDate"))
        t.add("ssd_cin_plans", {
            "cinp_cin_plan_id": ids(ref, f"CINP{start or 'nodate'}"), "cinp_referral_id": ref, "cinp_person_id": pid,
            "cinp_cin_plan_start_date": start, "cinp_cin_plan_end_date": iso_date(_text(p, "CINPlanEndDate")),
        })

    plans = []
    for cp in _kids(det, "ChildProtectionPlans"):
        start = iso_date(_text(cp, "CPPstartDate"))
        plan = {
            "cppl_cp_plan_id": ids(ref, f"CPP{start or 'nodate'}"), "cppl_referral_id": ref, "cppl_person_id": pid,
            "cppl_cp_plan_start_date": start, "cppl_cp_plan_end_date": iso_date(_text(cp, "CPPendDate")),
            "cppl_cp_plan_initial_category": _text(cp, "InitialCategoryOfAbuse"),
            "cppl_cp_plan_latest_category": _text(cp, "LatestCategoryOfAbuse"),
        }
        plans.append(plan)
        for rv in _kids(cp, "Reviews"):
            for d in _kids(rv, "CPPreviewDate"):
                day = iso_date(d.text)
                t.add("ssd_cp_reviews", {
                    "cppr_cp_review_id": ids(plan["cppl_cp_plan_id"], f"R{day or 'nodate'}"), "cppr_person_id": pid,
                    "cppr_cp_plan_id": plan["cppl_cp_plan_id"], "cppr_cp_review_date": day,
                })

    # s47 enquiries, and the conferences: one per distinct date of the referral
    s47s, icpcs = [], {}
    for s in _kids(det, "Section47"):
        start = iso_date(_text(s, "S47ActualStartDate"))
        not_required = yes_no(_text(s, "ICPCnotRequired"))
        row = {
            "s47e_s47_enquiry_id": ids(ref, f"S47{start or 'nodate'}"), "s47e_referral_id": ref, "s47e_person_id": pid,
            "s47e_s47_start_date": start, "s47e_s47_nfa": not_required,
            "s47e_s47_outcome_json": (json.dumps({"CP_CONFERENCE_FLAG": "N" if not_required == "Y" else "Y"},
                                                 separators=(",", ":")) if not_required in ("Y", "N") else None),
        }
        s47s.append(row)
        t.add("ssd_s47_enquiry", row)
        day = iso_date(_text(s, "DateOfInitialCPC"))
        if day and day not in icpcs:
            icpcs[day] = (row["s47e_s47_enquiry_id"], iso_date(_text(s, "InitialCPCtarget")))
    ref_icpc = iso_date(_text(det, "DateOfInitialCPC"))
    if ref_icpc and ref_icpc not in icpcs:
        earlier = [s for s in s47s if s["s47e_s47_start_date"] and s["s47e_s47_start_date"] <= ref_icpc]
        s47 = max(earlier, key=lambda s: s["s47e_s47_start_date"])["s47e_s47_enquiry_id"] if earlier else None
        icpcs[ref_icpc] = (s47, None)
    icpc_of_day = {}
    for day, (s47, target) in icpcs.items():
        plan = next((p for p in plans if p["cppl_cp_plan_start_date"] == day), None)
        icpc_id = ids(ref, f"ICPC{day}")
        icpc_of_day[day] = icpc_id
        t.add("ssd_initial_cp_conference", {
            "icpc_icpc_id": icpc_id, "icpc_s47_enquiry_id": s47, "icpc_person_id": pid, "icpc_referral_id": ref,
            "icpc_cp_plan_id": plan["cppl_cp_plan_id"] if plan else None, "icpc_icpc_transfer_in": "N",
            "icpc_icpc_target_date": target, "icpc_icpc_date": day,
            "icpc_icpc_outcome_cp_flag": "Y" if plan else "N",
        })
    for plan in plans:
        plan["cppl_icpc_id"] = icpc_of_day.get(plan["cppl_cp_plan_start_date"])
        t.add("ssd_cp_plans", plan)
