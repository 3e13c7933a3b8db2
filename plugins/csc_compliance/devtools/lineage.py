"""What each measure reads, from the dbt graph: the SSD tables upstream of its model (int_measure_<id> for an
exception measure, int_rate_<id> for a rate), however indirectly. measures.yml's `requires` and
`attribution_reads` must equal it (tests/core/test_catalogues.py), so a model that starts reading a table cannot
leave its measure computed without that table."""
from __future__ import annotations

from csc_compliance.core.catalogue import measure_catalogue

# Not followed: the working-day calendar's reach (int_earliest_date reads every table only for how far back
# to build int_calendar), the person's attribution (docs/conventions.md#attribution: it falls back, so it
# never decides whether a measure can be computed) and the availability model itself.
NOT_FOLLOWED = frozenset({"int_calendar", "int_earliest_date", "int_person_attribution", "int_units",
                          "int_measure_availability"})


def measure_model(kpi_id: str) -> str:
    rates = measure_catalogue()["rate_measures"]
    return ("int_rate_" if kpi_id in rates else "int_measure_") + kpi_id.lower()


def tables_read(nodes: dict[str, dict], model: str, skip: frozenset = NOT_FOLLOWED) -> set[str]:
    """The SSD tables a model reads: the staging models (stg_<table>) upstream of it. `nodes` maps a model's
    name to its node in dbt's manifest.json."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = [model]
    while stack:
        name = stack.pop()
        if name.startswith("stg_"):
            found.add(name[len("stg_"):])
            continue
        for parent in nodes[name]["depends_on"]["nodes"]:
            parent_name = parent.split(".")[-1]
            if parent.startswith("model.") and parent_name not in skip and parent_name not in seen:
                seen.add(parent_name)
                stack.append(parent_name)
    return found


def measure_lineage(manifest: dict) -> dict[str, set[str]]:
    """Every measure's SSD tables, from a parsed dbt manifest (target/manifest.json)."""
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    catalogue = measure_catalogue()
    lineage = {}
    for kpi_id in [*catalogue["exception_measures"], *catalogue["rate_measures"]]:
        model = measure_model(kpi_id)
        if model not in nodes:
            raise KeyError(f"{kpi_id}: the dbt project has no model {model}")
        lineage[kpi_id] = tables_read(nodes, model)
    return lineage
