"""Loaders for the two catalogues: the rule catalogue (tables, columns, data-quality rules) and the
measure catalogue (measures and local-standard defaults). Everything else reads them from here."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
RULE_CATALOGUE = PROJECT_DIR / "expectations" / "catalogue.yml"
MEASURE_CATALOGUE = PACKAGE_DIR / "measures.yml"
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
DAGS_DIR = PROJECT_DIR / "dags"


@functools.cache
def rule_catalogue() -> dict:
    return yaml.safe_load(RULE_CATALOGUE.read_text(encoding="utf-8"))


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

