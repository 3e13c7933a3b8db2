"""Faults, black box through the real CLI (the Airflow DAG in-process):

- a run killed with SIGKILL in each stage leaves the published outputs byte for byte as they were, the
  history holding the earlier nights only, and a warehouse that opens read-write;
- a run killed (or failing) in the middle of the publishing swap is completed by the next run;
- a rerun after the kills publishes exactly what an uninterrupted run publishes;
- two runs started at once on one output folder: one is refused with a clear message, the other publishes;
- a run stopped by SIGTERM or Ctrl-C (SIGINT) stops before publishing, says so plainly with exit code
  128 + the signal, and leaves the published outputs and history as they were, with no build behind.

Night 1 (as at D1) is published once; night 2 is a different extract (as at D2). Two streams run side by
side, each with its own Airflow home: stream A kills night 2 in land, transform and validate, fails it in
the swap, then reruns it to completion; stream B starts two runs at once on a copy of night 1 (the winner is
the uninterrupted night 2 everything is compared with), then kills night 2 at the start of publish and in the
middle of the swap, then lets the next run recover."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import queue
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "demo" / "config.yml"
D1, D2 = "2026-11-20", "2026-11-27"
SEED = 11
CSVS = ("exceptions/exceptions.csv", "kpis/kpi_values.csv", "dq/recording_gaps.csv")
TIMEOUT = 900
REFUSED = "another run is using the output folder"

# Test-only: run the real CLI with the publishing swap's os.replace wrapped, so that the moment the finished
# build's ENTRY is about to be renamed into the output folder (its old copy already moved aside), the whole
# process group is killed (kill:ENTRY) or the rename fails as a full or read-only disk would (fail:ENTRY).
SWAP_FAULT = r"""
import os, signal, sys
from pathlib import Path
import csc_compliance.publish.swap as swap
action, entry = os.environ["CSC_TEST_SWAP_FAULT"].split(":")
class _Os:
    def __getattr__(self, name):
        return getattr(os, name)
    def replace(self, src, dst):
        if Path(src).name == entry and ".csc-build" in Path(src).parts:
            if action == "kill":
                os.killpg(os.getpgrp(), signal.SIGKILL)
            raise OSError(28, "No space left on device (test fault)")
        return os.replace(src, dst)
swap.os = _Os()
from csc_compliance.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


class Cli:
    """One `csc-compliance run` in its own process group; stdout read line by line as it comes."""

    def __init__(self, extract: Path, as_at: str, out: Path, home: Path, swap_fault: str | None = None):
        args = ["run", "--extract", str(extract), "--as-at", as_at, "--out", str(out), "--config", str(CONFIG)]
        env = {**os.environ, "CSC_AIRFLOW_HOME": str(home)}
        env.pop("CSC_TEST_SWAP_FAULT", None)
        if swap_fault:
            env["CSC_TEST_SWAP_FAULT"] = swap_fault
            cmd = [sys.executable, "-c", SWAP_FAULT, *args]
        else:
            cmd = [sys.executable, "-m", "csc_compliance.cli.main", *args]
        home.mkdir(parents=True, exist_ok=True)
        self._err = (home / f"stderr-{os.urandom(4).hex()}.txt").open("w+")
        # umask 022 here: whatever the CLI's files are, their permissions are the CLI's own doing
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._err, text=True, env=env,
                                     start_new_session=True, umask=0o022)
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    @property
    def stdout(self) -> str:
        return "".join(self.lines)

    @property
    def stderr(self) -> str:
        self._err.seek(0)
        return self._err.read()

    def wait_for(self, marker: str, timeout: float = TIMEOUT) -> bool:
        """True once a stdout line holds `marker`; False if the run ended first."""
        deadline = dt.datetime.now() + dt.timedelta(seconds=timeout)
        while True:
            remaining = (deadline - dt.datetime.now()).total_seconds()
            try:
                line = self._queue.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                self.kill()
                raise TimeoutError(f"no {marker!r} within {timeout} s:\n{self.stdout}") from None
            if line is None:
                return False
            if marker in line:
                return True

    def kill(self) -> int:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return self.finish()

    def finish(self, timeout: float = TIMEOUT) -> int:
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self._reader.join(30)
        return rc


