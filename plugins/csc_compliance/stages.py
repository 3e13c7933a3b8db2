"""The nightly pipeline's stages. The DAG calls these; each takes and returns plain data (XCom-safe).

prepare -> land -> transform (dbt build) -> validate (Great Expectations) -> publish.
Everything is built in the run's own folder; only `publish` touches the published outputs."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import time
import traceback
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from . import arrivals, interrupts, parsing, peak_memory, progress, run_guard
from .catalogue import rule_catalogue
from .config import config_from_bytes, read_config
from .dbt_build import build_dbt_docs, dbt_vars, run_dbt_build
from .errors import AlreadyPublished, CscError, ExtractError, Interrupted
from .extract import check_manifest_authority, land_extract, read_manifest
from .publish import swap
from .run_context import BUILD_ROOT, RunContext

LONDON = ZoneInfo("Europe/London")
STAGES = ("prepare", "land", "transform", "validate", "publish")
_stage_started: dict[str, float] = {}


def stage(name: str):
    """Time the stage, report progress, and leave a plain error for the CLI when it fails."""
    def wrap(fn):
        @functools.wraps(fn)
        def run(ctx_dict: dict, *args, **kwargs):
            ctx = RunContext.from_dict(ctx_dict)
            os.umask(0o077)   # outputs hold children's data: owner-only, however the stage is run (Celery too)
            interrupts.install()
            progress.label(ctx.authority_code if ctx.regional else None)
            progress.say(f"[{STAGES.index(name) + 1}/{len(STAGES)}] {name} ...")
            peak_memory.reset_peak()
            start = _stage_started[name] = time.perf_counter()
            try:
                interrupts.check()
                result = fn(ctx, *args, **kwargs)
                if name != "publish":   # (publish defers the signal only once it is sure to publish)
                    interrupts.check()  # a signal whose exception was swallowed (raised in a finalizer) stops here
            except (Exception, interrupts.RunInterrupted) as exc:
                error = failure(ctx, name, exc)
                if error is exc:
                    raise
                raise error from None
            ctx.record_stage(name, time.perf_counter() - start, peak_rss_mb=peak_memory.peak_mb())
            progress.say(f"[{STAGES.index(name) + 1}/{len(STAGES)}] {name} done "
                         f"({time.perf_counter() - start:.1f} s)")
            return result if result is not None else ctx_dict
        return run
    return wrap


def failure(ctx: RunContext, stage_name: str, exc: BaseException) -> CscError:
    """What a failed stage raises, its error.json written: a stop signal (even one a library caught and
    reported as a failure of its own) says so; a user-facing error as it is; anything else value-free."""
    if interrupts.received():
        exc = Interrupted(f"stopped by {interrupts.name(interrupts.received())} during {stage_name}; "
                          "nothing was published")
    write_error(ctx, stage_name, exc)
    return exc if isinstance(exc, CscError) else value_free(exc, stage_name)


def _debug() -> bool:
    return os.environ.get("CSC_DEBUG", "") not in ("", "0")


def _unexpected_message(exc: BaseException, stage_name: str) -> str:
    """An unforeseen error's text may quote extract values (a DuckDB conversion error names the cell): the
    message the user, the task log and the CLI see keeps the error's type and where it happened, and
    withholds its text unless CSC_DEBUG=1."""
    if _debug():
        return f"unexpected {type(exc).__name__} in stage {stage_name}: {exc}"
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno} ({frame.name})" if frame else ""
    return (f"unexpected {type(exc).__name__} in stage {stage_name}{where}; its text is withheld as it may quote "
            "extract values (rerun with CSC_DEBUG=1 to see it)")


def value_free(exc: BaseException, stage_name: str) -> CscError:
    """The error re-raised to Airflow in place of an unforeseen one: its stack (code, no values) is logged."""
    import logging

    logging.getLogger("csc_compliance").error("stack of the unexpected %s in stage %s:\n%s", type(exc).__name__,
                                              stage_name, "".join(traceback.format_tb(exc.__traceback__)))
    return CscError(_unexpected_message(exc, stage_name))


def write_error(ctx: RunContext, stage_name: str, exc: BaseException) -> None:
    ctx.build_dir.mkdir(parents=True, exist_ok=True)
    user_facing = isinstance(exc, CscError)
    ctx.error_file.write_text(json.dumps({
        "stage": stage_name,
        "kind": type(exc).__name__,
        "message": str(exc) if user_facing else _unexpected_message(exc, stage_name),
        "user_facing": user_facing,
        "traceback": "".join(traceback.format_exception(exc)) if user_facing or _debug()
        else "".join(traceback.format_tb(exc.__traceback__)),
    }, indent=2))


def run_config(ctx: RunContext):
    """The run's configuration, parsed from the snapshot prepare took (ctx.config_snapshot). In a region, an
    authority whose own configuration names no authority is the code the regional file gives it (kpi_values'
    la rows, the manifest), not the default LA."""
    config = config_from_bytes(ctx.config_snapshot.read_bytes(), ctx.config_path) if ctx.config_path \
        else read_config(None)[1]
    if not config.authority_configured and ctx.authority_code and ctx.authority_code != config.authority_code:
        config = dataclasses.replace(config, authority_code=ctx.authority_code, authority_name=ctx.authority_code)
    return config


def resolve_reporting_date(as_at: str | None, manifest: dict | None, run_date: dt.date | None) -> dt.date:
    """D: the --as-at given, else the manifest's as_at (read_manifest), else the run's own date in London."""
    if as_at:
        try:
            return parsing.iso_date(as_at)
        except ValueError:
            raise CscError(f"reporting date {as_at!r} is not a real YYYY-MM-DD date") from None
    if manifest and manifest.get("as_at"):
        return manifest["as_at"]
    return run_date or dt.datetime.now(LONDON).date()


def prepare(run_id: str, extract_dir: str, out_dir: str, as_at: str | None, config_path: str | None,
            run_date: dt.date | None = None, skip_if_published: bool = False,
            region_code: str | None = None) -> dict:
    """Check the inputs that need no reading of data, finish any interrupted publish, make the build folder.
    With `skip_if_published` (scheduled and data-aware runs), an extract already published for the same
    reporting date raises AlreadyPublished instead: it is not processed twice. `region_code`: the code a
    regional file gives this authority, which its extract's manifest.json must not contradict."""
    interrupts.install()
    try:
        interrupts.check()
        return _prepare(run_id, extract_dir, out_dir, as_at, config_path, run_date, skip_if_published,
                        region_code)
    except AlreadyPublished:
        raise
    except (Exception, interrupts.RunInterrupted) as exc:
        failed = RunContext(run_id, extract_dir, str(Path(out_dir).expanduser().resolve()), "", config_path, "")
        error = failure(failed, "prepare", exc)
        if error is exc:
            raise
        raise error from None


