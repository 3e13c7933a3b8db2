"""csc-compliance: `run` runs the nightly DAG in-process on any extract; `generate` writes a synthetic one.

The terminal shows progress stage by stage and, on failure, one plain paragraph; Airflow's and dbt's own
logs go to a log file under the output folder."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import uuid
from pathlib import Path


def _parse_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a real date in YYYY-MM-DD form") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csc-compliance", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the nightly pipeline in-process on an extract")
    run.add_argument("--extract", required=True, help="extract folder (<table>.csv or .parquet files)")
    run.add_argument("--as-at", type=_parse_date, default=None,
                     help="reporting date D, YYYY-MM-DD (default: manifest.json's as_at, else today)")
    run.add_argument("--out", required=True, help="output folder")
    run.add_argument("--config", default=None, help="configuration file (YAML)")
    gen = sub.add_parser("generate", help="write a synthetic extract (fictional children only)")
    gen.add_argument("--profile", default="demo", help="demo (about 2,000 children) or large")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--as-at", type=_parse_date, required=True)
    gen.add_argument("--out", required=True)
    return parser


def _fail(message: str, log_file: Path | None = None) -> int:
    tail = f" The full log is in {log_file}." if log_file else ""
    print(f"csc-compliance: run failed: {message}{tail}", file=sys.stderr)
    return 1


def _lock_output(out: Path):
    """One run at a time per output folder: the lock lives as long as this process."""
    import fcntl

    fh = open(out / ".csc.lock", "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    return fh


def _discard_build(build: Path) -> None:
    """A failed run's build was never published: drop it (the log keeps the details)."""
    import shutil

    shutil.rmtree(build, ignore_errors=True)
    try:
        build.parent.rmdir()
    except OSError:
        pass


def _redirect_output(log_file: Path) -> tuple[int, int]:
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


def _restore_output(terminal: tuple[int, int]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(terminal[0], 1)
    os.dup2(terminal[1], 2)


def command_run(args) -> int:
    from . import progress
    from .config import load_config
    from .errors import CscError
    from .extract import discover

    out = Path(args.out).expanduser().resolve()
    # Checks that need no Airflow: fail fast, with nothing touched.
    try:
        extract = Path(args.extract).expanduser().resolve()
        discover(extract)
        load_config(args.config)
    except CscError as exc:
        return _fail(str(exc))
    out.mkdir(parents=True, exist_ok=True)
    lock = _lock_output(out)  # held until this process exits
    if lock is None:
        return _fail(f"another run is using the output folder {out}; wait for it to finish.")
    run_label = dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    log_file = out / "logs" / f"run-{run_label}.log"
    conf = {"extract_dir": str(extract), "out_dir": str(out), "as_at": args.as_at or "",
            "config": str(Path(args.config).resolve()) if args.config else "", "run_label": run_label}
    start = time.perf_counter()
    terminal = _redirect_output(log_file)
    progress.attach(terminal[0])
    progress.say(f"csc-compliance run: log file {log_file}")
    try:
        from .airflow_local import configure_environment, migrate_metadata_db, run_dag

        configure_environment()
        migrate_metadata_db()
        state, tasks = run_dag(conf)
    except Exception as exc:  # noqa: BLE001 - the user sees one paragraph, the log has the traceback
        import traceback

        traceback.print_exc()
        _restore_output(terminal)
        return _fail(f"could not run the pipeline ({type(exc).__name__}: {exc}).", log_file)
    _restore_output(terminal)
    build = out / ".csc-build" / run_label
    if state != "success":
        error_file = build / "error.json"
        if error_file.exists():
            error = json.loads(error_file.read_text())
            message = error["message"]
        else:
            failed = [t for t, s in tasks.items() if s not in ("success",)]
            message = f"the pipeline stopped at {', '.join(failed) or 'an unknown stage'}"
        _discard_build(build)
        return _fail(f"{message}. The previously published outputs are unchanged.", log_file)
    from .summary import print_summary

    try:
        print_summary(out, time.perf_counter() - start, log_file)
    except BrokenPipeError:  # the reader of our output went away; the run itself succeeded
        pass
    return 0


def command_generate(args) -> int:
    from .generate import generate_extract

    out = Path(args.out).expanduser()
    try:
        report = generate_extract(profile=args.profile, seed=args.seed,
                                  as_at=dt.date.fromisoformat(args.as_at), out_dir=out)
    except (ValueError, KeyError) as exc:
        print(f"csc-compliance: generate failed: {exc}", file=sys.stderr)
        return 1
    rows = sum(report.tables.values())
    print(f"Wrote a synthetic '{args.profile}' extract (seed {args.seed}, as at {args.as_at}) to {out}: "
          f"{len(report.tables)} tables, {rows:,} rows.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.umask(0o077)  # outputs hold children's data: readable by their owner only
    if args.command == "run":
        return command_run(args)
    return command_generate(args)


if __name__ == "__main__":
    sys.exit(main())
