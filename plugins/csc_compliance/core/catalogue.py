"""Loaders for the two catalogues: the rule catalogue (tables, columns, data-quality rules) and the
measure catalogue (measures and local-standard defaults). Everything else reads them from here.

expectations/catalogue.yml holds what is authored; the generic data-quality rules (keys, persons, dates,
flags, JSON, end-before-start, links) are expanded from its tables' column declarations when it loads, so
`rule_catalogue()["rules"]` is every rule and `authored_catalogue()` is the file as written."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parents[1]   # csc_compliance/, which holds measures.yml
PROJECT_DIR = PACKAGE_DIR.parent.parent
RULE_CATALOGUE = PROJECT_DIR / "expectations" / "catalogue.yml"
MEASURE_CATALOGUE = PACKAGE_DIR / "measures.yml"
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
DAGS_DIR = PROJECT_DIR / "dags"


# The generic rules, expanded from the tables' column declarations when the catalogue loads. Each has the id
# `<COLUMN>_<KIND>` in upper case (PERS_DEATH_DATE_NOT_FUTURE), unless an authored rule of the same table,
# column and kind takes its place (PERS_DOB_NOT_FUTURE keeps its own id and texts).
GENERIC_KINDS = ("required", "unique", "valid_date", "not_future", "not_before", "valid_flag", "valid_json",
                 "references")
# which generic rules a column of each type has (not_before and references follow the column's declarations)
TYPE_RULES = {"date": ("valid_date", "not_future"), "due_date": ("valid_date",), "flag": ("valid_flag",),
              "json": ("valid_json",), "text": (), "int": ()}
# column keys that declare rules: read by the loader, not part of a column's spec as tables() returns it
RULE_DECLARATIONS = ("not_before", "references")
PERSON_TABLE = "ssd_person"
# the top-level keys of catalogue.yml that only the loader reads
AUTHORING_KEYS = ("generic_rules", "generic_rule_overrides", "checks")


@functools.cache
def authored_catalogue() -> dict:
    """catalogue.yml as written: the tables with their rule declarations, the generic rules' texts, the
    authored rules and the checks."""
    return yaml.safe_load(RULE_CATALOGUE.read_text(encoding="utf-8"))


@functools.cache
def rule_catalogue() -> dict:
    """The catalogue as the product reads it: {version, tables, overrides, rules}, with every rule (authored,
    then the generic ones expanded from the tables, then the checks) in `rules`."""
    return expand_catalogue(authored_catalogue())


def generic_rule_id(column: str, kind: str) -> str:
    """The one id scheme of expanded rules: the column and the kind, upper case (CINE_CLOSE_DATE_NOT_BEFORE)."""
    return f"{column}_{kind}".upper()


def _link(declared: str, where: str) -> tuple[str, str]:
    table, dot, column = str(declared).partition(".")
    if not dot or not table or not column:
        raise ValueError(f"rule catalogue: {where}: references must be <table>.<column>, not {declared!r}")
    return table, column


def generic_rule_slots(tables_spec: dict) -> list[tuple[str, dict]]:
    """Every generic rule the tables' declarations call for, in catalogue order, as (template name, rule
    without texts): per table, the key's `required` (when the key column is required) and `unique`, the
    person id's `required` (when required) and its reference to ssd_person, then column by column the rules
    of its type (date: valid_date, not_future; due_date: valid_date; flag: valid_flag; json: valid_json),
    a declared `not_before: <other column>` and a declared `references: <table>.<column>`."""
    person_key = tables_spec[PERSON_TABLE]["key"]
    slots: list[tuple[str, dict]] = []
    for table, spec in tables_spec.items():
        columns = spec["columns"]

        def slot(template, column, kind, *, table=table, **extra):     # binds this iteration's table
            slots.append((template, {"id": generic_rule_id(column, kind), "table": table, "column": column,
                                     "kind": kind, **extra}))

        key, person = spec["key"], spec.get("person_id")
        if columns[key].get("required"):
            slot("key_required", key, "required")
        slot("key_unique", key, "unique")
        if person and person != key:
            if columns[person].get("required"):
                slot("person_required", person, "required")
            if table != PERSON_TABLE:
                slot("person_references", person, "references", parent_table=PERSON_TABLE,
                     parent_column=person_key)
        for column, c in columns.items():
            kinds = TYPE_RULES.get(c.get("type"))
            if kinds is None:
                raise ValueError(f"rule catalogue: {table}.{column}: unknown type {c.get('type')!r}")
            for kind in kinds:
                slot(kind, column, kind)
            if c.get("not_before"):
                slot("not_before", column, "not_before", other=c["not_before"])
            if c.get("references"):
                pt, pc = _link(c["references"], f"{table}.{column}")
                slot("references", column, "references", parent_table=pt, parent_column=pc)
    return slots


def expand_rules(authored: dict) -> list[dict]:
    """The catalogue's rules: the authored rules (`rules`, in file order), the generic rules expanded from the
    tables (texts and severity from `generic_rules`, by id from `generic_rule_overrides`), then the checks.
    An authored rule of a generic kind takes the place of the generic rule of its table, column and kind, and
    must have one (every generic rule is declared by its table)."""
    tables_spec = authored["tables"]
    templates = authored.get("generic_rules") or {}
    overrides = dict(authored.get("generic_rule_overrides") or {})
    rules = [dict(r) for r in authored.get("rules") or []]
    slots = generic_rule_slots(tables_spec)
    by_place = {(s["table"], s["column"], s["kind"]): s for _, s in slots}
    taken = set()
    for rule in rules:
        place = (rule.get("table"), rule.get("column"), rule.get("kind"))
        if rule.get("kind") not in GENERIC_KINDS:
            raise ValueError(f"rule {rule.get('id')}: authored rules of kind {rule.get('kind')!r} go in `checks`")
        slot = by_place.get(place)
        if slot is None:
            raise ValueError(f"rule {rule.get('id')}: no column declaration calls for a {place[2]} rule on "
                             f"{place[0]}.{place[1]}")
        for k in ("other", "parent_table", "parent_column"):
            if slot.get(k) != rule.get(k):
                raise ValueError(f"rule {rule['id']}: {k} {rule.get(k)!r} differs from the column's "
                                 f"declaration ({slot.get(k)!r})")
        if place in taken:
            raise ValueError(f"rule {rule['id']}: another authored rule already takes the place of {slot['id']}")
        taken.add(place)
    for template, slot in slots:
        if (slot["table"], slot["column"], slot["kind"]) in taken:
            continue
        if template not in templates:
            raise ValueError(f"rule catalogue: generic_rules has no {template!r} (for {slot['id']})")
        text = templates[template]
        values = {"table": slot["table"], "column": slot["column"], "other": slot.get("other"),
                  "parent_table": slot.get("parent_table"), "parent_column": slot.get("parent_column")}
        rule = {**slot, "severity": text["severity"], "description": text["description"].format(**values),
                "why": text["why"].format(**values)}
        rule.update(overrides.pop(slot["id"], None) or {})
        rules.append(rule)
    if overrides:
        raise ValueError(f"generic_rule_overrides name rules that are not expanded: {sorted(overrides)}")
    for check in authored.get("checks") or []:
        if check.get("kind", "check") != "check":
            raise ValueError(f"rule {check.get('id')}: `checks` hold only kind: check")
        rules.append({**check, "kind": "check"})
    return rules


def expand_catalogue(authored: dict) -> dict:
    """The authored catalogue with its rules expanded and the rule declarations taken out of the columns."""
    out = {k: v for k, v in authored.items() if k not in AUTHORING_KEYS}
    out["tables"] = {t: {**spec, "columns": {c: {k: v for k, v in cs.items() if k not in RULE_DECLARATIONS}
                                             for c, cs in spec["columns"].items()}}
                     for t, spec in authored["tables"].items()}
    out["rules"] = expand_rules(authored)
    return out


@functools.cache
def measure_catalogue() -> dict:
    return yaml.safe_load(MEASURE_CATALOGUE.read_text(encoding="utf-8"))


def tables() -> dict[str, dict]:
    """Every table the product reads: {name: {key, person_id, columns: {col: {type, required, personal}}}}."""
    return rule_catalogue()["tables"]


def required_columns(table: str) -> list[str]:
    return [c for c, spec in tables()[table]["columns"].items() if spec.get("required")]


def personal_columns() -> dict[str, list[str]]:
    return {t: [c for c, s in spec["columns"].items() if s.get("personal")] for t, spec in tables().items()}


def all_measures() -> dict[str, dict]:
    m = measure_catalogue()
    return {**m["exception_measures"], **m["rate_measures"]}


def measure_label(kpi_id: str, standards: dict | None = None) -> str:
    """A measure's label with the numbers of the run's local standards filled in: an authority whose
    caseload_threshold is 20 reads "Worker with 20 or more children". Without `standards`, the defaults (the
    docs). Placeholders name a standard, `{caseload_threshold}`, or one of its keys, `{plo_red_weeks}`."""
    values = {}
    for key, value in (standards or measure_catalogue()["local_standards"]).items():
        if isinstance(value, dict):
            values.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            values[key] = value
    return all_measures()[kpi_id]["label"].format(**values)

