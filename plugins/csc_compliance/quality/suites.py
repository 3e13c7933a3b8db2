"""Catalogue rules -> GX Expectation Suites, one suite per table.

Each rule becomes a `Check`: the helper columns its expectation reads (SQL over `raw.<table>`, computed in
DuckDB by frames.py so that parsing is the one definition the warehouse uses) and a natural GX expectation
on them. Helper columns are named after what they hold (`pers_dob__is_valid_date`, `pers_dob__date`,
`cina_person_id__in_ssd_person`) so Data Docs read well. Every expectation carries the rule's id,
severity, description, why and DfE code in `meta`, and shows the rule id in its rendered text."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import great_expectations as gx
import great_expectations.expectations as gxe

from csc_compliance.core.parsing import ACCEPTED_DATE_FORMATS

KINDS = ("required", "unique", "valid_date", "valid_flag", "valid_json", "not_future", "not_before", "references",
         "check")
ACCEPTED_FLAGS = "Y/N, Yes/No, 1/0, True/False"
# pandas holds datetime64[ns] only between these dates; GX compares dates vectorised only for [ns]. A
# parsed date outside them is held at the bound: "after D" is unchanged, and an end-before-start is
# missed only when both dates lie beyond the same bound (both then implausible).
NS_MIN, NS_MAX = "1677-09-22", "2262-04-11"
VALUE_NUMBER_SUFFIX = "__value_number"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Check:
    """One rule as it runs: helper columns (name -> SQL) and the GX expectation reading them."""
    rule: dict
    columns: dict[str, str]
    expectation: gxe.Expectation
    message: str


@dataclass
class TablePlan:
    """A table's suite: the checks that run, and the rules skipped with the reason why."""
    table: str
    present: bool
    key: str
    person_id: str | None
    checks: list[Check] = field(default_factory=list)
    skipped: list[tuple[dict, str]] = field(default_factory=list)


def ident(name: str) -> str:
    """A quoted SQL identifier; catalogue names are plain identifiers, anything else is a catalogue bug."""
    if not _IDENT.match(str(name)):
        raise ValueError(f"not a valid table or column name in the rule catalogue: {name!r}")
    return f'"{name}"'


def text_sql(column: str) -> str:
    """A raw text value as staging reads it: trimmed, blank = null."""
    return f"nullif(trim({ident(column)}), '')"


def value_number_sql(column: str) -> str:
    """Each distinct (trimmed) value as a number, null when blank: `required` and `unique` read the same
    on numbers as on the ids, ids never enter GX, and GX hashes and compares numbers far faster."""
    value = text_sql(column)
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE dense_rank() OVER (ORDER BY {value}) END"


def date_sql(column: str) -> str:
    parsed = f"csc_parse_date({ident(column)})"
    return (f"CASE WHEN {parsed} IS NULL THEN NULL ELSE "
            f"least(greatest({parsed}, DATE '{NS_MIN}'), DATE '{NS_MAX}')::TIMESTAMP_NS END")


def _parses_sql(column: str, macro: str) -> str:
    return f"CASE WHEN {text_sql(column)} IS NULL THEN NULL ELSE {macro}({ident(column)}) IS NOT NULL END"


def _references_sql(column: str, parent_table: str, parent_column: str) -> str:
    parent = text_sql(parent_column)
    return (f"CASE WHEN {text_sql(column)} IS NULL THEN NULL ELSE {text_sql(column)} IN "
            f"(SELECT {parent} FROM raw.{ident(parent_table)} WHERE {parent} IS NOT NULL) END")


