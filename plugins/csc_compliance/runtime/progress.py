"""Stage-by-stage progress for the person running the CLI. Airflow's and dbt's own logs go to the log file;
these short lines go to the terminal the CLI was started from (a file descriptor it saved before
redirecting output)."""
from __future__ import annotations

import logging
import os
import time

_fd: int | None = None
_label: str | None = None   # the authority a regional run's stage is for: its lines say which
log = logging.getLogger("csc_compliance")


def label(authority: str | None) -> None:
    """Prefix the lines that follow with this authority's code (None: a single authority's run, no prefix)."""
    global _label
    _label = authority


def attach(fd: int) -> None:
    global _fd
    _fd = fd


def say(message: str) -> None:
    """Log the line, and show it on the terminal if there still is one: a closed terminal (a pipe whose
    reader went away, a dropped SSH session) must never fail the run."""
    global _fd
    if _label:
        message = f"{_label}: {message}"
    log.info(message)
    if _fd is not None:
        try:
            os.write(_fd, (time.strftime("%H:%M:%S ") + message + "\n").encode())
        except OSError:
            _fd = None


class Steps:
    """Progress inside a long stage ("dbt: 40 of 137 nodes done"): shown at most every `every` seconds and
    at the end, so a stage of a few seconds prints one line and a long one shows it is moving."""

    def __init__(self, label: str, total: int, unit: str, every: float = 3.0, clock=time.monotonic):
        self.label, self.total, self.unit, self.every, self.clock = label, total, unit, every, clock
        self.last = clock()

    def done(self, count: int) -> None:
        now = self.clock()
        if count >= self.total or now - self.last >= self.every:
            self.last = now
            say(f"      {self.label}: {count} of {self.total} {self.unit} done")
