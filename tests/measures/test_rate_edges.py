"""Rates over events at their edges (D = Friday 2024-12-20): a re-referral needs a referral dated before it
(docs/measures.md#re_referral_rate), and an assessment that starts after D is not counted by any measure or
rate, even when its authorisation date is on or before D (docs/conventions.md#nothing-after-d-counts)."""
import datetime as dt

import pytest

from measure_fixture import build_warehouse

D = dt.date(2024, 12, 20)


def referral(rid, person, date):
    return {"cine_referral_id": rid, "cine_person_id": person, "cine_referral_date": date}


def assessment(aid, person, start, auth, referral_id=""):
    return {"cina_assessment_id": aid, "cina_person_id": person, "cina_referral_id": referral_id,
            "cina_assessment_start_date": start, "cina_assessment_auth_date": auth}


TABLES = {
    "ssd_cin_episodes": [
        # S1: two referrals on one day: neither is the other's previous referral
        referral("S1A", "S1", "2024-06-03"), referral("S1B", "S1", "2024-06-03"),
        # S2: a referral the day after another: a re-referral (the first is not)
        referral("S2A", "S2", "2024-06-03"), referral("S2B", "S2", "2024-06-04"),
        # S3: one referral only
        referral("S3A", "S3", "2024-09-02"),
        # referrals for the assessments below, dated before the window so they add nothing to RE_REFERRAL_RATE
        referral("RA1", "A1", "2023-11-01"), referral("RA2", "A2", "2023-11-01"),
    ],
    "ssd_cin_assessments": [
        # A1: started after D, though its (mis-keyed) authorisation is inside the 12 months: not counted
        assessment("AS_AFTER", "A1", "2024-12-23", "2024-12-02"),
        # A2: started and authorised inside the window, within 45 working days of its start: counted, in time
        assessment("AS_IN", "A2", "2024-10-01", "2024-10-15"),
        # A3: an unreadable start is a recording gap, not a start after D: still counted on its authorisation
        assessment("AS_BLANK", "A3", "", "2024-11-01"),
    ],
}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("rate_edges"), TABLES, D.isoformat())


def items(wh, kpi_id):
    rows = wh.execute("select item_id, in_numerator from intermediate.int_rate_items where kpi_id = ?",
                      [kpi_id]).fetchall()
    return dict(rows)


def la(wh, kpi_id):
    return wh.execute("select numerator, denominator from marts.fct_kpi_values where kpi_id = ? and level = 'la'",
                      [kpi_id]).fetchone()


def test_two_referrals_on_one_day_are_not_each_others_re_referral(wh):
    counted = items(wh, "RE_REFERRAL_RATE")
    assert counted["S1A"] is False and counted["S1B"] is False


def test_a_referral_after_another_within_12_months_is_a_re_referral(wh):
    counted = items(wh, "RE_REFERRAL_RATE")
    assert counted["S2B"] is True and counted["S2A"] is False and counted["S3A"] is False
    assert la(wh, "RE_REFERRAL_RATE") == (1, 5)


def test_an_assessment_that_starts_after_d_is_in_no_rate(wh):
    assert "AS_AFTER" not in items(wh, "ASSESS_45WD_RATE")
    assert la(wh, "ASSESS_45WD_RATE") == (1, 2)   # AS_IN in time; AS_BLANK's clock is its referral's (none): late
    assert "A1" not in set(r[0] for r in wh.execute(
        "select person_id from intermediate.int_measure_assess_45wd").fetchall())


def test_an_assessment_that_starts_after_d_makes_no_assessed_child(wh):
    # ASSESSED_6M counts open-referral children assessed in 6 months: the ignored assessment assesses no one
    assert not wh.execute("select count(*) from staging.stg_ssd_cin_assessments where cina_assessment_id = 'AS_AFTER'"
                          ).fetchone()[0]
