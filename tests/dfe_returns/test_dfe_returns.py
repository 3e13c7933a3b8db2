"""DfE returns as SSD extracts (plugins/csc_compliance/dfe_returns): a tiny hand-written SSDA903 return and
CIN census, converted field by field, and the extract the command line writes run by the product once.

The fixtures are invented here (no other project's data): two looked-after children in the 903, one of
them (102) also in the census, and a census child (CIN7) with every census block the converter reads."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csc_compliance.dfe_returns import build_extract, convert_903, convert_cin, merge_returns

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "demo" / "config.yml"          # authority DEMO
AS_AT = "2025-11-20"

HEADER = """\
CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
101,1,05/06/2010,WBRI,A123456789012,,
102,2,01/02/2012,ABAN,,0,
"""
EPISODES = """\
CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
101,01/04/2025,S,C2,N1,U1,PR1,01/07/2025,X1,,AB1 2CD,EF3 4GH,SC111111
101,01/07/2025,L,C1,N1,U1,PR1,15/09/2025,X1,CARPL,AB1 2CD,EF3 4GH,SC111111
101,15/09/2025,P,C1,N1,K2,PR2,,,,AB1 2CD,XY9 8ZZ,SC222222
102,10/01/2024,S,V2,N2,R1,PR0,20/03/2024,E11,,AB1 3CD,EF3 5GH,SC333333
102,02/05/2025,S,C2,N2,U4,PR1,,,,AB1 3CD,EF3 6GH,SC444444
"""
REVIEWS = """\
CHILD,DOB,REVIEW,REVIEW_CODE
101,05/06/2010,25/04/2025,PN1
101,05/06/2010,20/10/2025,PN0
102,01/02/2012,15/03/2024,PN1
102,01/02/2012,30/05/2025,PN2
"""
CIN_XML = """\
<?xml version="1.0" encoding="utf-8"?>
<Message xmlns="http://www.example.org/cin-test">
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>102</LAchildID><UPNunknown>UN2</UPNunknown>
        <PersonBirthDate>2012-02-01</PersonBirthDate><Sex>f</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>ABAN</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-04-20</CINreferralDate><ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N2</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>CIN7</LAchildID><UPN>B123456789012</UPN>
        <PersonBirthDate>2015-03-27</PersonBirthDate><GenderCurrent>1</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-05-06</CINreferralDate><ReferralSource>5A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2025-05-07</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-06-02</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors><AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment>
        </Assessments>
        <Assessments><AssessmentActualStartDate>2025-10-01</AssessmentActualStartDate><FactorsIdentifiedAtAssessment/></Assessments>
        <CINPlanDates><CINPlanStartDate>2025-06-03</CINPlanStartDate><CINPlanEndDate>2025-06-10</CINPlanEndDate></CINPlanDates>
        <Section47>
          <S47ActualStartDate>2025-05-20</S47ActualStartDate><InitialCPCtarget>2025-06-10</InitialCPCtarget>
          <DateOfInitialCPC>2025-06-10</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <Section47><S47ActualStartDate>2025-10-01</S47ActualStartDate><ICPCnotRequired>false</ICPCnotRequired></Section47>
        <Section47><S47ActualStartDate>2025-10-02</S47ActualStartDate><ICPCnotRequired>true</ICPCnotRequired></Section47>
        <ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2025-06-10</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
          <Reviews><CPPreviewDate>2025-08-01</CPPreviewDate><CPPreviewDate>2025-11-03</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2024-01-15</CINreferralDate><PrimaryNeedCode>N3</PrimaryNeedCode>
        <CINclosureDate>2024-03-01</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>
        <DateOfInitialCPC>2024-02-12</DateOfInitialCPC><ReferralNFA>true</ReferralNFA>
        <ChildProtectionPlans><CPPstartDate>2024-02-12</CPPstartDate><CPPendDate>2024-02-28</CPPendDate>
          <InitialCategoryOfAbuse>PHY</InitialCategoryOfAbuse></ChildProtectionPlans>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


@pytest.fixture
def returns(tmp_path):
    d903 = tmp_path / "903"
    d903.mkdir()
    for name, text in (("header", HEADER), ("episodes", EPISODES), ("reviews", REVIEWS)):
        (d903 / f"{name}.csv").write_text(text, encoding="utf-8")
    cin = tmp_path / "cin.xml"
    cin.write_text(CIN_XML, encoding="utf-8")
    return d903, cin


def by(rows, key):
    out = {r[key]: r for r in rows}
    assert len(out) == len(rows), f"repeated {key}"
    return out


