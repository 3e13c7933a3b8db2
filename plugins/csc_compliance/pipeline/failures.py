"""The one error policy of every stage: what a failed stage records (error.json) and raises.

A user-facing error (CscError) goes as it is; a stop signal says it stopped the run; anything unforeseen is
re-raised without its text, which may quote extract values (a DuckDB conversion error names the cell), unless
CSC_DEBUG=1."""
from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path

from csc_compliance.core.errors import CscError, Interrupted, debug_enabled
from csc_compliance.core.run_context import RunContext
from csc_compliance.runtime import interrupts


def failure(ctx: RunContext, stage_name: str, exc: BaseException) -> BaseException:
    """What a failed stage raises, its error.json written: a stop signal (even one a library caught and
    reported as a failure of its own) says so; a user-facing error as it is; anything else value-free."""
    if interrupts.received():
        exc = Interrupted(f"stopped by {interrupts.name(interrupts.received())} during {stage_name}; "
                          "nothing was published")
    write_error(ctx, stage_name, exc)
    return exc if isinstance(exc, CscError) else value_free(exc, stage_name)


def unexpected_message(exc: BaseException, stage_name: str) -> str:
    """An unforeseen error as the user, the task log and the CLI see it: its type and where it happened,
    its text withheld unless CSC_DEBUG=1."""
    if debug_enabled():
        return f"unexpected {type(exc).__name__} in stage {stage_name}: {exc}"
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno} ({frame.name})" if frame else ""
    return (f"unexpected {type(exc).__name__} in stage {stage_name}{where}; its text is withheld as it may quote "
            "extract values (rerun with CSC_DEBUG=1 to see it)")


def value_free(exc: BaseException, stage_name: str) -> CscError:
    """The error re-raised to Airflow in place of an unforeseen one: its stack (code, no values) is logged."""
    logging.getLogger("csc_compliance").error("stack of the unexpected %s in stage %s:\n%s", type(exc).__name__,
                                              stage_name, "".join(traceback.format_tb(exc.__traceback__)))
    return CscError(unexpected_message(exc, stage_name))


def write_error(ctx: RunContext, stage_name: str, exc: BaseException) -> None:
    ctx.build_dir.mkdir(parents=True, exist_ok=True)
    user_facing = isinstance(exc, CscError)
    ctx.error_file.write_text(json.dumps({
        "stage": stage_name,
        "kind": type(exc).__name__,
        "message": str(exc) if user_facing else unexpected_message(exc, stage_name),
        "user_facing": user_facing,
        "traceback": "".join(traceback.format_exception(exc)) if user_facing or debug_enabled()
        else "".join(traceback.format_tb(exc.__traceback__)),
    }, indent=2))
