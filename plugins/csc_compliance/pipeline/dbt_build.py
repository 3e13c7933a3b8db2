"""One in-process `dbt build` (staging -> intermediate -> marts, with their tests), via dbt's dbtRunner:
measured here, one Airflow task per model costs 1.3-4.3 s each, which would dominate the night."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from csc_compliance.core.catalogue import DBT_PROJECT_DIR, measure_catalogue, rule_catalogue, tables
from csc_compliance.core.errors import CscError, debug_enabled
from csc_compliance.core.vocabulary import UNASSIGNED_LEAD, UNASSIGNED_UNIT
from csc_compliance.settings.config import Config

# What the data-quality suites' gaps feed (marts/dq_recording_gaps): built by validate, once they have run
GAPS_LINEAGE = "source:meta.recording_gaps+"


def dbt_vars(config: Config, reporting_date: str) -> dict:
    measures = measure_catalogue()
    return {
        "reporting_date": reporting_date,
        "standards": config.local_standards,
        "authority_code": config.authority_code,
        "authority_name": config.authority_name,
        "measure_requires": {k: v.get("requires", []) for k, v in
                             {**measures["exception_measures"], **measures["rate_measures"]}.items()},
        "rate_measures": list(measures["rate_measures"]),
        "count_measures": [k for k, v in measures["rate_measures"].items() if v.get("count")],
        "references": reference_rules(),
        "unassigned": {"lead": UNASSIGNED_LEAD, "unit": UNASSIGNED_UNIT},
        # each table's own team and worker columns (catalogue `team` / `worker`): a recording gap's fallback
        "row_owners": {table: [spec["team"], spec["worker"]] for table, spec in tables().items()
                       if spec.get("team") and spec.get("worker")},
    }


def reference_rules() -> dict[str, dict[str, list[list[str]]]]:
    """The catalogue's `references` rules as macros/references.sql reads them: {table: {column: [[parent
    table, parent column, rule id], ...]}}. Staging nulls a link these rules find broken."""
    out: dict[str, dict[str, list[list[str]]]] = {}
    for rule in rule_catalogue()["rules"]:
        if rule["kind"] == "references":
            out.setdefault(rule["table"], {}).setdefault(rule["column"], []).append(
                [rule["parent_table"], rule["parent_column"], rule["id"]])
    return out


def release_warehouse() -> None:
    """dbt-duckdb keeps the DuckDB database open in this process after dbtRunner returns, its last writes
    still in the write-ahead log: a file moved (published) in that state is missing tables. Close it, so
    the file on disk is whole and any connection may open it afterwards."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
        if env is not None:
            env.close()


def _invoke(args: list[str], callbacks: list | None = None):
    from dbt.cli.main import dbtRunner

    try:
        return dbtRunner(callbacks=callbacks or []).invoke(args)
    finally:
        release_warehouse()


def _arguments(command: list[str], build_dir: Path, target: Path, variables: dict) -> list[str]:
    """A dbt command line as every invocation here runs it: this project, the run's own target and log
    folders, the run's variables, no colours and no usage reporting."""
    return [*command, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(build_dir / "dbt_logs"), "--vars", json.dumps(variables),
            "--no-use-colors", "--no-send-anonymous-usage-stats"]


def _progress_callback():
    """A dbtRunner callback that reports nodes done of total on the terminal, now and then: the total from
    dbt's LogStartLine events (each carries the build's node count), a node done at its NodeFinished (the
    run-start hook aside)."""
    from csc_compliance.runtime import progress

    state = {"steps": None, "done": 0}

    def on_event(event) -> None:
        name = event.info.name
        if name == "LogStartLine" and state["steps"] is None:
            state["steps"] = progress.Steps("dbt", event.data.total, "nodes")
        elif name == "NodeFinished" and state["steps"] is not None:
            if event.data.node_info.unique_id.startswith("operation."):
                return
            state["done"] += 1
            state["steps"].done(state["done"])

    return on_event


