"""Publishing one run: every output built in the run's folder (history, CSVs, workbooks, summary page,
manifest), then swapped in over the previous outputs in a few renames. Run under the output folder's
publish lock (runtime/run_guard.publishing)."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from csc_compliance.core.errors import CscError
from csc_compliance.core.run_context import BUILD_ROOT, RunContext
from csc_compliance.publish import history, swap
from csc_compliance.publish.csv_outputs import write_csv_outputs
from csc_compliance.publish.lead_outputs import write_workbooks
from csc_compliance.publish.manifest import write_manifest
from csc_compliance.publish.summary_page import write_summary_page
from csc_compliance.runtime import interrupts
from csc_compliance.settings.config import Config


def publish_night(ctx: RunContext, config: Config, out: Path, record_timing) -> dict:
    """Build the outputs, write the manifest, swap them in; return the manifest with the names published.
    `record_timing()` puts publish's own time in the manifest's stages (all but the swap, a few renames)."""
    published_history = out / "history.duckdb"
    if published_history.exists():
        shutil.copy2(published_history, ctx.history)
    with duckdb.connect(str(ctx.warehouse)) as con:
        history.attach(con, ctx.history, "history", published_history)
        history.record_run(con, "history", ctx.d, ctx.run_id, config.retention_days)
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
    record_timing()
    manifest = write_manifest(ctx, config, counts, workbooks, unavailable)
    interrupts.check()
    with interrupts.deferred():   # once the swap starts, the run publishes; a stop signal waits for it
        entries = swap.swap_in(ctx.build_dir, out)
        shutil.rmtree(ctx.build_dir, ignore_errors=True)
        try:
            (out / BUILD_ROOT).rmdir()
        except OSError:
            pass
    manifest["published"] = entries
    return manifest
