"""Bad-input corpus, part 4: a table missing from the extract (docs/contract.md#tables-and-required-columns).

The extract of bad values (bad_values_cases.py) leaves out MISSING_TABLES. Per table: every measure that
needs it (measures.yml `requires`) is "not available": one `la` row in kpi_values.csv with empty numbers and
a note naming the table (never a silent zero), no exception rows, and the run manifest says so; the table
has no recording gaps. A measure that needs none of them is computed as usual."""
from __future__ import annotations

import json

import pytest

from bad_values_cases import MISSING_TABLES
from corpus_tools import read_csv_rows
from csc_compliance.core.catalogue import all_measures, measure_catalogue

RATES = set(measure_catalogue()["rate_measures"])
# docs/contract.md#tables-and-required-columns: "an absent table makes the measures that READ it not available"
# (the catalogue's `requires`).


def needed_by(table: str) -> list[str]:
    return sorted(k for k, spec in all_measures().items() if table in spec.get("requires", []))


def _param(table):
    return pytest.param(table, id=table)


@pytest.fixture(scope="module")
def outputs(values_run):
    out = values_run["out"]
    return {"kpis": read_csv_rows(out / "kpis" / "kpi_values.csv"),
            "exceptions": read_csv_rows(out / "exceptions" / "exceptions.csv"),
            "gaps": read_csv_rows(out / "dq" / "recording_gaps.csv"),
            "manifest": json.loads((out / "run_manifest.json").read_text())}


def test_the_missing_tables_were_absent(values_run, outputs):
    present = {t["table"]: t["present"] for t in outputs["manifest"]["extract"]["tables"]}
    for table in MISSING_TABLES:
        assert present[table] is False, table
        assert not list(values_run["extract"].glob(f"{table}.*"))
    assert all(needed_by(t) for t in MISSING_TABLES)


@pytest.mark.parametrize("table", [_param(t) for t in MISSING_TABLES])
def test_missing_table_makes_its_measures_not_available(table, outputs):
    not_available = outputs["manifest"]["measures_not_available"]
    authority = outputs["manifest"]["authority"]
    for kpi_id in needed_by(table):
        assert kpi_id in not_available and table in not_available[kpi_id], (kpi_id, not_available.get(kpi_id))
        assert not [r for r in outputs["exceptions"] if r["kpi_id"] == kpi_id], f"{kpi_id} has exception rows"
        if kpi_id in RATES:
            rows = [r for r in outputs["kpis"] if r["kpi_id"] == kpi_id]
            assert len(rows) == 1, rows
            row = rows[0]
            assert row["level"] == "la" and row["unit_id"] == authority["code"], row
            assert row["numerator"] == row["denominator"] == row["value"] == ""
            assert row["note"].startswith("not available:") and table in row["note"], row
    assert not [g for g in outputs["gaps"] if g["table"] == table]


def test_measures_needing_only_present_tables_are_computed(outputs):
    missing_needs = {k for t in MISSING_TABLES for k in needed_by(t)}
    not_available = outputs["manifest"]["measures_not_available"]
    computed = [k for k in all_measures() if k not in missing_needs]
    assert computed
    for kpi_id in computed:
        assert kpi_id not in not_available, kpi_id
        if kpi_id in RATES:
            la = [r for r in outputs["kpis"] if r["kpi_id"] == kpi_id and r["level"] == "la"]
            assert len(la) == 1 and la[0]["note"] == "" and la[0]["numerator"] != "", (kpi_id, la)
