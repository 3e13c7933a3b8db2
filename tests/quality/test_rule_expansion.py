"""The generic rules (keys, persons, dates, flags, JSON, links, end-before-start) are expanded from the tables'
column declarations when the catalogue loads; catalogue.yml holds only what is authored. These tests pin the
expansion by its properties, not by a snapshot: every generic rule follows from a column's type or
declaration and has the one id scheme (or an authored id in its place), every declaration yields its rule,
and a few known rules keep their ids and texts."""
from __future__ import annotations

import copy

import pytest

from csc_compliance.core.catalogue import (
    GENERIC_KINDS,
    PERSON_TABLE,
    RULE_DECLARATIONS,
    authored_catalogue,
    expand_catalogue,
    generic_rule_id,
    rule_catalogue,
    tables,
)
from csc_compliance.devtools.reference_docs import DOCS_DIR

AUTHORED = authored_catalogue()
LOADED = rule_catalogue()
RULES = {r["id"]: r for r in LOADED["rules"]}
AUTHORED_IDS = {r["id"] for r in AUTHORED["rules"]} | {r["id"] for r in AUTHORED["checks"]}


def declared_rules() -> dict[tuple[str, str, str], dict]:
    """What the column declarations call for, worked out here independently of the loader:
    {(table, column, kind): the rule's own fields (other, parent_table, parent_column)}."""
    person_key = AUTHORED["tables"][PERSON_TABLE]["key"]
    want = {}
    for table, spec in AUTHORED["tables"].items():
        cols = spec["columns"]
        want[(table, spec["key"], "unique")] = {}
        for role in ("key", "person_id"):
            column = spec.get(role)
            if column and cols[column].get("required"):
                want[(table, column, "required")] = {}
        if spec.get("person_id") and table != PERSON_TABLE:
            want[(table, spec["person_id"], "references")] = {"parent_table": PERSON_TABLE,
                                                              "parent_column": person_key}
        for column, c in cols.items():
            kinds = {"date": ["valid_date", "not_future"], "due_date": ["valid_date"], "flag": ["valid_flag"],
                     "json": ["valid_json"]}.get(c["type"], [])
            for kind in kinds:
                want[(table, column, kind)] = {}
            if "not_before" in c:
                want[(table, column, "not_before")] = {"other": c["not_before"]}
            if "references" in c:
                pt, pc = c["references"].split(".")
                want[(table, column, "references")] = {"parent_table": pt, "parent_column": pc}
    return want


def test_every_generic_rule_follows_from_a_column_declaration_and_every_declaration_has_its_rule():
    want = declared_rules()
    have = {}
    for rule in LOADED["rules"]:
        if rule["kind"] == "check":
            continue
        place = (rule["table"], rule["column"], rule["kind"])
        assert place not in have, f"{rule['id']} and {have.get(place)} are the same rule"
        have[place] = rule["id"]
        assert place in want, f"{rule['id']}: no column declaration calls for it"
        for field, value in want[place].items():
            assert rule[field] == value, (rule["id"], field)
        assert not {"other", "parent_table", "parent_column"} - set(want[place]) & set(rule), rule["id"]
    assert set(have) == set(want), sorted(set(want) - set(have))


def test_expanded_rules_follow_the_id_scheme_and_authored_rules_keep_their_own():
    for rule in LOADED["rules"]:
        if rule["id"] in AUTHORED_IDS:
            continue
        assert rule["kind"] in GENERIC_KINDS, rule["id"]
        assert rule["id"] == generic_rule_id(rule["column"], rule["kind"]) == \
            f"{rule['column']}_{rule['kind']}".upper(), rule["id"]
        assert rule["severity"] in ("error", "warning") and rule["description"] and rule["why"], rule["id"]
        assert "{" not in rule["description"] + rule["why"], rule["id"]
    # the authored rules of a generic kind keep their ids (they take the generic rule's place)
    for rule in AUTHORED["rules"]:
        assert RULES[rule["id"]] == rule, rule["id"]