def test_903_episodes_periods_and_placements(returns):
    t = convert_903(returns[0])
    eps = by(t["ssd_cla_episodes"], "clae_cla_episode_id")
    assert list(eps) == ["101-E2025-04-01", "101-E2025-07-01", "101-E2025-09-15", "102-E2024-01-10", "102-E2025-05-02"]
    assert eps["101-E2025-04-01"] == {
        "clae_cla_episode_id": "101-E2025-04-01", "clae_person_id": "101", "clae_cla_episode_start_date": "2025-04-01",
        "clae_cla_episode_start_reason": "S", "clae_cla_primary_need_code": "N1",
        "clae_cla_episode_ceased_date": "2025-07-01", "clae_cla_episode_ceased_reason": "X1",
        "clae_cla_id": "101-C2025-04-01", "clae_cla_placement_id": "101-P2025-04-01",
        "clae_entered_care_date": "2025-04-01"}
    # X1 continues the period; the L episode continues the placement; P starts a new one
    assert {e["clae_cla_id"] for k, e in eps.items() if k.startswith("101-")} == {"101-C2025-04-01"}
    assert [eps[k]["clae_cla_placement_id"] for k in ("101-E2025-07-01", "101-E2025-09-15")] == \
        ["101-P2025-04-01", "101-P2025-09-15"]
    assert eps["101-E2025-09-15"]["clae_cla_episode_ceased_date"] is None
    assert {e["clae_entered_care_date"] for k, e in eps.items() if k.startswith("101-")} == {"2025-04-01"}
    # E11 (any REC but X1) ends the period: the next S episode is a new period of care
    assert eps["102-E2024-01-10"]["clae_cla_id"] == "102-C2024-01-10"
    assert eps["102-E2025-05-02"]["clae_cla_id"] == "102-C2025-05-02"
    assert eps["102-E2025-05-02"]["clae_entered_care_date"] == "2025-05-02"

    pls = by(t["ssd_cla_placement"], "clap_cla_placement_id")
    assert list(pls) == ["101-P2025-04-01", "101-P2025-09-15", "102-P2024-01-10", "102-P2025-05-02"]
    assert pls["101-P2025-04-01"] == {
        "clap_cla_placement_id": "101-P2025-04-01", "clap_cla_id": "101-C2025-04-01", "clap_person_id": "101",
        "clap_cla_placement_start_date": "2025-04-01", "clap_cla_placement_end_date": "2025-09-15",
        "clap_cla_placement_type": "U1", "clap_cla_placement_urn": "SC111111", "clap_cla_placement_provider": "PR1",
        "clap_cla_placement_postcode": "EF3 4GH", "clap_cla_placement_change_reason": "CARPL"}
    assert pls["101-P2025-09-15"]["clap_cla_placement_type"] == "K2"
    assert pls["101-P2025-09-15"]["clap_cla_placement_end_date"] is None
    assert pls["102-P2025-05-02"]["clap_cla_id"] == "102-C2025-05-02"


def test_903_reviews_and_people(returns):
    t = convert_903(returns[0])
    revs = by(t["ssd_cla_reviews"], "clar_cla_review_id")
    assert revs["101-R2025-04-25"] == {
        "clar_cla_review_id": "101-R2025-04-25", "clar_cla_id": "101-C2025-04-01", "clar_cla_person_id": "101",
        "clar_cla_review_date": "2025-04-25", "clar_cla_review_cancelled": "N", "clar_cla_review_participation": "PN1"}
    assert revs["102-R2024-03-15"]["clar_cla_id"] == "102-C2024-01-10"   # the period open on the day
    assert revs["102-R2025-05-30"]["clar_cla_id"] == "102-C2025-05-02"
    people = by(t["ssd_person"], "pers_person_id")
    assert people["101"] == {"pers_person_id": "101", "pers_legacy_id": "101", "pers_dob": "2010-06-05",
                             "pers_sex": "M", "pers_ethnicity": "WBRI", "pers_upn": "A123456789012",
                             "pers_is_mother": None}
    assert people["102"]["pers_sex"] == "F" and people["102"]["pers_is_mother"] == "N"
    assert people["102"]["pers_upn"] is None


def test_903_needs_header_and_episodes(tmp_path):
    (tmp_path / "header.csv").write_text(HEADER)
    with pytest.raises(ValueError, match="episodes.csv"):
        convert_903(tmp_path)


