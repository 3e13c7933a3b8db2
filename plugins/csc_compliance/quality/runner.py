"""One GX context per call: one Expectation Suite, validation definition and checkpoint per table, one
validation per table, then the Data Docs site. Tables are read and validated one at a time (every row,
no sampling) so only one frame is in memory at once.

Validation results are kept in `data_docs/results/` (a GX filesystem store), so the site lists every
run's validations, not only tonight's. Each stored result keeps the counts and drops the failing row
numbers (they are in that night's `dq/recording_gaps.csv`): the store stays small over the retention."""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

from csc_compliance.core.errors import CscError
from csc_compliance.quality import docs, frames, gaps, suites
from csc_compliance.runtime import progress

log = logging.getLogger("csc_compliance.quality")

# Failing rows by index (`_row_number`), all of them, and no cell values anywhere in the results.
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["_row_number"],
    "exclude_unexpected_values": True,
    "partial_unexpected_count": 0,
    "return_unexpected_index_query": False,
}
DATASOURCE = "ssd_extract"
BATCH = "whole_table"


class QualityError(CscError):
    """The data-quality suites could not run (a GX error, not a bad value: bad values are gaps)."""


@dataclass
class QualityResult:
    gaps: pd.DataFrame
    suites: list[dict] = field(default_factory=list)
    data_docs_index: Path | None = None


def _context(results_dir: Path):
    """An ephemeral GX context, no Data Docs site yet, no progress bars; suites, definitions and
    checkpoints in memory, validation results in `results_dir` (where earlier runs' results are)."""
    defaults = InMemoryStoreBackendDefaults(init_temp_docs_sites=False)
    defaults.stores[defaults.validation_results_store_name]["store_backend"] = {
        "class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(results_dir).resolve())}
    config = DataContextConfig(store_backend_defaults=defaults, analytics_enabled=False,
                               progress_bars=ProgressBarsConfig(globally=False))
    return gx.get_context(mode="ephemeral", project_config=config)


def _slim(validation):
    """The result as kept for the record: counts and percentages, without the failing rows' numbers."""
    for er in validation.results:
        for key in ("unexpected_index_list", "unexpected_index_query", "unexpected_list",
                    "partial_unexpected_list", "partial_unexpected_index_list", "partial_unexpected_counts"):
            (er.result or {}).pop(key, None)
    return validation


def _expire(store, reporting_date: dt.date, retention_days: int | None) -> None:
    """Drop stored results of runs whose reporting date (the run name's prefix) is past the retention."""
    if not retention_days:
        return
    cutoff = (reporting_date - dt.timedelta(days=retention_days)).isoformat()
    for key in store.list_keys():
        run_date = str(key.run_id.run_name)[:10]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", run_date) and run_date < cutoff:
            store.remove_key(key)


def _raise_on_exceptions(table: str, validation) -> None:
    """A GX error inside an expectation would otherwise read as 'no failing rows': stop instead."""
    for er in validation.results:
        info = er.exception_info or {}
        infos = [info] if "raised_exception" in info else list(info.values())
        for i in infos:
            if isinstance(i, dict) and i.get("raised_exception"):
                rule = (er.expectation_config.meta or {}).get("rule_id")
                raise QualityError(f"data-quality suite {table}, rule {rule}: GX failed to evaluate it: "
                                   f"{i.get('exception_message')}")


def _run_name(reporting_date: dt.date, run_id: str) -> str:
    """`<D>_<run id>` as a safe folder name, as the run manifests in `data_docs/runs/` are named."""
    return f"{reporting_date.isoformat()}_" + (re.sub(r"[^A-Za-z0-9._-]+", "_", str(run_id)) or "run")


def _rule_row(rule: dict, result: str, failing_rows: int | None) -> dict:
    keys = ("id", "severity", "table", "column", "kind", "description", "dfe_code")
    row = {("rule_id" if k == "id" else k): rule.get(k) for k in keys}
    return {**row, "result": result, "failing_rows": failing_rows}


def _validate(context, datasource, plan: suites.TablePlan, frame: pd.DataFrame, run_identifier, version):
    suite = context.suites.add(suites.build_suite(plan, version))
    batch = datasource.add_dataframe_asset(plan.table).add_batch_definition_whole_dataframe(BATCH)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=plan.table, data=batch, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=plan.table, validation_definitions=[definition], actions=[], result_format=RESULT_FORMAT))
    result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_identifier)
    (validation,) = result.run_results.values()
    _raise_on_exceptions(plan.table, validation)
    return validation


