"""Airflow's REST API as the suite drives it: a JWT from /auth/token, triggering and pausing DAGs, waiting for
a run and reading its task instances per authority, asset events."""
from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from integration.airflow_deployment import Deployment
from integration.processes import IntegrationError, Supervisor, log, relative, tail, wait_for

NIGHTLY, WATCH = "csc_compliance_nightly", "csc_compliance_watch"


RUN_TIMEOUT = 420            # seconds for one nightly run (two demo authorities on two cores: about 2 minutes)


class Api:
    def __init__(self, base: str) -> None:
        self.base = base
        self.token: str | None = None

    def call(self, method: str, path: str, body: dict | None = None, *, auth: bool = True,
             query: dict | None = None) -> tuple[int, dict | list | None]:
        url = self.base + path + (f"?{urllib.parse.urlencode(query, doseq=True)}" if query else "")
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = {"text": raw[:500].decode(errors="replace")}
        return status, payload

    def ok(self, method: str, path: str, body: dict | None = None, expect: tuple[int, ...] = (200,),
           query: dict | None = None):
        status, payload = self.call(method, path, body, query=query)
        if status not in expect:
            raise IntegrationError(f"{method} {path} answered {status} (expected {expect}): {payload}")
        return payload

    def login(self, username: str, password: str) -> int:
        status, payload = self.call("POST", "/auth/token", {"username": username, "password": password}, auth=False)
        if status in (200, 201):
            self.token = payload["access_token"]
        return status


def check_authentication(api: Api, d: Deployment) -> None:
    refused = {}
    for method, path, body in (("GET", "/api/v2/dags", None),
                               ("POST", f"/api/v2/dags/{NIGHTLY}/dagRuns", {"logical_date": None}),
                               ("GET", "/api/v2/config", None)):
        status, _ = api.call(method, path, body, auth=False)
        if status not in (401, 403):
            raise IntegrationError(f"{method} {path} without a token answered {status}, not 401/403")
        refused[f"{method} {path}"] = status
    bogus = Api(api.base)
    bogus.token = "not-a-token"
    status, _ = bogus.call("GET", "/api/v2/dags")
    if status not in (401, 403):
        raise IntegrationError(f"GET /api/v2/dags with a forged token answered {status}, not 401/403")
    refused["GET /api/v2/dags (forged token)"] = status
    for user, password in (("admin", "admin"), ("airflow", "airflow"), (d.values["AIRFLOW_ADMIN_USER"], "wrong")):
        status = Api(api.base).login(user, password)
        if status not in (401, 403):
            raise IntegrationError(f"/auth/token gave a token for {user}/{password} (status {status})")
        refused[f"token for {user}/{password}"] = status
    log("   refused: " + ", ".join(f"{k} -> {v}" for k, v in refused.items()))
    status = api.login(d.values["AIRFLOW_ADMIN_USER"], d.values["AIRFLOW_ADMIN_PASSWORD"])
    if status not in (200, 201):
        raise IntegrationError(f"/auth/token refused the admin's generated password (status {status})")
    log(f"   JWT obtained from /auth/token for {d.values['AIRFLOW_ADMIN_USER']!r} (status {status})")


def wait_for_dags(api: Api, sup: Supervisor) -> None:
    def parsed():
        dags = {dag_id: api.ok("GET", f"/api/v2/dags/{dag_id}") for dag_id in (NIGHTLY, WATCH)}
        return dags
    dags = wait_for("the dag-processor to parse both DAGs", parsed, 180, sup, every=2)
    errors = api.ok("GET", "/api/v2/importErrors")
    if errors.get("total_entries"):
        raise IntegrationError(f"DAG import errors: {errors}")
    for dag_id, dag in dags.items():
        log(f"   {dag_id}: paused={dag['is_paused']}, schedule {dag.get('timetable_summary')!r}")


def run_label(codes: list[str], ti: dict) -> str:
    index = ti.get("map_index", -1)
    where = f"[{codes[index]}]" if index is not None and 0 <= index < len(codes) else ""
    return f"{ti['task_id']}{where}"


