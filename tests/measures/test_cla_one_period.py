"""A child with two periods of care open at D (an overlap, a recording gap) is measured once, on the period
that starts last (start of care), ties by the greatest clae_cla_id as text (docs/conventions.md#period-of-care,
docs/conventions.md#one-of-several). D = Friday 2024-12-20."""
import datetime as dt

import pytest

from csc_compliance.core.workdays import add_wd
from measure_fixture import build_warehouse

D = dt.date(2024, 12, 20)
d = dt.date


def episode(eid, person, cla, start, ceased="", placement="", entered=""):
    return {"clae_cla_episode_id": eid, "clae_person_id": person, "clae_cla_id": cla,
            "clae_cla_episode_start_date": start, "clae_cla_episode_ceased_date": ceased,
            "clae_cla_placement_id": placement, "clae_entered_care_date": entered}


def placement(pid, cla, start, ptype="U3", end=""):
    return {"clap_cla_placement_id": pid, "clap_cla_id": cla, "clap_cla_placement_start_date": start,
            "clap_cla_placement_end_date": end, "clap_cla_placement_type": ptype}


TABLES = {
    "ssd_cla_episodes": [
        # A1: CA_OLD entered care first but its latest episode (a placement move) starts after CA_NEW's start;
        # the start of care decides, so CA_NEW (entered 2024-09-01) is the one measured
        episode("EO1", "A1", "CA_OLD", "2024-01-01", "2024-11-01", "PLO1", "2024-01-01"),
        episode("EO2", "A1", "CA_OLD", "2024-11-01", placement="PLO2", entered="2024-01-01"),
        episode("EN1", "A1", "CA_NEW", "2024-09-01", placement="PLN", entered="2024-09-01"),
        # A2: both start care on 2024-10-01: greatest id as text, 'CB9' > 'CB10'
        episode("EB10", "A2", "CB10", "2024-10-01", entered="2024-10-01"),
        episode("EB9", "A2", "CB9", "2024-10-01", entered="2024-10-01"),
        # A3: a later period that ceased before D does not compete with the open one
        episode("EC1", "A3", "CC_OPEN", "2024-02-01", entered="2024-02-01"),
        episode("EC2", "A3", "CC_SHUT", "2024-06-01", "2024-08-01", entered="2024-06-01"),
    ],
    "ssd_cla_placement": [
        placement("PLO1", "CA_OLD", "2024-01-01", end="2024-11-01"), placement("PLO2", "CA_OLD", "2024-11-01"),
        placement("PLN", "CA_NEW", "2024-09-01"),
    ],
    "ssd_cla_visits": [
        {"clav_cla_visit_id": "V1", "clav_cla_id": "", "clav_person_id": "A1", "clav_cla_visit_date": "2024-12-01",
         "clav_cla_visit_seen": "Y"},
    ],
    "ssd_cla_reviews": [
        # belongs to CA_OLD by id: not counted for CA_NEW
        {"clar_cla_review_id": "RO", "clar_cla_id": "CA_OLD", "clar_cla_review_date": "2024-10-01",
         "clar_cla_review_cancelled": "N"},
    ],
}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("cla_one_period"), TABLES, D.isoformat())


def rows(wh, model):
    df = wh.execute(f"select person_id, record_id, due_date from intermediate.{model} order by person_id").df()
    return df.to_dict("records")


def by_person(items):
    return {r["person_id"]: r for r in items}


@pytest.mark.parametrize("model", ["int_measure_cla_review", "int_measure_cla_visit"])
def test_each_child_measured_once_on_the_period_that_starts_last(wh, model):
    items = rows(wh, model)
    assert [r["person_id"] for r in items] == ["A1", "A2", "A3"]
    assert {r["person_id"]: r["record_id"] for r in items} == {"A1": "CA_NEW", "A2": "CB9", "A3": "CC_OPEN"}


def test_cla_review_due_from_the_chosen_period_start_of_care(wh):
    review = by_person(rows(wh, "int_measure_cla_review"))
    assert review["A1"]["due_date"].date() == add_wd(d(2024, 9, 1), 20)   # CA_OLD's review does not count
    assert review["A2"]["due_date"].date() == add_wd(d(2024, 10, 1), 20)


def test_cla_visit_uses_the_chosen_period_placement(wh):
    visit = by_person(rows(wh, "int_measure_cla_visit"))
    # PLN started 2024-09-01 and was visited on 2024-12-01: + 6 weeks (CA_OLD's PLO2 would give 2024-11-08)
    assert visit["A1"]["due_date"].date() == d(2025, 1, 12)


def test_cla_rates_count_each_child_once(wh):
    for kpi_id in ("CLA_VISIT_RATE", "CLA_REVIEW_RATE"):
        denominator = wh.execute("select denominator from marts.fct_kpi_values where kpi_id = ? and level = 'la'",
                                 [kpi_id]).fetchone()[0]
        assert denominator == 3, kpi_id


def test_overlapping_child_is_one_looked_after_case(wh):
    status = wh.execute("select person_id, is_looked_after from intermediate.int_person_case_status "
                        "order by person_id").fetchall()
    assert status == [("A1", True), ("A2", True), ("A3", True)]
