"""Stage-by-stage progress for the person running the CLI. Airflow's and dbt's own logs go to the log file;
these short lines go to the terminal the CLI was started from (a file descriptor it saved before
redirecting output)."""
from __future__ import annotations

import logging
import os
import time

_fd: int | None = None
log = logging.getLogger("csc_compliance")


def attach(fd: int) -> None:
    global _fd
    _fd = fd


def say(message: str) -> None:
    """Log the line, and show it on the terminal if there still is one: a closed terminal (a pipe whose
    reader went away, a dropped SSH session) must never fail the run."""
    global _fd
    log.info(message)
    if _fd is not None:
        try:
            os.write(_fd, (time.strftime("%H:%M:%S ") + message + "\n").encode())
        except OSError:
            _fd = None
