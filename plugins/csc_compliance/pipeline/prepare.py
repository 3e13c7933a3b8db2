"""The first stage: check the inputs that need no reading of data, finish any interrupted publish, and make
the run's own build folder, with a snapshot of its configuration that every later stage reads."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

from csc_compliance.core import parsing
from csc_compliance.core.errors import AlreadyPublished, CscError, ExtractError
from csc_compliance.core.run_context import RunContext
from csc_compliance.ingest import arrivals
from csc_compliance.ingest.manifest import check_manifest_authority, read_manifest
from csc_compliance.pipeline.stage import running
from csc_compliance.publish import swap
from csc_compliance.runtime import run_guard
from csc_compliance.settings.config import read_config
from csc_compliance.settings.for_run import authority_for_run

LONDON = ZoneInfo("Europe/London")


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
    """The run's context, as a dict for the next stage. With `skip_if_published` (scheduled and data-aware
    runs), an extract already published for the same reporting date raises AlreadyPublished instead: it is
    not processed twice. `region_code`: the code a regional file gives this authority, which its extract's
    manifest.json must not contradict."""
    out = Path(out_dir).expanduser().resolve()
    before_build = RunContext(run_id, extract_dir, str(out), "", config_path, "")   # where a failure is written
    with running("prepare", before_build, region_code) as clock:
        extract = Path(extract_dir).expanduser().resolve()
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
                         authority_code=authority_for_run(config, region_code, manifest),
                         extract_fingerprint=fingerprint, config_sha256=hashlib.sha256(config_bytes).hexdigest(),
                         regional=bool(region_code))
        run_guard.sweep_abandoned_builds(out, keep=run_id)
        if ctx.build_dir.exists():
            shutil.rmtree(ctx.build_dir)
        ctx.build_dir.mkdir(parents=True)
        run_guard.claim(ctx.build_dir)
        ctx.config_snapshot.write_bytes(config_bytes)
        clock.ctx = ctx
        clock.detail = f"reporting date {d}, extract {extract}"
    return ctx.to_dict()
