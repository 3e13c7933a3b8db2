"""csc_compliance_nightly: for each authority served, land its SSD extract, build the compliance marts
with dbt, run the data-quality suites, publish exception lists, KPI values and audit documentation.

Runs nightly at 01:30 London time and whenever csc_compliance_watch announces a new extract. Authorities
are mapped task groups: each has its own warehouse and outputs, and Celery workers take them in parallel.
An extract already published for its reporting date is skipped (scheduled runs only; the CLI always runs).
Thin by design: every stage is a function in csc_compliance.pipeline.stages, unit-tested on its own."""
from __future__ import annotations

import re

import pendulum
from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, Param, dag, get_current_context, task, task_group
from airflow.sdk.exceptions import AirflowSkipException

from csc_compliance.core.errors import AlreadyPublished
from csc_compliance.orchestration.dag_settings import EXTRACT_ARRIVED, NIGHTLY_CRON, TIMEZONE, authorities_for, default
from csc_compliance.pipeline import stages


def _run_label(params: dict) -> str:
    label = params.get("run_label") or get_current_context()["run_id"]
    return re.sub(r"[^A-Za-z0-9_.-]", "_", label)


def _run_date(ctx) -> pendulum.Date | None:
    run_after = ctx["dag_run"].run_after
    return pendulum.instance(run_after).in_timezone(TIMEZONE).date() if run_after else None


@dag(
    dag_id="csc_compliance_nightly",
    description="Nightly statutory-compliance and data-quality run for children's social care",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable(NIGHTLY_CRON, timezone=TIMEZONE),
                                 assets=[EXTRACT_ARRIVED]),
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0},
    tags=["csc", "compliance"],
    params={
        "extract_dir": Param(default("CSC_EXTRACT_DIR", "/data/drop"), type="string",
                             description="Folder holding the extract (<table>.csv / .parquet, manifest.json)"),
        "out_dir": Param(default("CSC_OUT_DIR", "/data/out"), type="string",
                         description="Folder the outputs are published to"),
        "as_at": Param("", type="string",
                       description="Reporting date D (YYYY-MM-DD); empty: the manifest's as_at, else the run's date"),
        "config": Param(default("CSC_CONFIG"), type="string",
                        description="Configuration file (YAML); empty: embedded defaults"),
        "region_config": Param(default("CSC_REGION_CONFIG"), type="string",
                               description="Regional file listing authorities; empty: the one authority above"),
        "skip_if_published": Param(True, type="boolean",
                                   description="Skip an authority whose extract is already published for D"),
        "run_label": Param("", type="string", description="Names the run's build folder; empty: the run id"),
    },
)
def csc_compliance_nightly():
    @task
    def authorities() -> list[dict]:
        p = get_current_context()["params"]
        return authorities_for(p["extract_dir"], p["out_dir"], p["config"] or None, p["region_config"] or None)

    @task_group(group_id="authority")
    def authority_run(authority: dict):
        @task
        def prepare(authority: dict) -> dict:
            ctx = get_current_context()
            p = ctx["params"]
            try:
                return stages.prepare(_run_label(p), authority["extract_dir"], authority["out_dir"],
                                      p["as_at"] or None, authority["config"], run_date=_run_date(ctx),
                                      skip_if_published=p["skip_if_published"],
                                      region_code=authority["code"] if p["region_config"] else None)
            except AlreadyPublished as exc:
                raise AirflowSkipException(str(exc)) from None

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

        publish(validate(transform(land(prepare(authority)))))

    authority_run.expand(authority=authorities())


nightly = csc_compliance_nightly()