def test_known_rule_ids_and_texts_are_stable():
    assert RULES["PERS_ID_REQUIRED"]["column"] == "pers_person_id"                         # authored ids
    assert RULES["ASMT_AUTH_AFTER_START"]["other"] == "cina_assessment_start_date"
    assert RULES["PERS_DOB_NOT_FUTURE"]["dfe_code"] == "CIN 8520"
    assert "PERS_PERSON_ID_REQUIRED" not in RULES and "CINA_ASSESSMENT_AUTH_DATE_NOT_BEFORE" not in RULES
    assert RULES["PERS_DEATH_DATE_NOT_FUTURE"] == {                                        # expanded
        "id": "PERS_DEATH_DATE_NOT_FUTURE", "table": "ssd_person", "column": "pers_death_date",
        "kind": "not_future", "severity": "error", "description": "pers_death_date is not after the reporting date",
        "why": "A date after D is read as not yet happened; due, target and expected dates are exempt."}
    assert RULES["CINE_CLOSE_DATE_NOT_BEFORE"]["other"] == "cine_referral_date"
    assert RULES["DEPT_TEAM_ID_REQUIRED"]["description"] == "Every ssd_department row has its key dept_team_id"
    assert (RULES["INVO_PERSON_ID_REQUIRED"]["description"]
            == "Every ssd_involvements row names its child (invo_person_id)")
    assert (RULES["CLAE_CLA_PLACEMENT_ID_REFERENCES"]["parent_table"],
            RULES["CLAE_CLA_PLACEMENT_ID_REFERENCES"]["parent_column"]) == ("ssd_cla_placement",
                                                                            "clap_cla_placement_id")
    assert RULES["CLAP_CLA_ID_REFERENCES"]["parent_column"] == "clae_cla_id"              # not the parent's key
    assert RULES["COGR_WORKER_ID_REFERENCES"]["severity"] == "warning"
    assert RULES["CINR_CIN_PLAN_ID_REFERENCES"]["severity"] == "error"                    # an override
    assert RULES["S47E_S47_OUTCOME_JSON_VALID_JSON"]["why"].startswith("S47_ICPC_15WD reads CP_CONFERENCE_FLAG")
    assert RULES["ICPC_ICPC_TARGET_DATE_VALID_DATE"] and "ICPC_ICPC_TARGET_DATE_NOT_FUTURE" not in RULES
    assert "FAMI_TABLE_ID_REQUIRED" not in RULES and "FAMI_TABLE_ID_UNIQUE" in RULES      # key not required
    assert RULES["SUPV_RECORDED_WITHIN_5WD"]["kind"] == "check"


def test_the_catalogue_holds_only_what_is_authored():
    """No override repeats what its kind already says, and the tables as the product reads them carry no rule
    declarations."""
    bare = expand_catalogue({**AUTHORED, "generic_rule_overrides": {}})
    expanded = {r["id"]: r for r in bare["rules"]}
    for rule_id, fields in AUTHORED["generic_rule_overrides"].items():
        for field, value in fields.items():
            assert expanded[rule_id][field] != value, f"{rule_id}: the override of {field} changes nothing"
    assert set(LOADED) == {"version", "tables", "overrides", "rules"}
    for table, spec in tables().items():
        for column, c in spec["columns"].items():
            assert not set(c) & set(RULE_DECLARATIONS), (table, column)
            assert set(c) <= {"type", "required", "personal"}, (table, column)


def test_docs_list_every_rule_id():
    page = (DOCS_DIR / "rules.md").read_text(encoding="utf-8")
    listed = [line.split("`")[1] for line in page.splitlines() if line.startswith("| `")]
    assert sorted(listed) == sorted(RULES)


@pytest.mark.parametrize("change, message", [
    (lambda c: c["rules"].append({"id": "X_NOT_FUTURE", "table": "ssd_person", "column": "pers_expected_dob",
                                  "kind": "not_future", "severity": "error", "description": "d", "why": "w"}),
     "no column declaration calls for"),
    (lambda c: c["rules"].append({"id": "X", "table": "ssd_cp_visits", "column": "cppv_cp_plan_id",
                                  "kind": "references", "parent_table": "ssd_person",
                                  "parent_column": "pers_person_id", "severity": "error", "description": "d",
                                  "why": "w"}), "differs from the column's declaration"),
    (lambda c: c["generic_rule_overrides"].update({"NO_SUCH_RULE": {"why": "w"}}), "not expanded"),
    (lambda c: c["tables"]["ssd_person"]["columns"]["pers_sex"].update({"type": "colour"}), "unknown type"),
    (lambda c: c["tables"]["ssd_person"]["columns"]["pers_sex"].update({"references": "ssd_family"}),
     "references must be <table>.<column>"),
])
def test_a_rule_the_declarations_do_not_call_for_is_refused(change, message):
    authored = copy.deepcopy(AUTHORED)
    change(authored)
    with pytest.raises(ValueError, match=message):
        expand_catalogue(authored)


def test_two_authored_rules_in_one_place_are_refused():
    authored = copy.deepcopy(AUTHORED)
    twin = next(r for r in authored["rules"] if r["id"] == "PERS_ID_UNIQUE")
    authored["rules"].append({**twin, "id": "PERS_ID_UNIQUE_AGAIN"})
    with pytest.raises(ValueError, match="already takes the place"):
        expand_catalogue(authored)