def _authority_code(config, region_code: str | None, manifest: dict | None) -> str:
    """Whose run this is: the configuration's code when it names one, else the regional file's, else the one
    the extract's manifest.json names, else the default."""
    if config.authority_configured:
        return config.authority_code
    return region_code or (manifest or {}).get("authority") or config.authority_code


def _prepare(run_id, extract_dir, out_dir, as_at, config_path, run_date, skip_if_published, region_code) -> dict:
    start = time.perf_counter()
    os.umask(0o077)
    peak_memory.reset_peak()
    progress.label(region_code)
    progress.say(f"[1/{len(STAGES)}] prepare ...")
    extract = Path(extract_dir).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    if not extract.is_dir():
        raise ExtractError(f"extract folder {extract} does not exist or is not a folder")
    config_bytes, config = read_config(config_path)   # the run's only read of the file: a snapshot follows
    config.check_workbook_passwords()       # in the worker's environment, before anything is built
    # read (and so checked) even when --as-at is given: it says whose extract this is
    manifest = read_manifest(extract)
    check_manifest_authority(manifest, config.authority_code, config.authority_configured)
    if region_code:
        check_manifest_authority(manifest, region_code, configured=True)
    d = resolve_reporting_date(as_at, manifest, run_date)
    out.mkdir(parents=True, exist_ok=True)
    run_guard.check_not_held_by_cli(out)
    with run_guard.publishing(out):
        swap.recover(out)
    fingerprint = arrivals.extract_fingerprint(extract)
    if skip_if_published and arrivals.already_published(out, fingerprint, d.isoformat()):
        raise AlreadyPublished(f"the extract in {extract} was already published for {d} in {out}")
    ctx = RunContext(run_id=run_id, extract_dir=str(extract), out_dir=str(out), reporting_date=d.isoformat(),
                     config_path=str(Path(config_path).resolve()) if config_path else None,
                     authority_code=_authority_code(config, region_code, manifest), extract_fingerprint=fingerprint,
                     config_sha256=hashlib.sha256(config_bytes).hexdigest(), regional=bool(region_code))
    root = out / BUILD_ROOT
    if root.exists():  # builds left by failed or killed runs were never published: safe to drop
        for other in root.iterdir():
            if other.name == run_id:
                continue
            busy = run_guard.in_progress(other)
            if busy:
                raise run_guard.RunInProgress(f"another run ({busy}) is building in {other}; this run is refused "
                                              "and the other continues (if no run is in progress, delete that "
                                              "folder and run again)")
            shutil.rmtree(other, ignore_errors=True)
    if ctx.build_dir.exists():
        shutil.rmtree(ctx.build_dir)
    ctx.build_dir.mkdir(parents=True)
    run_guard.claim(ctx.build_dir)
    ctx.config_snapshot.write_bytes(config_bytes)
    ctx.record_stage("prepare", time.perf_counter() - start, peak_rss_mb=peak_memory.peak_mb())
    progress.say(f"[1/{len(STAGES)}] prepare done: reporting date {d}, extract {extract}")
    return ctx.to_dict()


