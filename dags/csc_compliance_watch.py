"""csc_compliance_watch: every five minutes, look in each authority's drop folder for a complete extract
(its manifest.json written last) that is not yet published, and announce it as the `csc_extract_arrived`
asset, which starts csc_compliance_nightly. An extract is announced once (its fingerprint is recorded in the
authority's output folder), so a late extract gets its run and no extract is processed twice."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from csc_compliance.ingest.arrivals import is_new_arrival, mark_announced
from csc_compliance.orchestration.dag_settings import EXTRACT_ARRIVED, TIMEZONE, authorities_for, default


@dag(
    dag_id="csc_compliance_watch",
    description="Starts the compliance run when a new extract lands in a drop folder",
    schedule="*/5 * * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0},
    tags=["csc", "compliance"],
)
def csc_compliance_watch():
    @task(outlets=[EXTRACT_ARRIVED])
    def announce_new_extracts() -> list[str]:
        authorities = authorities_for(default("CSC_EXTRACT_DIR", "/data/drop"), default("CSC_OUT_DIR", "/data/out"),
                                      default("CSC_CONFIG") or None, default("CSC_REGION_CONFIG") or None)
        arrived = [(a, fp) for a in authorities if (fp := is_new_arrival(a["extract_dir"], a["out_dir"]))]
        if not arrived:
            raise AirflowSkipException("no new extract")   # a skipped task announces nothing
        for authority, fingerprint in arrived:
            mark_announced(authority["out_dir"], fingerprint)
        codes = [a["code"] for a, _ in arrived]
        get_current_context()["outlet_events"][EXTRACT_ARRIVED].extra = {"authorities": codes}
        return codes

    announce_new_extracts()


watch = csc_compliance_watch()
