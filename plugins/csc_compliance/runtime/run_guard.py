"""Two runs for the same authority must not corrupt each other (one waits or is refused):

- `csc-compliance run` holds `OUT/.csc.lock` for its whole run; a scheduled run that finds it held is
  refused at prepare (the CLI tells the stages it holds the lock through CSC_HELD_LOCKS).
- Each build folder names its owner (`owner.json`: process, host, how started). A build is stale, and
  removed by the next prepare, when it failed (error.json), when it is this process's own earlier run,
  when its CLI process is gone (killed), or when a scheduled run's build has not changed for STALE_AFTER;
  otherwise another run is in progress and this one is refused rather than deleting its work.
- Finishing an interrupted swap and publishing happen under `OUT/.csc-publish.lock`: the second waits."""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import socket
import time
from pathlib import Path

from csc_compliance.core.errors import CscError
from csc_compliance.core.run_context import BUILD_ROOT

CLI_LOCK, PUBLISH_LOCK, OWNER = ".csc.lock", ".csc-publish.lock", "owner.json"
HELD_ENV = "CSC_HELD_LOCKS"
STALE_AFTER = 6 * 3600   # seconds without change after which a scheduled run's build is abandoned


class RunInProgress(CscError):
    """Another run is using this output folder."""


def lock_output(out: Path):
    """`csc-compliance run`'s lock on an output folder, held as long as the returned file stays open (the
    process); None when another run holds it."""
    fh = open(Path(out) / CLI_LOCK, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    return fh


def remove_locks(out: Path) -> None:
    """The lock files of a folder that holds no published run (a failed first run): nothing to guard."""
    for name in (PUBLISH_LOCK, CLI_LOCK):
        (Path(out) / name).unlink(missing_ok=True)


def hold_for_stages(outs: list[Path]) -> None:
    """Tell the stages, run in this process, that these output folders' CLI locks are ours."""
    os.environ[HELD_ENV] = os.pathsep.join(str(Path(o).resolve()) for o in outs)


def cli_holds(out: Path) -> bool:
    return str(Path(out).resolve()) in os.environ.get(HELD_ENV, "").split(os.pathsep)


def check_not_held_by_cli(out: Path) -> None:
    """Refuse to start while a `csc-compliance run` holds the output folder (unless that run is us)."""
    if cli_holds(out) or not (Path(out) / CLI_LOCK).exists():
        return
    with open(Path(out) / CLI_LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(f"another run (csc-compliance run) is using the output folder {out}; this run "
                                "is refused, the other continues") from None
        fcntl.flock(fh, fcntl.LOCK_UN)


def claim(build_dir: Path) -> None:
    via = "cli" if cli_holds(Path(build_dir).parent.parent) else "airflow"
    (Path(build_dir) / OWNER).write_text(json.dumps({
        "pid": os.getpid(), "host": socket.gethostname(), "via": via,
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}))


def _last_change(build_dir: Path) -> float:
    return max([build_dir.stat().st_mtime, *(p.stat().st_mtime for p in build_dir.iterdir())])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def in_progress(build_dir: Path) -> str | None:
    """Why `build_dir` belongs to a live run, or None when it is stale (safe to remove)."""
    build_dir = Path(build_dir)
    if (build_dir / "error.json").exists():
        return None
    try:
        owner = json.loads((build_dir / OWNER).read_text())
    except (OSError, ValueError):
        return None
    same_host = owner.get("host") == socket.gethostname()
    if same_host and int(owner.get("pid", -1)) == os.getpid():
        return None   # an earlier run in this very process (runs of one DAG never overlap: max_active_runs=1)
    if owner.get("via") == "cli" and same_host:
        return f"process {owner['pid']} started {owner['started']}" if _alive(int(owner["pid"])) else None
    if time.time() - _last_change(build_dir) < STALE_AFTER:
        return f"a scheduled run started {owner.get('started')} on {owner.get('host')}"
    return None


@contextlib.contextmanager
def publishing(out: Path):
    """Held while a run finishes an interrupted swap or publishes: a second run waits its turn."""
    Path(out).mkdir(parents=True, exist_ok=True)
    with open(Path(out) / PUBLISH_LOCK, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def sweep_abandoned_builds(out: Path, keep: str) -> None:
    """Remove the builds that failed or killed runs left in `out` (never published: safe to drop), all but
    run `keep`'s; refuse, naming it, while another run's build is in progress."""
    root = Path(out) / BUILD_ROOT
    if not root.exists():
        return
    for other in root.iterdir():
        if other.name == keep:
            continue
        busy = in_progress(other)
        if busy:
            raise RunInProgress(f"another run ({busy}) is building in {other}; this run is refused and the "
                                "other continues (if no run is in progress, delete that folder and run again)")
        shutil.rmtree(other, ignore_errors=True)


def discard_build(build: Path) -> None:
    """A failed run's build was never published: drop it, and the build root once it is empty."""
    shutil.rmtree(build, ignore_errors=True)
    try:
        Path(build).parent.rmdir()
    except OSError:
        pass
