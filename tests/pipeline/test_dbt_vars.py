"""The dbt project runs only with the variables the pipeline passes: a bare `dbt build` stops at once, naming
them, instead of quietly computing other numbers (no reference rules, every measure available)."""
from __future__ import annotations

import json
import subprocess
import sys

from csc_compliance.core.catalogue import DBT_PROJECT_DIR
from csc_compliance.pipeline.dbt_build import _invoke, dbt_vars
from csc_compliance.settings.config import parse_config


def _args(tmp_path, *extra):
    return ["build", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"), *extra]


def _refused(tmp_path, monkeypatch, variables: dict | None) -> str:
    monkeypatch.setenv("CSC_WAREHOUSE", str(tmp_path / "bare.duckdb"))
    result = _invoke(_args(tmp_path, *(["--vars", json.dumps(variables)] if variables else [])))
    assert not result.success
    run_results = tmp_path / "target" / "run_results.json"
    built = json.loads(run_results.read_text())["results"] if run_results.exists() else []
    assert not [r for r in built if r["unique_id"].startswith("model.")], "models ran without the variables"
    said = (tmp_path / "logs" / "dbt.log").read_text()
    assert "Running dbt by hand" in said and "python -m csc_compliance.pipeline.dbt_build --vars" in said
    return said


def test_a_bare_dbt_build_stops_naming_the_missing_variables(tmp_path, monkeypatch):
    assert "standards is not set" in _refused(tmp_path, monkeypatch, None)


def test_a_build_given_only_some_variables_stops_naming_the_others(tmp_path, monkeypatch):
    standards = dbt_vars(parse_config({}), "2026-11-20")["standards"]
    said = _refused(tmp_path, monkeypatch, {"standards": standards})
    assert ("reporting_date, authority_code, authority_name, measure_requires, rate_measures, count_measures, "
            "references, unassigned, row_owners are not set") in said


def test_the_variables_a_run_passes_can_be_printed_for_a_run_by_hand(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("local_standards:\n  caseload_threshold: 20\n")
    printed = subprocess.run([sys.executable, "-m", "csc_compliance.pipeline.dbt_build", "--vars",
                              "--config", str(config), "--as-at", "2026-11-20"],
                             capture_output=True, text=True, check=True).stdout
    variables = json.loads(printed)
    assert variables["reporting_date"] == "2026-11-20"
    assert variables["standards"]["caseload_threshold"] == 20
    assert variables["references"] and variables["measure_requires"]["CIN_VISIT"]