def test_cin_referrals_assessments_and_plans(returns):
    t = convert_cin(returns[1])
    refs = by(t["ssd_cin_episodes"], "cine_referral_id")
    assert refs["CIN7-REF2025-05-06"] == {
        "cine_referral_id": "CIN7-REF2025-05-06", "cine_person_id": "CIN7", "cine_referral_date": "2025-05-06",
        "cine_referral_source_code": "5A", "cine_cin_primary_need_code": "N1", "cine_referral_nfa": "N",
        "cine_close_date": None, "cine_close_reason": None}
    assert refs["CIN7-REF2024-01-15"]["cine_close_date"] == "2024-03-01"
    assert refs["CIN7-REF2024-01-15"]["cine_close_reason"] == "RC8"
    assert refs["CIN7-REF2024-01-15"]["cine_referral_nfa"] == "Y"
    assert refs["102-REF2025-04-20"]["cine_referral_nfa"] == "N"

    asmts = by(t["ssd_cin_assessments"], "cina_assessment_id")
    assert asmts["CIN7-REF2025-05-06-A2025-05-07"] == {
        "cina_assessment_id": "CIN7-REF2025-05-06-A2025-05-07", "cina_person_id": "CIN7",
        "cina_referral_id": "CIN7-REF2025-05-06", "cina_assessment_start_date": "2025-05-07",
        "cina_assessment_auth_date": "2025-06-02", "cina_assessment_outcome_json": '{"FACTORS":["2A","3B"]}'}
    assert asmts["CIN7-REF2025-05-06-A2025-10-01"]["cina_assessment_auth_date"] is None
    assert t["ssd_cin_plans"] == [{
        "cinp_cin_plan_id": "CIN7-REF2025-05-06-CINP2025-06-03", "cinp_referral_id": "CIN7-REF2025-05-06",
        "cinp_person_id": "CIN7", "cinp_cin_plan_start_date": "2025-06-03", "cinp_cin_plan_end_date": "2025-06-10"}]


def test_cin_s47_conferences_and_cp_plans(returns):
    t = convert_cin(returns[1])
    ref = "CIN7-REF2025-05-06"
    s47 = by(t["ssd_s47_enquiry"], "s47e_s47_enquiry_id")
    assert s47[f"{ref}-S472025-05-20"] == {
        "s47e_s47_enquiry_id": f"{ref}-S472025-05-20", "s47e_referral_id": ref, "s47e_person_id": "CIN7",
        "s47e_s47_start_date": "2025-05-20", "s47e_s47_nfa": "N", "s47e_s47_outcome_json": '{"CP_CONFERENCE_FLAG":"Y"}'}
    assert s47[f"{ref}-S472025-10-02"]["s47e_s47_nfa"] == "Y"
    assert s47[f"{ref}-S472025-10-02"]["s47e_s47_outcome_json"] == '{"CP_CONFERENCE_FLAG":"N"}'

    icpc = by(t["ssd_initial_cp_conference"], "icpc_icpc_id")
    assert icpc[f"{ref}-ICPC2025-06-10"] == {
        "icpc_icpc_id": f"{ref}-ICPC2025-06-10", "icpc_s47_enquiry_id": f"{ref}-S472025-05-20",
        "icpc_person_id": "CIN7", "icpc_referral_id": ref, "icpc_cp_plan_id": f"{ref}-CPP2025-06-10",
        "icpc_icpc_transfer_in": "N", "icpc_icpc_target_date": "2025-06-10", "icpc_icpc_date": "2025-06-10",
        "icpc_icpc_outcome_cp_flag": "Y"}
    # the referral-level DateOfInitialCPC of a referral without a Section47 block: a conference with no s47
    old = icpc["CIN7-REF2024-01-15-ICPC2024-02-12"]
    assert old["icpc_s47_enquiry_id"] is None and old["icpc_icpc_outcome_cp_flag"] == "Y"
    assert len(icpc) == 2

    plans = by(t["ssd_cp_plans"], "cppl_cp_plan_id")
    assert plans[f"{ref}-CPP2025-06-10"] == {
        "cppl_cp_plan_id": f"{ref}-CPP2025-06-10", "cppl_referral_id": ref, "cppl_person_id": "CIN7",
        "cppl_cp_plan_start_date": "2025-06-10", "cppl_cp_plan_end_date": None,
        "cppl_cp_plan_initial_category": "NEG", "cppl_cp_plan_latest_category": "EMO",
        "cppl_icpc_id": f"{ref}-ICPC2025-06-10"}
    assert plans["CIN7-REF2024-01-15-CPP2024-02-12"]["cppl_cp_plan_end_date"] == "2024-02-28"
    reviews = by(t["ssd_cp_reviews"], "cppr_cp_review_id")
    assert reviews[f"{ref}-CPP2025-06-10-R2025-11-03"] == {
        "cppr_cp_review_id": f"{ref}-CPP2025-06-10-R2025-11-03", "cppr_person_id": "CIN7",
        "cppr_cp_plan_id": f"{ref}-CPP2025-06-10", "cppr_cp_review_date": "2025-11-03"}
    assert len(reviews) == 2

    people = by(t["ssd_person"], "pers_person_id")
    assert people["CIN7"]["pers_sex"] == "M" and people["CIN7"]["pers_dob"] == "2015-03-27"
    assert people["CIN7"]["pers_upn"] == "B123456789012" and people["102"]["pers_upn_unknown"] == "UN2"