@stage("land")
def land(ctx: RunContext) -> dict:
    config = run_config(ctx)
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
    (ctx.build_dir / "landed.json").write_text(json.dumps([t.__dict__ for t in landed], indent=2))
    present = sum(t.present for t in landed)
    progress.say(f"      landed {present} tables, {sum(t.rows for t in landed):,} rows; "
                 f"{len(landed) - present} tables absent")
    return ctx.to_dict()


@stage("transform")
def transform(ctx: RunContext) -> dict:
    config = run_config(ctx)
    variables = dbt_vars(config, ctx.reporting_date)
    nodes = run_dbt_build(ctx.warehouse, ctx.build_dir, variables)
    (ctx.build_dir / "dbt_results.json").write_text(json.dumps(nodes, indent=2))
    build_dbt_docs(ctx.warehouse, ctx.build_dir, variables)
    progress.say(f"      dbt: {sum(n['status'] == 'success' for n in nodes)} models built, "
                 f"{sum(n['status'] == 'pass' for n in nodes)} tests passed")
    return ctx.to_dict()


@stage("validate")
def validate(ctx: RunContext) -> dict:
    from .quality import docs, run_quality_suites
    from .quality_attribution import store_recording_gaps

    config = run_config(ctx)
    data_docs = ctx.build_dir / "data_docs"
    # auditors keep every run's validations and manifest: the published ones come into this run's site
    docs.carry_forward(Path(ctx.out_dir) / "data_docs", data_docs)
    with duckdb.connect(str(ctx.warehouse)) as con:
        result = run_quality_suites(con, rule_catalogue(), ctx.d, data_docs, ctx.run_id, config.retention_days)
        store_recording_gaps(con, result.gaps)
    (ctx.build_dir / "suites.json").write_text(json.dumps(result.suites, indent=2, default=str))
    progress.say(f"      {len(result.gaps):,} recording gaps found by {len(result.suites)} suites")
    return ctx.to_dict()


@stage("publish")
def publish(ctx: RunContext) -> dict:
    out = Path(ctx.out_dir)
    with run_guard.publishing(out):   # another run publishing to this folder finishes first; we build on it
        return _publish(ctx, run_config(ctx), out)


def _publish(ctx: RunContext, config, out: Path) -> dict:
    from .publish.csv_outputs import write_csv_outputs
    from .publish.history import record_run
    from .publish.lead_outputs import write_workbooks
    from .publish.manifest import write_manifest
    from .publish.summary_page import write_summary_page

    published_history = out / "history.duckdb"
    if published_history.exists():
        shutil.copy2(published_history, ctx.history)
    with duckdb.connect(str(ctx.warehouse)) as con:
        history = str(ctx.history).replace("'", "''")   # a folder may be named "Children's Services"
        try:
            con.execute(f"ATTACH '{history}' AS history")
            if published_history.exists():   # readable through: a damaged file can attach, then fail
                con.execute("SELECT count(*) FROM history.runs").fetchall()
        except duckdb.Error as exc:
            if not published_history.exists():
                raise
            raise CscError(f"the published history {published_history} cannot be read ({type(exc).__name__}: "
                           "damaged, or written by another DuckDB version); nothing was published. Move it "
                           "aside to start a new history, or restore it from a backup") from None
        record_run(con, "history", ctx.d, ctx.run_id, config.retention_days)
        counts = write_csv_outputs(con, ctx.build_dir)
        unavailable = dict(con.execute("SELECT kpi_id, missing_tables FROM intermediate.int_measure_availability "
                                       "WHERE NOT is_available ORDER BY kpi_id").fetchall())
        workbooks = write_workbooks(con, ctx.build_dir / "exceptions", config, ctx.reporting_date, unavailable)
        write_summary_page(con, ctx.build_dir / "exceptions" / "summary.html", ctx.reporting_date,
                           config.authority_name, config.local_standards)
        con.execute("DETACH history")
        con.execute("CHECKPOINT")      # the warehouse whole in its file before it is moved in
    if Path(f"{ctx.warehouse}.wal").exists():
        raise CscError(f"the warehouse {ctx.warehouse} still has unwritten changes; nothing was published")
    # publish's own timing goes in the manifest it writes (all but the swap, a few renames)
    ctx.record_stage("publish", time.perf_counter() - _stage_started["publish"], peak_rss_mb=peak_memory.peak_mb())
    summary = write_manifest(ctx, config, counts, workbooks, unavailable)
    interrupts.check()
    with interrupts.deferred():   # once the swap starts, the run publishes; a stop signal waits for it
        entries = swap.swap_in(ctx.build_dir, out)
        shutil.rmtree(ctx.build_dir, ignore_errors=True)
        try:
            (out / BUILD_ROOT).rmdir()
        except OSError:
            pass
    summary["published"] = entries
    return summary