def run_dbt_build(warehouse: Path, build_dir: Path, variables: dict, select: str | None = None,
                  exclude: str | None = None) -> list[dict]:
    """Run `dbt build` (of the nodes `select` picks and `exclude` leaves, when given); return per-node status and
    timings (from run_results.json). Raises CscError naming the failing node when any model or test fails."""
    target = build_dir / "dbt_target"
    os.environ["CSC_WAREHOUSE"] = str(warehouse)
    # unit tests check the code, not the night's data: the test suite runs them (make test)
    command = ["build", "--exclude-resource-type", "unit_test", *(["--select", select] if select else []),
               *(["--exclude", exclude] if exclude else [])]
    result = _invoke(_arguments(command, build_dir, target, variables), callbacks=[_progress_callback()])
    nodes = node_results(target / "run_results.json")
    if not result.success:
        failed = [n for n in nodes if n["status"] in ("error", "fail")]
        if failed:
            detail = "; ".join(f"{n['unique_id']}: {failure_text(n['message'])}" for n in failed[:3])
        else:
            detail = failure_text(str(result.exception or ""))
        raise CscError(f"dbt build failed: {detail}")
    return nodes


def failure_text(message: str) -> str:
    """A failed node's message as the user sees it. A data test's count is kept; any other text (a database
    error, a Python model's traceback) may quote extract values, and is withheld unless CSC_DEBUG=1."""
    if debug_enabled() or re.fullmatch(
            r"Got \d+ results?, configured to (fail|warn) if .*", message.strip()):
        return message.strip()
    kind = re.match(r"\s*([A-Za-z ]{1,40}? Error)\b", message)
    return (f"{kind.group(1) if kind else 'an error'} (its text is withheld as it may quote extract values: "
            "see the log file, or rerun with CSC_DEBUG=1)")


def run_dbt_unit_tests(warehouse: Path, build_dir: Path, variables: dict) -> list[dict]:
    """Run every dbt unit test (`unit_tests:`) against a built warehouse; return per-test results."""
    target = build_dir / "dbt_unit_target"
    os.environ["CSC_WAREHOUSE"] = str(warehouse)
    _invoke(_arguments(["test", "--select", "test_type:unit"], build_dir, target, variables))
    return node_results(target / "run_results.json")


def build_dbt_docs(warehouse: Path, build_dir: Path, variables: dict) -> Path:
    """The dbt docs site for auditors (lineage, every model and column described), as one static page.
    dbt's catalog holds names and types only, never values."""
    target = build_dir / "dbt_target"
    os.environ["CSC_WAREHOUSE"] = str(warehouse)
    # --no-compile: the build just compiled every node into this target (measured: 0.3 s instead of 2.4 s)
    result = _invoke(_arguments(["docs", "generate", "--static", "--no-compile"], build_dir, target, variables))
    if not result.success:
        raise CscError(f"dbt docs generate failed: {result.exception or 'see the log file'}")
    site = build_dir / "dbt_docs"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_bytes((target / "static_index.html").read_bytes())
    return site / "index.html"


def node_results(run_results: Path) -> list[dict]:
    if not run_results.exists():
        return []
    data = json.loads(run_results.read_text())
    return [{"unique_id": r["unique_id"], "status": r["status"],
             "seconds": round(r.get("execution_time") or 0.0, 3),
             "message": (r.get("message") or "")[:500],
             "failures": r.get("failures")} for r in data.get("results", [])
            if not r["unique_id"].startswith("operation.")]   # the run-start hook checks variables; not a node


def main(argv: list[str] | None = None) -> int:
    """`python -m csc_compliance.pipeline.dbt_build --vars`: the variables a run passes to dbt, as JSON, for running dbt
    by hand while debugging a model (README "Running dbt by hand")."""
    import argparse
    import datetime as dt
    import sys

    from csc_compliance.settings.config import load_config

    parser = argparse.ArgumentParser(prog="python -m csc_compliance.pipeline.dbt_build", description=main.__doc__)
    parser.add_argument("--vars", action="store_true", required=True, help="print the dbt variables as JSON")
    parser.add_argument("--config", default=None, help="configuration file (default: the embedded defaults)")
    parser.add_argument("--as-at", default=dt.date.today().isoformat(), help="reporting date D, YYYY-MM-DD")
    args = parser.parse_args(argv)
    try:
        print(json.dumps(dbt_vars(load_config(args.config), dt.date.fromisoformat(args.as_at).isoformat())))
    except (CscError, ValueError) as exc:
        print(f"python -m csc_compliance.pipeline.dbt_build: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
