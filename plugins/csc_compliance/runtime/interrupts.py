"""Stopping a run on SIGTERM or Ctrl-C (SIGINT): promptly, with the published outputs untouched.

Airflow's task runner replaces the SIGTERM handler before each task with one that only calls the operator's
on_kill (a no-op for TaskFlow tasks), so in-process a SIGTERM was ignored and the run went on to publish.
Each stage (and the command line) installs this handler instead. It raises RunInterrupted, a
KeyboardInterrupt, so libraries that clean up on Ctrl-C do (dbt cancels its queries); the stage turns it
into a plain failure. A signal during the swap of outputs (a few renames) waits for it: that run has
published, and the next stage, if any, stops before it starts."""
from __future__ import annotations

import contextlib
import signal
import threading

SIGNALS = (signal.SIGTERM, signal.SIGINT)
_received: int | None = None
_deferring = 0


class RunInterrupted(KeyboardInterrupt):
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _handler(signum, frame):
    global _received
    _received = _received or signum
    if not _deferring:
        raise RunInterrupted(signum)


def install() -> None:
    """Handle SIGTERM and SIGINT in this process (only the main thread may set handlers)."""
    if threading.current_thread() is threading.main_thread():
        for signum in SIGNALS:
            signal.signal(signum, _handler)


def uninstall() -> None:
    """Back to the default actions (the run is over, or this process goes on to other work)."""
    if threading.current_thread() is threading.main_thread():
        for signum in SIGNALS:
            signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)


def received() -> int | None:
    """The first stop signal this process received, if any."""
    return _received


def name(signum: int) -> str:
    return {signal.SIGINT: "Ctrl-C (SIGINT)"}.get(signum, signal.Signals(signum).name)


@contextlib.contextmanager
def deferred():
    """A critical section (the swap of outputs): a stop signal arriving inside is only recorded."""
    global _deferring
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1


def check() -> None:
    """Stop now if a signal arrived while it could not be acted on."""
    if _received:
        raise RunInterrupted(_received)


def reset() -> None:
    """Forget a received signal (tests, and a process that serves several runs)."""
    global _received
    _received = None
