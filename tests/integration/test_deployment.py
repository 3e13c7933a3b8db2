"""The production deployment (docker-compose.yml) exercised for real, without Docker, through the REST API
(JWT from /auth/token). The deployment serves a region of two authorities (CSC_REGION_CONFIG), so each run is
a mapped task group per authority on the Celery worker. The steps run in order, each building on the last
(`make integration` stops at the first failure):

1. the compose init script refuses a missing, default or short admin password;
2. the API refuses calls without a token, and a default or wrong password; both DAGs are parsed;
3. the nightly DAG, triggered through the API, publishes every authority (outputs checked);
4. the watcher announces nothing while every extract is published;
5. a new extract dropped (its manifest.json last) into one authority's folder is announced by the watcher,
   and the nightly DAG runs from the asset event and publishes that authority only;
6. that extract is processed exactly once: a further watcher run announces nothing."""
from __future__ import annotations

import datetime as dt
import time
import urllib.parse

import pytest

from csc_compliance.ingest.arrivals import extract_fingerprint
from integration import airflow_deployment, extracts
from integration.processes import log, wait_for
from integration.rest_api import (
    NIGHTLY,
    WATCH,
    Api,
    asset_events_since,
    check_authentication,
    nightly_runs_since,
    set_paused,
    states_by_authority,
    trigger,
    wait_for_dags,
    wait_for_run,
)

pytestmark = pytest.mark.integration


def test_the_init_script_refuses_a_weak_admin_password(infrastructure, supervisor):
    airflow_deployment.init_refuses_weak_passwords(infrastructure, supervisor.logs)


def test_the_api_requires_authentication_and_both_dags_are_parsed(airflow, admin_api, supervisor):
    check_authentication(Api(airflow.api), airflow)
    wait_for_dags(admin_api, supervisor)


def test_run_1_triggered_through_the_api_publishes_every_authority(airflow, admin_api, supervisor, scenario):
    d, api = airflow, admin_api
    slot = api.ok("GET", f"/api/v2/dags/{NIGHTLY}").get("next_dagrun_logical_date")
    # The scheduler would add a catch-up run for the latest 01:30 slot as soon as the DAG is unpaused
    # (catchup=False runs the most recent slot). Triggering that slot first means the run is ours alone.
    run_id = trigger(api, NIGHTLY, logical_date=slot, note="make integration: run 1 (REST API)")
    set_paused(api, NIGHTLY, False)
    _, tis = wait_for_run(api, supervisor, d, NIGHTLY, run_id)
    states = states_by_authority(tis, d.codes)
    for code in d.codes:
        assert set(states[code].values()) == {"success"} and len(states[code]) == 5, (code, states[code])
        checks = extracts.check_outputs(d.out / code, code, extracts.FIRST_AS_AT, extract_fingerprint(d.drop / code))
        log(f"   {code} published: {checks}")
    runs = api.ok("GET", f"/api/v2/dags/{NIGHTLY}/dagRuns")["total_entries"]
    assert runs == 1, f"{runs} nightly runs after run 1, expected exactly the triggered one"
    log(f"   run {run_id!r}: {len(d.codes)} authorities as mapped task groups on "
        f"{sorted({ti.get('hostname') or '?' for ti in tis})}; no other nightly run was created")
    scenario["first_published"] = {code: (d.out / code / "run_manifest.json").read_bytes() for code in d.codes}


def test_the_watcher_announces_nothing_while_every_extract_is_published(airflow, admin_api, supervisor, scenario):
    assert "first_published" in scenario, "run 1 did not publish"
    set_paused(admin_api, WATCH, False)
    # unpausing makes the scheduler run the latest 5-minute slot at once
    scheduled = wait_for("the watcher's first scheduled run",
                         lambda: admin_api.ok("GET", f"/api/v2/dags/{WATCH}/dagRuns",
                                              query={"run_type": "scheduled"})["dag_runs"], 60, supervisor, every=2)
    _, tis = wait_for_run(admin_api, supervisor, airflow, WATCH, scheduled[0]["dag_run_id"], timeout=120)
    assert [ti["state"] for ti in tis] == ["skipped"], f"the watcher announced something with nothing new: {tis}"


def test_run_2_a_new_extract_runs_from_the_asset_event_for_its_authority_only(airflow, admin_api, supervisor,
                                                                              scenario):
    d, api = airflow, admin_api
    target = d.codes[0]
    scenario["dropped_at"] = dropped_at = dt.datetime.now(dt.UTC)
    fingerprint = extracts.drop_new_extract(d, target, supervisor.logs)
    watch_run = trigger(api, WATCH, note="make integration: announce the new extract")
    wait_for_run(api, supervisor, d, WATCH, watch_run, timeout=120)
    events = wait_for("the asset event", lambda: asset_events_since(api, dropped_at), 30, supervisor)
    assert len(events) == 1 and events[0].get("extra", {}).get("authorities") == [target], events
    created = wait_for("the asset-triggered nightly run", lambda: nightly_runs_since(api, dropped_at), 60,
                       supervisor, every=2)
    assert len(created) == 1 and created[0]["run_type"] == "asset_triggered", \
        [(r["dag_run_id"], r["run_type"]) for r in created]
    _, tis = wait_for_run(api, supervisor, d, NIGHTLY, created[0]["dag_run_id"])
    states = states_by_authority(tis, d.codes)
    assert set(states[target].values()) == {"success"}, states[target]
    checks = extracts.check_outputs(d.out / target, target, extracts.SECOND_AS_AT, fingerprint)
    log(f"   {target} published the new extract as at {extracts.SECOND_AS_AT}: {checks}")
    for code in d.codes[1:]:   # unchanged extracts, already published for their date: skipped, untouched
        assert states[code].get("prepare") == "skipped", (code, states[code])
        assert (d.out / code / "run_manifest.json").read_bytes() == scenario["first_published"][code]
    scenario["manifest_after"] = (d.out / target / "run_manifest.json").read_bytes()


def test_the_new_extract_is_processed_exactly_once(airflow, admin_api, supervisor, scenario):
    d, api = airflow, admin_api
    target, dropped_at = d.codes[0], scenario["dropped_at"]
    watch_run = trigger(api, WATCH, note="make integration: nothing new to announce")
    _, tis = wait_for_run(api, supervisor, d, WATCH, watch_run, timeout=120)
    assert [ti["state"] for ti in tis] == ["skipped"], f"the watcher announced the same extract again: {tis}"
    time.sleep(10)   # several scheduler loops: an asset event would have created a run by now
    runs = nightly_runs_since(api, dropped_at)
    published_by = [
        r["dag_run_id"] for r in runs
        if states_by_authority(api.ok("GET", f"/api/v2/dags/{NIGHTLY}/dagRuns/"
                                      f"{urllib.parse.quote(r['dag_run_id'], safe='')}/taskInstances",
                                      query={"limit": 100})["task_instances"], d.codes)[target].get("publish")
        == "success"]
    assert len(asset_events_since(api, dropped_at)) == 1 and len(runs) == 1 and len(published_by) == 1, \
        (len(asset_events_since(api, dropped_at)), [r["dag_run_id"] for r in runs], published_by)
    assert (d.out / target / "run_manifest.json").read_bytes() == scenario["manifest_after"]
