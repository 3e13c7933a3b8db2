"""csc_compliance_nightly: land the authority's SSD extract, build the compliance marts with dbt, run the
data-quality suites, publish exception lists, KPI values and audit documentation.

Thin by design: every stage is a function in csc_compliance.stages, unit-tested on its own."""
from __future__ import annotations

import os
import re

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from csc_compliance import stages


def _run_label(params: dict) -> str:
    ctx = get_current_context()
    label = params.get("run_label") or ctx["run_id"]
    return re.sub(r"[^A-Za-z0-9_.-]", "_", label)


def _run_date(ctx) -> pendulum.Date | None:
    run_after = ctx["dag_run"].run_after
    return pendulum.instance(run_after).in_timezone("Europe/London").date() if run_after else None


@dag(
    dag_id="csc_compliance_nightly",
    description="Nightly statutory-compliance and data-quality run for children's social care",
    schedule="30 1 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0},
    tags=["csc", "compliance"],
    params={
        "extract_dir": Param(os.environ.get("CSC_EXTRACT_DIR", "/data/drop"), type="string",
                             description="Folder holding the extract (<table>.csv / .parquet, manifest.json)"),
        "out_dir": Param(os.environ.get("CSC_OUT_DIR", "/data/out"), type="string",
                         description="Folder the outputs are published to"),
        "as_at": Param("", type="string",
                       description="Reporting date D (YYYY-MM-DD); empty: the manifest's as_at, else the run's date"),
        "config": Param(os.environ.get("CSC_CONFIG", ""), type="string",
                        description="Configuration file (YAML); empty: embedded defaults"),
        "run_label": Param("", type="string", description="Names the run's build folder; empty: the run id"),
    },
)
def csc_compliance_nightly():
    @task
    def prepare() -> dict:
        ctx = get_current_context()
        p = ctx["params"]
        return stages.prepare(_run_label(p), p["extract_dir"], p["out_dir"], p["as_at"] or None,
                              p["config"] or None, run_date=_run_date(ctx))

    @task
    def land(run: dict) -> dict:
        return stages.land(run)

    @task
    def transform(run: dict) -> dict:
        return stages.transform(run)

    @task
    def validate(run: dict) -> dict:
        return stages.validate(run)

    @task
    def publish(run: dict) -> dict:
        return stages.publish(run)

    publish(validate(transform(land(prepare()))))


nightly = csc_compliance_nightly()
