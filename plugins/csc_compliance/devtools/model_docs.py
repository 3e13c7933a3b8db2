"""The dbt YAML doc of every measure's model, generated from the measure catalogue
(`plugins/csc_compliance/measures.yml`) so that the model docs cannot drift from it: each exception measure's
`models/intermediate/measures/<id>/int_measure_<id>.yml` and each rate's
`models/intermediate/rates/<id>/int_rate_<id>.yml`. Written by `python -m csc_compliance.devtools.reference_docs`;
a test keeps the committed files equal to what this generates."""
from __future__ import annotations

from pathlib import Path

import yaml

from csc_compliance.core.catalogue import DBT_PROJECT_DIR, measure_catalogue, measure_label

INTERMEDIATE = DBT_PROJECT_DIR / "models" / "intermediate"
HEADER = ("# Generated from plugins/csc_compliance/measures.yml by\n"
          "# `python -m csc_compliance.devtools.reference_docs`: edit the catalogue, not this file.\n")

# The columns every exception measure's model selects (int_measure_items reads them by these names).
MEASURE_COLUMNS = [
    ("kpi_id", "The measure id (docs/measures.md)."),
    ("person_id", "The child."),
    ("record_id", "The key of what the row is about (the plan, period of care, enquiry, worker...)."),
    ("due_date", "The item's due date (docs/conventions.md#status)."),
    ("status_rule", "due (status from the due date), always (overdue) or watch (docs/conventions.md#status)."),
    ("flag", "red or null (docs/conventions.md#thresholds)."),
    ("source_team_id",
     "The source record's own team (docs/conventions.md#attribution, the fallback after the allocated worker's)."),
    ("source_worker_id", "The source record's own worker (docs/conventions.md#attribution)."),
]
# The columns every rate's model selects (int_rate_items unions them).
RATE_COLUMNS = [
    ("kpi_id", "The rate measure id (docs/measures.md)."),
    ("item_id", "What the denominator counts: an assessment, child, plan, referral, family or worker."),
    ("person_id", "The child (null for a rate over workers)."),
    ("in_numerator", "Counted in the numerator."),
    ("worker_id", "The worker the item drills down to."),
    ("team_id", "The team the item drills down to."),
]


def measure_dir(kpi_id: str) -> Path:
    """An exception measure's folder: its model, this YAML doc and its unit tests."""
    return INTERMEDIATE / "measures" / kpi_id.lower()


def rate_dir(kpi_id: str) -> Path:
    return INTERMEDIATE / "rates" / kpi_id.lower()


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _description(kpi_id: str, parts: list[tuple[str, str | None]], spec: dict) -> str:
    lines = [f"{kpi_id}: {_sentence(measure_label(kpi_id))}"]
    lines += [f"{name}: {_sentence(value)}" for name, value in parts if value]
    lines.append(f"Statutory basis: {_sentence(spec['statute'])}")
    if spec.get("interpretation"):
        lines.append(f"Reading: {_sentence(spec['interpretation'])}")
    lines.append(f"Not available without: {', '.join(spec['requires'])}.")
    lines.append(f"Definition: docs/measures.md#{kpi_id.lower()}.")
    return " ".join(lines)


def _doc(model: str, description: str, columns: list[tuple[str, str]]) -> str:
    body = {"version": 2, "models": [{
        "name": model, "description": description,
        "columns": [{"name": name, "description": text} for name, text in columns]}]}
    return HEADER + yaml.safe_dump(body, sort_keys=False, width=110, allow_unicode=True)


def model_docs() -> dict[Path, str]:
    catalogue = measure_catalogue()
    docs = {}
    for kpi_id, spec in catalogue["exception_measures"].items():
        model = f"int_measure_{kpi_id.lower()}"
        parts = [("Population at D", spec["population"]), ("Due", spec["due"])]
        docs[measure_dir(kpi_id) / f"{model}.yml"] = _doc(model, _description(kpi_id, parts, spec), MEASURE_COLUMNS)
    for kpi_id, spec in catalogue["rate_measures"].items():
        model = f"int_rate_{kpi_id.lower()}"
        parts = ([("A count of", spec["numerator"])] if spec.get("count")
                 else [("Denominator", spec["denominator"]), ("Numerator", spec["numerator"])])
        docs[rate_dir(kpi_id) / f"{model}.yml"] = _doc(model, _description(kpi_id, parts, spec), RATE_COLUMNS)
    return docs


def write_model_docs() -> list[Path]:
    written = []
    for path, text in model_docs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
