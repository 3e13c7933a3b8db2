"""Records that start after D are ignored by every measure (docs/conventions.md#nothing-after-d-counts), and
they do not bring back what they hid (D = Friday 2024-12-20). Found by the oracle (tests/oracle)."""
import datetime as dt

import pytest

from measure_fixture import build_warehouse, exceptions

D = dt.date(2024, 12, 20)


def assessment(aid, person, start, auth=""):
    return {"cina_assessment_id": aid, "cina_person_id": person, "cina_assessment_start_date": start,
            "cina_assessment_auth_date": auth}


TABLES = {
    "ssd_cin_assessments": [
        # K1's A1: the first row of the key starts after D, so the record is ignored; the later row sharing
        # its key is a repeat (a recording gap), never the record
        assessment("A1", "K1", "2025-01-10"), assessment("A1", "K1", "2024-09-02"),
        assessment("A2", "K2", "2025-01-06", "2024-12-02"), assessment("A2", "K2", "2024-10-01", "2024-11-01"),
    ],
    "ssd_cla_episodes": [
        {"clae_cla_episode_id": "E1a", "clae_person_id": "L1", "clae_cla_id": "CLA1",
         "clae_entered_care_date": "2024-01-10", "clae_cla_episode_start_date": "2024-01-10",
         "clae_cla_placement_id": "PL1a"},
        # starts after D: ignored, and so is the placement it names
        {"clae_cla_episode_id": "E1b", "clae_person_id": "L1", "clae_cla_id": "CLA1",
         "clae_cla_episode_start_date": "2025-01-05", "clae_cla_placement_id": "PL1b"},
    ],
    "ssd_cla_placement": [
        {"clap_cla_placement_id": "PL1a", "clap_cla_placement_start_date": "2024-01-10",
         "clap_cla_placement_type": "U3"},
        {"clap_cla_placement_id": "PL1b", "clap_cla_placement_start_date": "2024-12-16",
         "clap_cla_placement_type": "U3"},
    ],
    "ssd_cla_visits": [{"clav_cla_visit_id": "V1", "clav_cla_id": "CLA1", "clav_person_id": "L1",
                        "clav_cla_visit_date": "2024-12-01", "clav_cla_visit_seen": "Y"}],
}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("after_d"), TABLES, D.isoformat())


def test_a_repeated_key_keeps_its_first_row_even_when_that_row_starts_after_d(wh):
    assert not exceptions(wh, "ASSESS_45WD")
    rate = wh.execute("select numerator, denominator from marts.fct_kpi_values "
                      "where kpi_id = 'ASSESS_45WD_RATE' and level = 'la'").fetchone()
    assert rate == (0, 0)


def test_a_placement_named_only_by_an_episode_after_d_is_not_the_current_placement(wh):
    current = wh.execute("select cla_id, placement_id from intermediate.int_current_placements").fetchall()
    assert current == [("CLA1", "PL1a")]
    # PL1a is seen since it began: due 2024-12-01 + 6 weeks, not listed (PL1b would have made it due 2024-12-23)
    assert not exceptions(wh, "CLA_VISIT")
