"""Libraries' own output (Airflow's, dbt's) sent to a log file while the terminal keeps the progress lines."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def redirect(log_file: Path) -> tuple[int, int]:
    """Send everything libraries print to the log file; return descriptors for the real stdout and stderr."""
    terminal = os.dup(1), os.dup(2)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    return terminal


def restore(terminal: tuple[int, int]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(terminal[0], 1)
    os.dup2(terminal[1], 2)
