"""Two runs for one authority: one waits (publishing) or is refused (building, or the CLI holds the folder);
builds of failed or killed runs are cleared, builds of live runs are never deleted by another run."""
import fcntl
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from csc_compliance.pipeline import stages
from csc_compliance.runtime import run_guard


@pytest.fixture
def drop(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("pers_person_id\n1\n")
    return folder


def prepare(drop, out, run_id):
    return stages.prepare(run_id, str(drop), str(out), "2026-11-20", None)


def test_a_killed_cli_runs_build_is_cleared_a_live_ones_is_not(drop, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setenv(run_guard.HELD_ENV, str(out.resolve()))        # as the CLI does
    first = prepare(drop, out, "first")
    owner = json.loads((stages.RunContext.from_dict(first).build_dir / "owner.json").read_text())
    assert owner["via"] == "cli" and owner["pid"] == os.getpid()
    owner_file = stages.RunContext.from_dict(first).build_dir / "owner.json"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        owner_file.write_text(json.dumps({**owner, "pid": alive.pid}))     # another CLI process, running
        with pytest.raises(run_guard.RunInProgress, match=f"another run .*process {alive.pid}"):
            prepare(drop, out, "second")
    finally:
        alive.kill()
        alive.wait()
    prepare(drop, out, "third")                                       # its process is gone: cleared
    assert sorted(p.name for p in (out / ".csc-build").iterdir()) == ["third"]


def test_a_scheduled_runs_build_is_left_alone_until_abandoned(drop, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.delenv(run_guard.HELD_ENV, raising=False)
    build = stages.RunContext.from_dict(prepare(drop, out, "scheduled")).build_dir
    owner = json.loads((build / "owner.json").read_text())
    (build / "owner.json").write_text(json.dumps({**owner, "pid": 1, "host": "worker-2"}))   # a Celery worker
    with pytest.raises(run_guard.RunInProgress, match="scheduled run .* on worker-2"):
        prepare(drop, out, "other")
    old = time.time() - run_guard.STALE_AFTER - 60
    for path in (build, *build.iterdir()):
        os.utime(path, (old, old))
    other = stages.RunContext.from_dict(prepare(drop, out, "other")).build_dir
    assert not build.exists()
    (other / "error.json").write_text("{}")
    prepare(drop, out, "after")                                       # a failed build is cleared at once
    assert not other.exists()


def test_a_scheduled_run_is_refused_while_the_cli_holds_the_folder(drop, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.delenv(run_guard.HELD_ENV, raising=False)
    with open(out / run_guard.CLI_LOCK, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(run_guard.RunInProgress, match="csc-compliance run"):
            prepare(drop, out, "scheduled")
    assert prepare(drop, out, "scheduled")                            # released: it runs


def test_publishing_waits_for_the_other_run(tmp_path):
    order = []

    def publisher(name, hold):
        with run_guard.publishing(tmp_path):
            order.append(f"{name} in")
            time.sleep(hold)
            order.append(f"{name} out")

    first = threading.Thread(target=publisher, args=("a", 0.5))
    first.start()
    time.sleep(0.1)
    second = threading.Thread(target=publisher, args=("b", 0))
    second.start()
    first.join()
    second.join()
    assert order == ["a in", "a out", "b in", "b out"]