def _check(rule: dict, d: dt.date) -> Check:
    """The helper columns, GX expectation and gap message for one rule (messages never hold a value)."""
    col, kind = rule["column"], rule["kind"]
    if kind in ("required", "unique"):
        helper = f"{col}{VALUE_NUMBER_SUFFIX}"
        columns = {helper: value_number_sql(col)}
        kwargs = {"column": helper}
        if kind == "required":
            exp, message = gxe.ExpectColumnValuesToNotBeNull, f"{col} is missing (it is required)"
        else:
            exp = gxe.ExpectColumnValuesToBeUnique
            message = f"{col} is shared with another row (it must be unique; the measures keep the first row)"
    elif kind in ("valid_date", "valid_flag", "valid_json"):
        helper = f"{col}__is_{kind}"
        macro = {"valid_date": "csc_parse_date", "valid_flag": "csc_parse_flag", "valid_json": "csc_parse_json"}[kind]
        columns = {helper: _parses_sql(col, macro)}
        exp, kwargs = gxe.ExpectColumnValuesToBeInSet, {"column": helper, "value_set": [True]}
        message = {"valid_date": f"{col} is not a valid date (accepted: {ACCEPTED_DATE_FORMATS})",
                   "valid_flag": f"{col} is not a valid flag (accepted: {ACCEPTED_FLAGS})",
                   "valid_json": f"{col} is not valid JSON (expected an object or array, as FOR JSON writes)"}[kind]
    elif kind == "not_future":
        helper = f"{col}__date"
        columns = {helper: date_sql(col)}
        exp, kwargs = gxe.ExpectColumnValuesToBeBetween, {"column": helper,
                                                         "max_value": dt.datetime.combine(d, dt.time())}
        message = f"{col} is after the reporting date {d.isoformat()}"
    elif kind == "not_before":
        other = rule["other"]
        columns = {f"{col}__date": date_sql(col), f"{other}__date": date_sql(other)}
        exp = gxe.ExpectColumnPairValuesAToBeGreaterThanB
        kwargs = {"column_A": f"{col}__date", "column_B": f"{other}__date", "or_equal": True,
                  "ignore_row_if": "either_value_is_missing"}
        message = f"{col} is before {other}"
    elif kind == "references":
        pt, pc = rule["parent_table"], rule["parent_column"]
        helper = f"{col}__in_{pt}"
        columns = {helper: _references_sql(col, pt, pc)}
        exp, kwargs = gxe.ExpectColumnValuesToBeInSet, {"column": helper, "value_set": [True]}
        message = f"{col} does not match any {pc} in {pt}"
    elif kind == "check":
        # a per-row condition in SQL over raw.<table> (other tables through subqueries): true = as it should
        # be, false = a gap, null = does not apply. {D} is the reporting date.
        helper = f"{rule['id'].lower()}__ok"
        sql = rule["sql"].replace("{D}", f"DATE '{d.isoformat()}'")
        columns = {helper: f"({sql})"}
        exp, kwargs = gxe.ExpectColumnValuesToBeInSet, {"column": helper, "value_set": [True]}
        message = rule["message"]
    else:
        raise ValueError(f"rule {rule.get('id')}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    meta = {k: rule.get(k) for k in ("description", "why", "dfe_code")}
    meta = {"rule_id": rule["id"], "severity": rule["severity"], **meta,
            "table": rule["table"], "column": col, "kind": kind}
    notes = [f"**{rule['id']}** ({rule['severity']}): {rule.get('description', '')}",
             f"Why: {rule.get('why', '')}",
             f"Recording gap: {message}."]
    if rule.get("dfe_code"):
        notes.append(f"DfE validation: {rule['dfe_code']}")
    notes += [f"Helper column `{name}` = `{sql}`" for name, sql in columns.items()]
    description = f"{rule['id']} ({rule['severity']}): {rule.get('description', message)}"
    expectation = exp(**kwargs, meta=meta, notes=notes, description=description.replace("$", ""))
    return Check(rule=rule, columns=columns, expectation=expectation, message=message)


def plan_tables(catalogue: dict, reporting_date: dt.date, available: dict[str, bool]) -> list[TablePlan]:
    """Every table with rules, in catalogue order, with its checks and the rules that cannot run tonight."""
    tables, rules = catalogue.get("tables", {}), catalogue.get("rules", []) or []
    plans: dict[str, TablePlan] = {}
    seen: set[str] = set()
    for rule in rules:
        rule_id, table = rule.get("id"), rule.get("table")
        if not rule_id or rule_id in seen:
            raise ValueError(f"rule catalogue: missing or duplicate rule id {rule_id!r}")
        seen.add(rule_id)
        spec = tables.get(table)
        if spec is None:
            raise ValueError(f"rule {rule_id}: table {table!r} is not in the catalogue's tables")
        for t, c in ((table, rule.get("column")), (table, rule.get("other")),
                     (rule.get("parent_table"), rule.get("parent_column"))):
            if c is not None and c not in (tables.get(t) or {}).get("columns", {}):
                raise ValueError(f"rule {rule_id}: column {c!r} is not a column of {t}")
        if table not in plans:
            plans[table] = TablePlan(table=table, present=bool(available.get(table)), key=spec["key"],
                                     person_id=spec.get("person_id"))
        plan = plans[table]
        check = _check(rule, reporting_date)
        if not plan.present:
            plan.skipped.append((rule, f"{table} is absent from the extract"))
        elif rule["kind"] == "references" and not available.get(rule["parent_table"]):
            plan.skipped.append((rule, f"{rule['parent_table']} is absent from the extract"))
        else:
            plan.checks.append(check)
    return list(plans.values())


def build_suite(plan: TablePlan, catalogue_version: str | None = None) -> gx.ExpectationSuite:
    """The table's suite, named after the table, holding only the checks that run tonight."""
    suite = gx.ExpectationSuite(name=plan.table, meta={"table": plan.table,
                                                       "catalogue_version": catalogue_version})
    for check in plan.checks:
        suite.add_expectation(check.expectation)
    return suite
