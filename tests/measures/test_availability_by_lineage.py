"""Removing any one SSD table makes exactly the measures that read it (by dbt lineage) "not available", and
no other. The warehouse is built once from an extract holding every table; then, for each table, the landed
availability says it is absent and the build's own compiled int_measure_availability decides, against the
lineage read from the same build's manifest. (That an unavailable measure then has no exception rows and a
'not available' rate is tested end to end in tests/corpus/test_missing_tables.py.)"""
from __future__ import annotations

import json

import pytest

from csc_compliance.core.catalogue import all_measures, tables
from csc_compliance.devtools import lineage
from measure_fixture import build_warehouse

D = "2024-12-20"
ROWS = {
    "ssd_cp_plans": [{"cppl_cp_plan_id": "CP1", "cppl_person_id": "P1", "cppl_cp_plan_start_date": "2024-06-03"}],
    "ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_person_id": "P1", "cine_referral_date": "2024-05-01"}],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("availability")
    con = build_warehouse(tmp, ROWS, D, all_tables=True)
    target = tmp / "out" / ".csc-build" / "test" / "dbt_target"
    compiled = next(target.joinpath("compiled").rglob("int_measure_availability.sql")).read_text()
    manifest = json.loads((target / "manifest.json").read_text())
    yield con, compiled, lineage.measure_lineage(manifest)
    con.close()


def not_available_without(con, compiled: str, table: str) -> set[str]:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE meta.table_availability SET present = false WHERE table_name = ?", [table])
        rows = con.execute(f"SELECT kpi_id FROM ({compiled}) WHERE NOT is_available").fetchall()
    finally:
        con.execute("ROLLBACK")
    return {r[0] for r in rows}


def test_with_every_table_every_measure_is_available(build):
    con, compiled, _ = build
    assert not con.execute(f"SELECT kpi_id FROM ({compiled}) WHERE NOT is_available").fetchall()
    assert {r[0] for r in con.execute(f"SELECT kpi_id FROM ({compiled})").fetchall()} == set(all_measures())


@pytest.mark.parametrize("table", sorted(tables()))
def test_removing_a_table_makes_exactly_the_measures_reading_it_not_available(build, table):
    con, compiled, read = build
    expected = {kpi_id for kpi_id, tables_read in read.items()
                if table in tables_read and table not in all_measures()[kpi_id].get("attribution_reads", [])}
    assert not_available_without(con, compiled, table) == expected
