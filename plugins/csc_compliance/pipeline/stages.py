"""The nightly pipeline's stages, as the DAG calls them: each takes and returns plain data (XCom-safe).

prepare -> land -> transform (dbt build) -> validate (Great Expectations) -> publish.
Everything is built in the run's own folder; only `publish` touches the published outputs. Each stage runs
in the one wrapper (pipeline/stage.py) and does one thing, with the modules that know how. Every table the
outputs are written from is built by dbt, from what land and validate put in the `raw` and `meta` schemas:
transform builds all but the recording gaps' lineage, which validate builds once the suites have run (some
rules read dbt's working-day calendar)."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb

from csc_compliance.core import parsing
from csc_compliance.core.catalogue import rule_catalogue
from csc_compliance.core.run_context import RunContext
from csc_compliance.ingest.landing import land_extract
from csc_compliance.pipeline.dbt_build import GAPS_LINEAGE, build_dbt_docs, dbt_vars, run_dbt_build
from csc_compliance.pipeline.prepare import prepare
from csc_compliance.pipeline.stage import STAGES, StageClock, stage
from csc_compliance.publish import history
from csc_compliance.runtime import progress, run_guard
from csc_compliance.settings.for_run import config_for_run

__all__ = ["STAGES", "prepare", "land", "transform", "validate", "publish"]


@stage("land")
def land(ctx: RunContext, clock: StageClock) -> None:
    """The extract's tables into the warehouse's `raw` schema; the run's leads and reporting date, and the
    published history before D, into `meta`."""
    config = config_for_run(ctx)
    with duckdb.connect(str(ctx.warehouse)) as con:
        parsing.create_macros(con)
        landed = land_extract(con, Path(ctx.extract_dir), ctx.build_dir)
        con.execute("CREATE OR REPLACE TABLE meta.strategic_leads (area_id VARCHAR, lead_name VARCHAR)")
        pairs = sorted(config.lead_for_area().items())
        if pairs:
            con.executemany("INSERT INTO meta.strategic_leads VALUES (?, ?)", pairs)
        con.execute("CREATE OR REPLACE TABLE meta.run AS SELECT ? AS run_id, CAST(? AS DATE) AS reporting_date, "
                    "? AS authority_code, ? AS authority_name",
                    [ctx.run_id, ctx.reporting_date, config.authority_code, config.authority_name])
        history.land_previous(con, Path(ctx.out_dir) / "history.duckdb", ctx.d)
    (ctx.build_dir / "landed.json").write_text(json.dumps([t.__dict__ for t in landed], indent=2))
    present = sum(t.present for t in landed)
    progress.say(f"      landed {present} tables, {sum(t.rows for t in landed):,} rows; "
                 f"{len(landed) - present} tables absent")


@stage("transform")
def transform(ctx: RunContext, clock: StageClock) -> None:
    """The in-process `dbt build` of every model the suites' gaps do not feed."""
    variables = dbt_vars(config_for_run(ctx), ctx.reporting_date)
    nodes = run_dbt_build(ctx.warehouse, ctx.build_dir, variables, exclude=GAPS_LINEAGE)
    (ctx.build_dir / "dbt_results.json").write_text(json.dumps(nodes, indent=2))
    progress.say(f"      dbt: {sum(n['status'] == 'success' for n in nodes)} models built, "
                 f"{sum(n['status'] == 'pass' for n in nodes)} tests passed")


@stage("validate")
def validate(ctx: RunContext, clock: StageClock) -> None:
    """The data-quality suites over the landed tables; the gaps they find into meta.recording_gaps, then dbt
    builds what reads them (marts/dq_recording_gaps: each gap routed) and the dbt docs site, every model
    built."""
    # Great Expectations loads here, not when the DAG file is parsed (3.5 s of every start-up)
    from csc_compliance.quality import docs, gaps, run_quality_suites

    config = config_for_run(ctx)
    data_docs = ctx.build_dir / "data_docs"
    # auditors keep every run's validations and manifest: the published ones come into this run's site
    docs.carry_forward(Path(ctx.out_dir) / "data_docs", data_docs)
    with duckdb.connect(str(ctx.warehouse)) as con:
        result = run_quality_suites(con, rule_catalogue(), ctx.d, data_docs, ctx.run_id, config.retention_days)
        gaps.store_gaps(con, result.gaps)
    (ctx.build_dir / "suites.json").write_text(json.dumps(result.suites, indent=2, default=str))
    progress.say(f"      {len(result.gaps):,} recording gaps found by {len(result.suites)} suites")
    variables = dbt_vars(config, ctx.reporting_date)
    nodes = run_dbt_build(ctx.warehouse, ctx.build_dir, variables, select=GAPS_LINEAGE)
    results = ctx.build_dir / "dbt_results.json"
    results.write_text(json.dumps(json.loads(results.read_text()) + nodes, indent=2))
    build_dbt_docs(ctx.warehouse, ctx.build_dir, variables)


@stage("publish")
def publish(ctx: RunContext, clock: StageClock) -> dict:
    """The run's outputs swapped in over the published ones; returns the run manifest."""
    from csc_compliance.publish.night import publish_night

    out = Path(ctx.out_dir)
    with run_guard.publishing(out):   # another run publishing to this folder finishes first; we build on it
        return publish_night(ctx, config_for_run(ctx), out, clock.record)
