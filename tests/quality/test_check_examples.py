"""Every `kind: check` rule of the shipped catalogue carries its own examples (`examples` in
expectations/catalogue.yml): rows that must pass and rows that must fail. Each example is built as the landing
step leaves the warehouse (every catalogue table as raw.<table>, all columns text, `_row_number` in file
order, the csc_parse_* macros, intermediate.int_calendar) and the rule runs through the product's own path:
its helper column as suites.py plans it, read by frames.py, validated by GX in run_quality_suites."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from csc_compliance.core.catalogue import rule_catalogue
from csc_compliance.quality import frames, run_quality_suites, suites
from quality_samples import build_warehouse

CATALOGUE = rule_catalogue()
CHECKS = [r for r in CATALOGUE["rules"] if r["kind"] == "check"]
# the reporting date of an example that names none (its rule does not read {D})
DEFAULT_D = dt.date(2026, 11, 23)


def _cases():
    for rule in CHECKS:
        for n, example in enumerate(rule.get("examples") or [], start=1):
            yield pytest.param(rule, example, id=f"{rule['id']}-{n}")


def _reporting_date(rule: dict, example: dict) -> dt.date:
    if "{D}" in rule["sql"]:
        assert isinstance(example.get("date"), dt.date), f"{rule['id']}: the rule reads D; give the example a date"
    return example.get("date") or DEFAULT_D


def _rows(rule: dict, example: dict) -> dict[str, list[dict]]:
    tables = example["tables"]
    assert list(tables)[0] == rule["table"], f"{rule['id']}: the rule's own table comes first"
    for table, rows in tables.items():
        assert table in CATALOGUE["tables"], f"{rule['id']}: {table} is not a catalogue table"
        for row in rows:
            for column, value in row.items():
                # a value YAML read as a date, number or boolean would land as another spelling: quote it
                assert value is None or isinstance(value, str), f"{rule['id']}: {table}.{column}: quote {value!r}"
    return tables


def _one_rule_catalogue(rule: dict) -> dict:
    return {**CATALOGUE, "rules": [rule]}


@pytest.mark.parametrize(("rule", "example"), list(_cases()))
def test_check_rule_passes_and_fails_its_examples(rule, example, tmp_path):
    d = _reporting_date(rule, example)
    data = _rows(rule, example)
    catalogue = _one_rule_catalogue(rule)
    rows = len(data[rule["table"]])
    want = {n: None for n in range(1, rows + 1)}                 # rows not named: the rule does not apply
    want.update({n: True for n in example["pass"]})
    want.update({n: False for n in example["fail"]})
    assert len(want) == rows and not set(example["pass"]) & set(example["fail"]), rule["id"]

    con = build_warehouse(tmp_path / "w.duckdb", catalogue, data)
    try:
        # the rule's helper column as the runner computes it (true = passes, false = a gap, null = n/a)
        available = frames.table_availability(con, list(catalogue["tables"]))
        (plan,) = suites.plan_tables(catalogue, d, available)
        (check,) = plan.checks
        frame = frames.load_frame(con, plan)
        got = {int(n): (None if pd.isna(v) else bool(v)) for n, v in frame.iloc[:, 0].items()}
        assert got == want, f"{rule['id']}: row -> result (True pass, False fail, None n/a)"
        # and through the whole runner: the failing rows, and only they, are recording gaps
        gaps = run_quality_suites(con, catalogue, d, tmp_path / "dd", "examples").gaps
    finally:
        con.close()
    assert gaps["row_number"].tolist() == sorted(example["fail"]), rule["id"]
    assert set(gaps["rule_id"]) == {rule["id"]} and set(gaps["message"]) == {check.message}


def test_every_check_rule_has_a_passing_and_a_failing_example():
    assert CHECKS, "the catalogue has no check rules"
    missing = [r["id"] for r in CHECKS
               if not any(e.get("pass") for e in r.get("examples") or [])
               or not any(e.get("fail") for e in r.get("examples") or [])]
    assert not missing, f"check rules without a passing and a failing example: {missing}"


def test_a_check_rule_that_contradicts_its_example_fails(tmp_path):
    """The examples can fail: a rule whose SQL is broken (here, the weekend test inverted) does not pass its
    own examples."""
    rule = next(r for r in CHECKS if r["id"] == "ICPC_NOT_ON_WEEKEND")
    broken = {**rule, "sql": rule["sql"].replace("NOT IN (0, 6)", "IN (0, 6)")}
    assert broken["sql"] != rule["sql"]
    with pytest.raises(AssertionError):
        test_check_rule_passes_and_fails_its_examples(broken, rule["examples"][0], tmp_path)