def run_to_end(*args, **kwargs) -> dict:
    cli = Cli(*args, **kwargs)
    rc = cli.finish()
    return {"rc": rc, "stdout": cli.stdout, "stderr": cli.stderr}


def kill_in(stage_line: str, delay: float, *args, **kwargs) -> dict:
    """Start a run, SIGKILL its whole process group `delay` seconds after `stage_line` shows."""
    cli = Cli(*args, **kwargs)
    seen = cli.wait_for(stage_line)
    if seen and delay:
        time.sleep(delay)
    rc = cli.kill() if seen else cli.finish()
    return {"seen": seen, "rc": rc, "stdout": cli.stdout, "stderr": cli.stderr}


def signal_in(stage_line: str, delay: float, signum: int, *args, **kwargs) -> dict:
    """Start a run, send `signum` to the CLI's process (not its group) `delay` seconds after `stage_line`."""
    cli = Cli(*args, **kwargs)
    seen = cli.wait_for(stage_line)
    if seen:
        time.sleep(delay)
        cli.proc.send_signal(signum)
    rc = cli.finish()
    return {"seen": seen, "rc": rc, "stdout": cli.stdout, "stderr": cli.stderr}


def published_digest(out: Path) -> dict[str, str]:
    """Every file of the published folder (the run logs and unpublished build folders aside)."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).parts[0] not in ("logs", ".csc-build")}


def history_state(path: Path) -> dict:
    """What the history holds, run ids and publication times aside: its nights and every row of each table."""
    with duckdb.connect(str(path), read_only=True) as con:
        state = {"nights": [str(d) for (d,) in con.execute("SELECT reporting_date FROM runs ORDER BY 1").fetchall()]}
        for table in ("exceptions", "kpi_values"):
            rows = con.execute(f"SELECT * EXCLUDE (run_id) FROM {table} ORDER BY ALL").fetchall()
            state[table] = {"nights": sorted({str(r[0]) for r in rows}), "rows": len(rows),
                            "sha256": hashlib.sha256(repr(rows).encode()).hexdigest()}
    return state


def warehouse_state(path: Path) -> dict:
    """Open the published warehouse read-write (an exclusive lock), as the next run would: not locked, not torn."""
    try:
        with duckdb.connect(str(path)) as con:
            (d,) = con.execute("SELECT reporting_date FROM meta.run").fetchone()
            (n,) = con.execute("SELECT count(*) FROM marts.exceptions_published").fetchone()
        return {"reporting_date": str(d), "exceptions": n}
    except duckdb.Error as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def observe(out: Path) -> dict:
    digest = published_digest(out)   # before anything opens a database
    return {"digest": digest,
            "history": history_state(out / "history.duckdb") if (out / "history.duckdb").exists() else None,
            "warehouse": warehouse_state(out / "warehouse.duckdb") if (out / "warehouse.duckdb").exists() else None,
            "top": sorted(p.name for p in out.iterdir())}


def copy_published(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("logs", ".csc-build"))
    return dst


def stream_a(s: dict, main: Path, home: Path) -> None:
    """Kill night 2 in land, transform and validate; fail it in the swap; then rerun it to completion."""
    ext2 = s["ext2"]
    for stage, line, delay in (("land", "[2/5] land ...", 0), ("transform", "[3/5] transform ...", 4),
                               ("validate", "[4/5] validate ...", 4)):
        s["kills"][stage] = {**kill_in(line, delay, ext2, D2, main, home), "after": observe(main)}
    s["signals"]["SIGINT in validate"] = {**signal_in("[4/5] validate ...", 2, signal.SIGINT, ext2, D2, main, home),
                                          "after": observe(main)}
    failed = run_to_end(ext2, D2, main, home, swap_fault="fail:exceptions")
    s["failed_swap"] = {**failed, "after": observe(main)}
    s["final"] = {**run_to_end(ext2, D2, main, home), "after": observe(main)}


def stream_b(s: dict, root: Path, home: Path) -> None:
    """Two runs at once (the winner is the uninterrupted night 2); then kills at publish and mid-swap."""
    ref = copy_published(s["main"], root / "ref")
    first, second = Cli(s["ext2"], D2, ref, home), Cli(s["ext2"], D2, ref, home)
    done, deadline = {}, time.monotonic() + TIMEOUT
    while len(done) < 2:
        if time.monotonic() > deadline:
            first.kill(), second.kill()
            raise TimeoutError("two runs at once: still running after the timeout")
        for name, cli in (("first", first), ("second", second)):
            if name not in done and cli.proc.poll() is not None:
                other = second if name == "first" else first
                done[name] = {"rc": cli.finish(), "other_running": other.proc.poll() is None}
        time.sleep(0.2)
    for name, cli in (("first", first), ("second", second)):
        done[name].update(stdout=cli.stdout, stderr=cli.stderr)
    s["concurrent"] = done
    s["ref"] = ref
    s["ref_after"] = observe(ref)

    other = copy_published(s["main"], root / "swap")
    s["signals"]["SIGTERM in transform"] = {
        **signal_in("[3/5] transform ...", 3, signal.SIGTERM, s["ext2"], D2, other, home), "after": observe(other)}
    s["signals"]["SIGTERM before the first stage"] = {
        **signal_in("csc-compliance run: log file", 0, signal.SIGTERM, s["ext2"], D2, other, home),
        "after": observe(other)}
    s["kills"]["publish"] = {**kill_in("[5/5] publish ...", 0, s["ext2"], D2, other, home),
                             "after": observe(other)}
    s["mid_swap"] = {**run_to_end(s["ext2"], D2, other, home, swap_fault="kill:exceptions"),
                     "after": observe(other)}
    s["recovered"] = {**kill_in("[2/5] land ...", 0, s["ext2"], D2, other, home), "after": observe(other)}
    s["swap_out"] = other


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    from csc_compliance.generate import generate_extract

    root = tmp_path_factory.mktemp("faults")
    s = {"root": root, "ext1": root / "extract-d1", "ext2": root / "extract-d2", "main": root / "out",
         "kills": {}, "signals": {}}
    generate_extract(profile="demo", seed=SEED, as_at=dt.date.fromisoformat(D1), out_dir=s["ext1"])
    night1 = Cli(s["ext1"], D1, s["main"], root / "airflow-a")
    generate_extract(profile="demo", seed=SEED, as_at=dt.date.fromisoformat(D2), out_dir=s["ext2"])
    rc = night1.finish()
    assert rc == 0, night1.stderr + night1.stdout
    s["night1"] = observe(s["main"])
    assert s["night1"]["history"]["nights"] == [D1]

    errors = []

    def guarded(fn, *args):
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 - reported by the fixture below
            errors.append(exc)

    b = threading.Thread(target=guarded, args=(stream_b, s, root, root / "airflow-b"))
    b.start()
    guarded(stream_a, s, s["main"], root / "airflow-a")
    b.join(2 * TIMEOUT)
    if errors:
        raise errors[0]
    return s


# --- killed in a stage: the published outputs, history and warehouse stay exactly as they were ------------

@pytest.mark.parametrize("stage", ["land", "transform", "validate", "publish"])
def test_a_run_killed_in_a_stage_leaves_the_published_outputs_byte_for_byte(scenario, stage):
    kill = scenario["kills"][stage]
    number = ["land", "transform", "validate", "publish"].index(stage) + 2
    assert kill["seen"], kill["stderr"] + kill["stdout"]
    assert kill["rc"] == -signal.SIGKILL
    assert f"[{number}/5] {stage} done" not in kill["stdout"], "the kill came after the stage ended"
    after = kill["after"]
    assert after["digest"] == scenario["night1"]["digest"]
    assert sorted(set(after["top"]) - set(scenario["night1"]["top"])) == [".csc-build"]  # + the unpublished build


@pytest.mark.parametrize("stage", ["land", "transform", "validate", "publish"])
def test_history_survives_a_killed_run(scenario, stage):
    assert scenario["kills"][stage]["after"]["history"] == scenario["night1"]["history"]


@pytest.mark.parametrize("stage", ["land", "transform", "validate", "publish"])
def test_the_warehouse_is_not_left_locked_or_half_written_by_a_kill(scenario, stage):
    night1 = scenario["night1"]["warehouse"]
    assert night1 == {"reporting_date": D1, "exceptions": night1["exceptions"]} and night1["exceptions"] > 100
    assert scenario["kills"][stage]["after"]["warehouse"] == night1


# --- the publishing swap ---------------------------------------------------------------------------------

def test_a_run_killed_in_the_middle_of_the_swap_is_completed_by_the_next_run(scenario):
    killed, recovered = scenario["mid_swap"], scenario["recovered"]
    assert killed["rc"] == -signal.SIGKILL
    # the kill did land mid-swap: night 2's history is in, the old exception lists moved aside
    assert ".csc-swap.json" in killed["after"]["top"] and "exceptions" not in killed["after"]["top"]
    # the next run finishes that swap in prepare, before anything else (here it is killed as land starts)
    assert recovered["seen"] and "[1/5] prepare done" in recovered["stdout"]
    after, ref = recovered["after"], scenario["ref_after"]
    assert not [n for n in after["top"] if n.startswith(".csc-previous") or n == ".csc-swap.json"], after["top"]
    for rel in CSVS:
        assert after["digest"][rel] == ref["digest"][rel], rel
    assert after["history"] == ref["history"]


def test_the_warehouse_published_by_a_swap_killed_midway_is_whole(scenario):
    after, ref = scenario["recovered"]["after"], scenario["ref_after"]
    assert after["warehouse"] == ref["warehouse"]


def test_a_run_failing_in_the_middle_of_the_swap_leaves_the_outputs_and_history_whole(scenario):
    after = scenario["failed_swap"]["after"]
    # what the failed run says ("the previously published outputs are unchanged") must be true
    assert "exceptions" in after["top"], f"published after the failed run: {after['top']}"
    assert after["history"]["nights"] == [D1], "the failed run's night is in the published history"
    assert after["digest"] == scenario["night1"]["digest"]


def test_a_run_failing_in_the_middle_of_the_swap_fails_plainly(scenario):
    failed = scenario["failed_swap"]
    assert failed["rc"] == 1 and "Traceback" not in failed["stderr"]
    assert "publishing failed while moving the new outputs" in failed["stderr"]   # the fault struck in the swap
    assert "put back" in failed["stderr"]
    assert "[5/5] publish done" not in failed["stdout"]


# --- the rerun publishes exactly what an uninterrupted run publishes -------------------------------------

def workbook_content(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    return {ws.title: [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
            for ws in book.worksheets}


def test_the_rerun_after_the_kills_publishes_what_an_uninterrupted_run_publishes(scenario):
    final = scenario["final"]
    assert final["rc"] == 0, final["stderr"] + final["stdout"]
    out, ref = scenario["main"], scenario["ref"]
    for rel in CSVS:
        assert (out / rel).read_bytes() == (ref / rel).read_bytes(), rel
    books = sorted(p.name for p in (ref / "exceptions").glob("*.xlsx"))
    assert len(books) >= 3 and books == sorted(p.name for p in (out / "exceptions").glob("*.xlsx"))
    for name in books:
        assert workbook_content(out / "exceptions" / name) == workbook_content(ref / "exceptions" / name), name
    assert not (out / ".csc-build").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".csc-previous") or p.name == ".csc-swap.json"]


def test_history_holds_both_nights_after_the_rerun(scenario):
    history = scenario["final"]["after"]["history"]
    assert history["nights"] == [D1, D2]
    assert history["exceptions"]["nights"] == [D1, D2] and history["kpi_values"]["nights"] == [D1, D2]
    assert history == scenario["ref_after"]["history"]
    # night 1's rows are those night 1 published: the killed runs touched none of them
    with duckdb.connect(str(scenario["main"] / "history.duckdb"), read_only=True) as con:
        kept = con.execute(f"SELECT count(*) FROM exceptions WHERE reporting_date = DATE '{D1}'").fetchone()[0]
    assert kept == scenario["night1"]["history"]["exceptions"]["rows"]


def test_night_two_differs_from_night_one(scenario):
    """The comparisons above mean something only if night 2's outputs are not night 1's."""
    ref, night1 = scenario["ref_after"]["digest"], scenario["night1"]["digest"]
    assert all(ref[rel] != night1[rel] for rel in CSVS)
    first_seen = {line.split(",")[12] for line in (scenario["ref"] / CSVS[0]).read_text().splitlines()[1:]}
    assert {D1, D2} <= first_seen  # night 1's history carried into night 2's first_seen_date


# --- stopped by SIGTERM or Ctrl-C -------------------------------------------------------------------------

@pytest.mark.parametrize("case, stage", [("SIGTERM in transform", "transform"), ("SIGINT in validate", "validate"),
                                         ("SIGTERM before the first stage", None)])
def test_a_run_stopped_by_a_signal_stops_plainly_and_publishes_nothing(scenario, case, stage):
    run = scenario["signals"][case]
    signum = signal.SIGINT if case.startswith("SIGINT") else signal.SIGTERM
    assert run["seen"], run["stderr"] + run["stdout"]
    assert run["rc"] == 128 + signum, run["stderr"]
    said = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}[signum]
    where = f"during {stage}; nothing was published" if stage else "before it published"
    assert f"stopped by {said} {where}" in run["stderr"], run["stderr"]
    assert "previously published outputs are unchanged" in run["stderr"] and "Traceback" not in run["stderr"]
    assert "[5/5] publish" not in run["stdout"]
    if stage:
        assert f"{stage} done" not in run["stdout"].split(f"{stage} ...")[-1], "the signal came after the stage"
    after = run["after"]
    assert after["digest"] == scenario["night1"]["digest"]
    assert after["history"] == scenario["night1"]["history"]
    assert after["top"] == scenario["night1"]["top"], "a build or swap file was left behind"


# --- two runs at once on one output folder ---------------------------------------------------------------

def test_two_runs_at_once_one_is_refused_the_other_publishes(scenario):
    runs = scenario["concurrent"]
    refused = [r for r in runs.values() if r["rc"] != 0]
    done = [r for r in runs.values() if r["rc"] == 0]
    assert len(refused) == 1 and len(done) == 1, {k: (v["rc"], v["stderr"][-500:]) for k, v in runs.items()}
    assert REFUSED in refused[0]["stderr"] and "Traceback" not in refused[0]["stderr"]
    assert refused[0]["rc"] == 1 and refused[0]["other_running"], "refused at once, not after the other ended"
    assert "Run complete" in done[0]["stdout"]
    ref = scenario["ref_after"]
    assert ref["history"]["nights"] == [D1, D2]
    assert ref["warehouse"]["reporting_date"] == D2 and ref["warehouse"]["exceptions"] > 100
    assert not [n for n in ref["top"] if n.startswith((".csc-build", ".csc-previous", ".csc-swap"))], ref["top"]


# --- owner-only permissions ------------------------------------------------------------------------

def test_every_output_file_and_folder_is_readable_by_its_owner_only(scenario):
    """The runs were started with umask 022: the CLI's own umask 077 must make everything owner-only."""
    out = scenario["main"]
    checked, open_to_others = 0, []
    for path in [out, *out.rglob("*")]:
        mode = path.lstat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            open_to_others.append(f"{path.relative_to(out)} {stat.filemode(mode)}")
        checked += 1
    assert checked > 100
    assert not open_to_others, open_to_others[:20]
