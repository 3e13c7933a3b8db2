"""Configuration (docs/contract.md#configuration): defaults from docs/measures.md#local-standards-defaults,
and every bad key or value named."""
import pytest

from csc_compliance.core.errors import ConfigError
from csc_compliance.settings.config import load_config, parse_config


def test_defaults_are_exactly_kpis_md():
    s = parse_config({}).local_standards
    assert s["cp_visit"] == {"every": 10, "unit": "working_days"}
    assert s["cin_visit"] == {"every": 20, "unit": "working_days"}
    assert s["core_group_interval"] == {"every": 6, "unit": "weeks"}
    assert s["cin_review"] == {"every": 3, "unit": "months"}
    assert s["supervision"] == {"every": 1, "unit": "months"}
    assert s["no_plan_grace"] == {"every": 10, "unit": "working_days"}
    assert s["plo"] == {"watch_weeks": 16, "red_weeks": 26}
    assert s["cp_duration"] == {"watch_months": 18, "red_months": 24}
    assert s["caseload_threshold"] == 25
    assert s["due_soon_horizon_working_days"] == 5
    assert s["allocated_worker_roles"] == ["ALLOCATED CASE WORKER", "CW"]
    assert s["manager_job_title_pattern"] == "(?i)manager"
    assert s["long_term_placement_types"] == ["U1", "U4"]
    assert parse_config({}).retention_days == 730


def test_a_standard_can_be_changed_partly():
    c = parse_config({"local_standards": {"cp_visit": {"every": 15}}, "authority": {"code": "LA9", "name": "Nine"},
                      "strategic_leads": [{"name": "Lead N", "area_ids": ["A1", "A3"]},
                                          {"name": "Lead S", "area_id": "A2", "email": "s@example.org"}]})
    assert c.local_standards["cp_visit"] == {"every": 15, "unit": "working_days"}
    assert c.lead_for_area() == {"A1": "Lead N", "A3": "Lead N", "A2": "Lead S"}
    assert (c.authority_code, c.authority_name) == ("LA9", "Nine")


@pytest.mark.parametrize("raw, named", [
    ({"colour": "blue"}, "colour"),
    ({"local_standards": {"cp_visits": {"every": 10}}}, "local_standards.cp_visits"),
    ({"local_standards": {"cp_visit": {"every": 10, "unit": "fortnights"}}}, "local_standards.cp_visit.unit"),
    ({"local_standards": {"cp_visit": {"every": 0}}}, "local_standards.cp_visit.every"),
    ({"local_standards": {"cp_visit": {"every": "ten"}}}, "local_standards.cp_visit.every"),
    ({"local_standards": {"cp_visit": {"often": 3}}}, "local_standards.cp_visit.often"),
    ({"local_standards": {"plo": {"watch_weeks": 30, "red_weeks": 26}}}, "local_standards.plo"),
    ({"local_standards": {"caseload_threshold": -1}}, "local_standards.caseload_threshold"),
    ({"local_standards": {"manager_job_title_pattern": "(unclosed"}}, "local_standards.manager_job_title_pattern"),
    ({"local_standards": {"allocated_worker_roles": []}}, "local_standards.allocated_worker_roles"),
    ({"strategic_leads": [{"area_ids": ["A1"]}]}, "strategic_leads[0].name"),
    ({"strategic_leads": [{"name": "X", "area_ids": ["A1"]}, {"name": "Y", "area_ids": ["A1"]}]},
     "strategic_leads[1].area_ids"),
    ({"strategic_leads": [{"name": "X", "areas": ["A1"]}]}, "strategic_leads[0].areas"),
    ({"history": {"retention_days": 0}}, "history.retention_days"),
    # two leads whose workbooks would be one file (the file name rule of docs/contract.md#lead-workbooks,
    # compared case-insensitively)
    ({"strategic_leads": [{"name": "Lead: North", "area_ids": ["A1"]}, {"name": "Lead? North", "area_ids": ["A2"]}]},
     "strategic_leads[1].name"),
    ({"strategic_leads": [{"name": "Lead North", "area_ids": ["A1"]}, {"name": "LEAD NORTH", "area_ids": ["A2"]}]},
     "strategic_leads[1].name"),
    ({"strategic_leads": [{"name": "unassigned", "area_ids": ["A1"]}]}, "strategic_leads[0].name"),
    # a new unit without its number: the default 10 working days must not become 10 months
    ({"local_standards": {"cp_visit": {"unit": "months"}}}, "local_standards.cp_visit.every"),
    ({"strategic_leads": [{"name": "N", "area_ids": ["A1"], "email": "not-an-email"}]}, "strategic_leads[0].email"),
    ({"strategic_leads": [{"name": "N", "area_ids": ["A1"], "email": ""}]}, "strategic_leads[0].email"),
    # longer than ten years: a digit too many
    ({"local_standards": {"cp_visit": {"every": 10000}}}, "local_standards.cp_visit.every"),
    ({"local_standards": {"cin_review": {"every": 121, "unit": "months"}}}, "local_standards.cin_review.every"),
    ({"local_standards": {"plo": {"red_weeks": 2600}}}, "local_standards.plo"),
    ({"local_standards": {"due_soon_horizon_working_days": 5000}}, "local_standards.due_soon_horizon_working_days"),
    ({"authority": {"code": "a/b"}}, "authority.code"),
])
def test_bad_configuration_is_refused_naming_the_key(raw, named):
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "test.yml")
    assert named in str(err.value) and "test.yml" in str(err.value)


def test_ten_years_is_the_longest_standard():
    c = parse_config({"local_standards": {"cp_visit": {"every": 2600}, "cin_review": {"every": 120, "unit": "months"},
                                          "plo": {"red_weeks": 520}}})
    assert c.local_standards["cp_visit"]["every"] == 2600 and c.local_standards["plo"]["red_weeks"] == 520


def test_the_same_unit_alone_keeps_the_default_number():
    assert parse_config({"local_standards": {"cp_visit": {"unit": "working_days"}}}).local_standards["cp_visit"] \
        == {"every": 10, "unit": "working_days"}


@pytest.mark.parametrize("text, named", [
    ("local_standards:\n  cp_visit: {every: 10, unit: working_days}\n  cp_visit: {every: 20, unit: days}\n",
     "line 3, column 3: the key 'cp_visit' is given twice (first at line 2)"),
    ("authority: {code: LA1, name: One, code: LA2}\n", "the key 'code' is given twice"),
    ("history: {retention_days: 30}\nhistory: {retention_days: 3000}\n", "the key 'history' is given twice"),
])
def test_a_key_given_twice_is_refused_not_silently_replaced(tmp_path, text, named):
    path = tmp_path / "twice.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value) and named in str(err.value), str(err.value)


def test_a_folder_is_not_a_configuration_file(tmp_path):
    with pytest.raises(ConfigError, match="is a folder, not a file"):
        load_config(tmp_path)


def test_unreadable_or_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("local_standards: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    listy = tmp_path / "list.yml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(listy)