def wait_for_run(api: Api, sup: Supervisor, d: Deployment, dag_id: str, run_id: str,
                 timeout: float = RUN_TIMEOUT) -> tuple[dict, list[dict]]:
    """Follow a run to its end, logging each task's state changes (with the worker that ran it)."""
    quoted = urllib.parse.quote(run_id, safe="")
    seen: dict[tuple, str] = {}
    deadline = time.monotonic() + timeout
    while True:
        sup.check_alive()
        run = api.ok("GET", f"/api/v2/dags/{dag_id}/dagRuns/{quoted}")
        tis = api.ok("GET", f"/api/v2/dags/{dag_id}/dagRuns/{quoted}/taskInstances",
                     query={"limit": 100})["task_instances"]
        for ti in sorted(tis, key=lambda t: (t.get("start_date") or "", t["task_id"], t.get("map_index", -1))):
            key = (ti["task_id"], ti.get("map_index", -1))
            state = ti.get("state") or "none"
            if seen.get(key) != state and state in ("queued", "running", "success", "failed", "skipped",
                                                    "upstream_failed"):
                seen[key] = state
                extra = ""
                if state in ("success", "failed") and ti.get("duration") is not None:
                    extra = f" ({ti['duration']:.1f} s on {ti.get('hostname') or '?'})"
                log(f"     {dag_id} {run_label(d.codes, ti)}: {state}{extra}")
        if run["state"] in ("success", "failed"):
            if run["state"] == "failed":
                raise IntegrationError(f"{dag_id} run {run_id} failed:\n{failed_task_logs(d, dag_id, run_id, tis)}")
            return run, tis
        if time.monotonic() > deadline:
            raise IntegrationError(f"{dag_id} run {run_id} still {run['state']} after {timeout:.0f} s")
        time.sleep(2)


def failed_task_logs(d: Deployment, dag_id: str, run_id: str, tis: list[dict]) -> str:
    """How to read a failed run: each failed task's log (the same files the UI shows)."""
    parts = []
    for ti in tis:
        if ti.get("state") != "failed":
            continue
        folder = d.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={ti['task_id']}"
        files = sorted(folder.rglob("*.log"))
        index = ti.get("map_index", -1)
        if index is not None and index >= 0:
            files = [f for f in files if f"map_index={index}" in str(f)] or files
        for file in files[-1:]:
            parts.append(f"   task {run_label(d.codes, ti)}, log {relative(file)}:\n{tail(file, 40)}")
    return "\n".join(parts) or "   (no failed task: see the scheduler's log)"


def trigger(api: Api, dag_id: str, *, logical_date: str | None = None, conf: dict | None = None,
            note: str = "") -> str:
    run = api.ok("POST", f"/api/v2/dags/{dag_id}/dagRuns",
                 {"logical_date": logical_date, "conf": conf or {}, "note": note or None}, expect=(200, 201))
    log(f"   POST /api/v2/dags/{dag_id}/dagRuns -> run {run['dag_run_id']!r} ({run['state']})")
    return run["dag_run_id"]


def set_paused(api: Api, dag_id: str, paused: bool) -> None:
    dag = api.ok("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": paused})
    log(f"   PATCH /api/v2/dags/{dag_id} is_paused={paused} -> is_paused={dag['is_paused']}")


def states_by_authority(tis: list[dict], codes: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {code: {} for code in codes}
    for ti in tis:
        index = ti.get("map_index", -1)
        if ti["task_id"].startswith("authority.") and index is not None and 0 <= index < len(codes):
            found[codes[index]][ti["task_id"].split(".", 1)[1]] = ti.get("state")
    return found


def asset_events_since(api: Api, since: dt.datetime) -> list[dict]:
    return api.ok("GET", "/api/v2/assets/events",
                  query={"source_dag_id": WATCH, "timestamp_gte": since.isoformat(), "limit": 100})["asset_events"]


def nightly_runs_since(api: Api, since: dt.datetime) -> list[dict]:
    return api.ok("GET", f"/api/v2/dags/{NIGHTLY}/dagRuns",
                  query={"run_after_gte": since.isoformat(), "limit": 100})["dag_runs"]