def test_a_child_in_both_returns_is_one_person(returns):
    tables, notes = merge_returns([convert_903(returns[0]), convert_cin(returns[1])])
    people = by(tables["ssd_person"], "pers_person_id")
    assert sorted(people) == ["101", "102", "CIN7"] and notes == []
    assert people["102"]["pers_upn_unknown"] == "UN2"      # filled from the census
    assert people["102"]["pers_sex"] == "F"


def test_conflicting_birth_dates_keep_the_first_and_say_so(returns, tmp_path):
    other = tmp_path / "other.xml"
    other.write_text(CIN_XML.replace("<PersonBirthDate>2012-02-01", "<PersonBirthDate>2012-02-09"))
    tables, notes = merge_returns([convert_903(returns[0]), convert_cin(other)])
    assert by(tables["ssd_person"], "pers_person_id")["102"]["pers_dob"] == "2012-02-01"
    assert notes and "102" in notes[0]


def test_bad_cin_file_is_refused(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<Message><Children>")
    with pytest.raises(ValueError, match="not well-formed"):
        convert_cin(bad)


def test_extract_folder_layout(returns, tmp_path):
    import datetime as dt
    out = tmp_path / "x"
    report = build_extract(out, dt.date(2025, 11, 20), "DEMO", returns[0], [returns[1]])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["as_at"] == "2025-11-20" and manifest["authority"] == "DEMO"
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(["manifest.json"] + [f"{t}.csv" for t in (
        "ssd_person", "ssd_cla_episodes", "ssd_cla_placement", "ssd_cla_reviews", "ssd_cin_episodes",
        "ssd_cin_assessments", "ssd_cin_plans", "ssd_s47_enquiry", "ssd_initial_cp_conference", "ssd_cp_plans",
        "ssd_cp_reviews")])
    assert report["tables"]["ssd_person"] == 3 and report["tables"]["ssd_cla_episodes"] == 5
    from csc_compliance.generate.schema import column_names
    with open(out / "ssd_cla_episodes.csv", newline="") as fh:
        assert next(csv.reader(fh)) == column_names("ssd_cla_episodes")
    with pytest.raises(ValueError, match="would not write"):
        (out / "stray.txt").write_text("x")
        build_extract(out, dt.date(2025, 11, 20), "DEMO", returns[0], [returns[1]])


def _cli(args, env=None, timeout=60):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.e2e
def test_cli_writes_an_extract_the_product_runs(returns, tmp_path):
    """One product run (about a minute): the extract is accepted and the measures read it as documented."""
    d903, cin = returns
    extract, out = tmp_path / "extract", tmp_path / "out"
    r = _cli(["-m", "csc_compliance.dfe_returns", "--903", str(d903), "--cin", str(cin), "--as-at", AS_AT,
              "--authority", "DEMO", "--out", str(extract)])
    assert r.returncode == 0, r.stderr
    assert "3 children" in r.stdout
    env = {**os.environ, "CSC_AIRFLOW_HOME": str(tmp_path / "airflow")}
    r = _cli(["-m", "csc_compliance.cli.main", "run", "--extract", str(extract), "--as-at", AS_AT, "--out", str(out),
              "--config", str(CONFIG)], env=env, timeout=900)
    assert r.returncode == 0, r.stderr + r.stdout
    with open(out / "exceptions" / "exceptions.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    got = {(x["kpi_id"], x["record_id"]): (x["status"], x["due_date"]) for x in rows}
    # 102's open period has one review (the 2024 one is its earlier period's): add_months(2025-05-30, 3)
    assert got[("CLA_REVIEW", "102-C2025-05-02")] == ("overdue", "2025-08-30")
    # 101: two reviews since the start of care, the latest 2025-10-20, due 2026-04-20: not listed
    assert not [k for k in got if k[0] == "CLA_REVIEW" and k[1].startswith("101-")]
    # an s47 needing a conference with none held: add_wd(2025-10-01, 15); the one not needing one: not listed
    ref = "CIN7-REF2025-05-06"
    assert got[("S47_ICPC_15WD", f"{ref}-S472025-10-01")] == ("overdue", "2025-10-22")
    assert not [k for k in got if k[0] == "S47_ICPC_15WD" and k[1] != f"{ref}-S472025-10-01"]
    # the open assessment: add_wd(referral date 2025-05-06, 45)
    assert got[("ASSESS_45WD", f"{ref}-A2025-10-01")] == ("overdue", "2025-07-09")
    manifest = json.loads((out / "run_manifest.json").read_text())
    for kpi, table in (("CLA_VISIT", "ssd_cla_visits"), ("CP_VISIT", "ssd_cp_visits"),
                       ("UNALLOCATED", "ssd_involvements")):
        assert table in manifest["measures_not_available"][kpi]
    assert "CLA_REVIEW" not in manifest["measures_not_available"]