def run_quality_suites(con: duckdb.DuckDBPyConnection, catalogue: dict, reporting_date: dt.date,
                       data_docs_dir: Path, run_id: str, retention_days: int | None = None) -> QualityResult:
    """Run every table's suite over the landed raw tables; return the gaps, a per-suite summary and the
    Data Docs index. Rules on absent tables (and references to absent parents) are skipped, not failed.
    Earlier runs' results in `data_docs_dir/results` stay listed until past `retention_days`."""
    data_docs_dir = Path(data_docs_dir)
    tables = list((catalogue.get("tables") or {}).keys())
    plans = suites.plan_tables(catalogue, reporting_date, frames.table_availability(con, tables))
    version = catalogue.get("version")
    data_docs_dir.mkdir(parents=True, exist_ok=True)
    context = _context(data_docs_dir / docs.RESULTS_FOLDER)
    store = context.validation_results_store
    datasource = context.data_sources.add_pandas(DATASOURCE)
    run_identifier = RunIdentifier(run_name=_run_name(reporting_date, run_id),
                                   run_time=dt.datetime.now(dt.timezone.utc))
    summaries, gap_parts, rule_rows = [], [], []
    steps = progress.Steps("validate", len(plans), "suites")
    for number, plan in enumerate(plans, 1):
        summary = {"suite": plan.table, "table": plan.table, "expectations": len(plan.checks),
                   "failed_expectations": 0, "unexpected_rows": 0, "success": None,
                   "status": "skipped", "skipped_rules": [r["id"] for r, _ in plan.skipped]}
        rule_rows += [_rule_row(r, f"skipped: {why}", None) for r, why in plan.skipped]
        if not plan.present or not plan.checks:
            summary["reason"] = (f"{plan.table} is absent from the extract" if not plan.present
                                 else "every rule was skipped")
            log.info("suite %s skipped: %s", plan.table, summary["reason"])
            summaries.append(summary)
            steps.done(number)
            continue
        frame = frames.load_frame(con, plan)
        validation = _validate(context, datasource, plan, frame, run_identifier, version)
        del frame
        table_gaps = gaps.table_gaps(con, plan, validation.results)
        gap_parts.append(table_gaps)
        by_rule = {er.expectation_config.meta["rule_id"]: er for er in validation.results}
        for check in plan.checks:
            er = by_rule[check.rule["id"]]
            rule_rows.append(_rule_row(check.rule, "passed" if er.success else "failed",
                                       int((er.result or {}).get("unexpected_count") or 0)))
        summary.update(failed_expectations=sum(not er.success for er in validation.results),
                       unexpected_rows=int(table_gaps["row_number"].nunique()),
                       success=bool(validation.success),
                       status="passed" if validation.success else "failed")
        log.info("suite %s: %d expectations, %d failed, %d rows with gaps", plan.table,
                 summary["expectations"], summary["failed_expectations"], summary["unexpected_rows"])
        summaries.append(summary)
        steps.done(number)
    tonight = [k for k in store.list_keys() if k.run_id == run_identifier]
    for key in tonight:
        store.set(key, _slim(store.get(key)))
    _expire(store, reporting_date, retention_days)
    context.add_data_docs_site(site_name=docs.SITE_NAME,
                               site_config=docs.site_config(data_docs_dir,
                                                            sorted(rule_rows, key=lambda r: r["rule_id"]),
                                                            catalogue.get("overrides") or []))
    # render tonight's pages and every suite; earlier runs' pages are already there (the index lists them all)
    suite_keys = [ExpectationSuiteIdentifier(name=p.table) for p in plans if p.present and p.checks]
    context.build_data_docs(site_names=[docs.SITE_NAME], resource_identifiers=tonight + suite_keys)
    docs.prune_empty_folders(data_docs_dir)
    return QualityResult(gaps=gaps.assemble(gap_parts), suites=summaries,
                         data_docs_index=data_docs_dir / "index.html")
