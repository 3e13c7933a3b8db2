"""A regional run's log, one per authority in its own output folder: the run writes one log as it goes (the
tasks run in this one process), then each authority's log is cut from it. Every line outside a mapped task
(start-up, the task listing the authorities, the run's end) goes to each; a mapped task's lines go to the
authority of its map index only, so no authority's log holds another's task lines."""
from __future__ import annotations

import re
from pathlib import Path

# Airflow's dag.test() marks each task's start and end with its map index (the authority's place in the list)
_START = re.compile(r"\[DAG TEST\] starting task_id=\S+ map_index=(\d+)\b")
_END = re.compile(r"\[DAG TEST\] end task task_id=\S+ map_index=(\d+)\b")


def owners(lines, count: int):
    """For each line, the indexes of the authorities whose log it goes in."""
    everyone, current = list(range(count)), None
    for line in lines:
        started = _START.search(line)
        if started and int(started.group(1)) < count:
            current = int(started.group(1))
        yield line, ([current] if current is not None else everyone)
        if current is not None and _END.search(line):
            current = None


def split(combined: Path, logs: list[Path]) -> None:
    """Write each authority's log (logs[i] for map index i) from the run's one log."""
    handles = []
    try:
        for path in logs:
            path.parent.mkdir(parents=True, exist_ok=True)
            handles.append(path.open("a", encoding="utf-8", errors="replace"))
        with combined.open(encoding="utf-8", errors="replace") as source:
            for line, indexes in owners(source, len(logs)):
                for i in indexes:
                    handles[i].write(line)
    finally:
        for handle in handles:
            handle.close()
