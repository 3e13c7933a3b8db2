"""The one wrapper every stage runs in (prepare too): owner-only files, stop signals, the progress line,
its timing and peak memory for the manifest, and the error policy (pipeline/failures.py) when it fails."""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import time
from collections.abc import Iterator

from csc_compliance.core.errors import AlreadyPublished
from csc_compliance.core.run_context import RunContext
from csc_compliance.pipeline.failures import failure
from csc_compliance.runtime import interrupts, peak_memory, progress

STAGES = ("prepare", "land", "transform", "validate", "publish")


@dataclasses.dataclass
class StageClock:
    """A running stage. The body sets `ctx` when it makes one (prepare) and may add a `detail` to its done
    line; `record()` puts its time in the run's stages.json, once (publish calls it before it writes the
    manifest that lists them)."""
    name: str
    ctx: RunContext
    started: float = dataclasses.field(default_factory=time.perf_counter)
    detail: str = ""
    recorded: bool = False

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def record(self) -> None:
        if not self.recorded:
            self.ctx.record_stage(self.name, self.seconds(), peak_rss_mb=peak_memory.peak_mb())
            self.recorded = True


@contextlib.contextmanager
def running(name: str, ctx: RunContext, label: str | None = None) -> Iterator[StageClock]:
    """Run one stage's body. `ctx` is the run's context (for prepare, the partial one its errors are
    written under until the body sets the clock's own); `label` names the authority in a regional run."""
    os.umask(0o077)   # outputs hold children's data: owner-only, however the stage is run (Celery too)
    interrupts.install()
    progress.label(label)
    step = f"[{STAGES.index(name) + 1}/{len(STAGES)}] {name}"
    progress.say(f"{step} ...")
    peak_memory.reset_peak()
    clock = StageClock(name, ctx)
    try:
        interrupts.check()
        yield clock
        if name != "publish":   # (publish defers the signal only once it is sure to publish)
            interrupts.check()  # a signal whose exception was swallowed (raised in a finalizer) stops here
    except AlreadyPublished:
        raise                   # nothing to do, not a failure: the DAG skips the authority
    except (Exception, interrupts.RunInterrupted) as exc:
        error = failure(clock.ctx, name, exc)
        if error is exc:
            raise
        raise error from None
    clock.record()
    progress.say(f"{step} done ({clock.seconds():.1f} s){': ' + clock.detail if clock.detail else ''}")


def stage(name: str):
    """A stage the DAG calls with the run's context as a dict (XCom-safe): `fn(ctx, clock)` runs inside
    `running`, and the stage returns what `fn` returns, or the context for the next stage."""
    def wrap(fn):
        @functools.wraps(fn)
        def run(ctx_dict: dict) -> dict:
            ctx = RunContext.from_dict(ctx_dict)
            with running(name, ctx, ctx.authority_code if ctx.regional else None) as clock:
                result = fn(ctx, clock)
            return result if result is not None else ctx_dict
        return run
    return wrap
