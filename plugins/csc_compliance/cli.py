"""csc-compliance: run the nightly compliance pipeline, check an extract, or generate a synthetic one.

`run` runs the nightly DAG in-process on any extract; `check` finds, in seconds, everything that would stop
a run; `generate` writes a synthetic extract.

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
    from .parsing import iso_date

    try:
        return iso_date(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a real date in YYYY-MM-DD form") from None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("csc-compliance")
    except PackageNotFoundError:   # run from a source tree that was never installed
        return "unknown (not installed)"


def _today_in_london() -> str:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/London")).date().isoformat()


def build_parser() -> argparse.ArgumentParser:
    from .generate.profiles import PROFILES

    parser = argparse.ArgumentParser(prog="csc-compliance", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"csc-compliance {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the nightly pipeline in-process on an extract (or a region's)",
                         description="Run the nightly pipeline in-process: give --extract and --out "
                                     "(with --config), or --region.")
    run.add_argument("--extract", help="extract folder (<table>.csv or .parquet files); required unless --region")
    run.add_argument("--as-at", type=_parse_date, default=None,
                     help="reporting date D, YYYY-MM-DD (default: manifest.json's as_at, else today)")
    run.add_argument("--out", help="output folder; required unless --region")
    run.add_argument("--config", default=None, help="configuration file (YAML)")
    run.add_argument("--region", default=None,
                     help="regional file listing authorities (instead of --extract, --out and --config)")
    check = sub.add_parser("check", help="check an extract (and configuration) for everything that would stop a "
                                         "run, in seconds, listing every problem")
    check.add_argument("--extract", required=True, help="extract folder (<table>.csv or .parquet files)")
    check.add_argument("--config", default=None, help="configuration file (YAML)")
    parser.run_parser = run
    gen = sub.add_parser("generate", help="write a synthetic extract (fictional children only)")
    sizes = ", ".join(f"{name} (about {p.children:,} children)" for name, p in PROFILES.items())
    gen.add_argument("--profile", default="demo", choices=[*PROFILES, "region"],
                     help=f"{sizes}, or region (several authorities of the --each profile); default demo")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--as-at", type=_parse_date, default=None,
                     help="reporting date of the extract, YYYY-MM-DD (default: today in Europe/London)")
    gen.add_argument("--out", required=True)
    gen.add_argument("--authorities", type=int, default=10, help="region: how many authorities")
    gen.add_argument("--each", default="large", choices=list(PROFILES), help="region: the profile of each authority")
    gen.add_argument("--region-out", default=None,
                     help="region: the folder the region file sends outputs to (default: OUT/../region-out)")
    return parser


def _has_outputs(out: Path) -> bool:
    """The folder holds a published run: every publish leaves its run_manifest.json."""
    return (out / "run_manifest.json").exists()


def _what_was_kept(message: str, had_outputs: bool, otherwise: str = "") -> str:
    """A failure's message, ending with what became of the outputs: said only when true."""
    note = " The previously published outputs are unchanged." if had_outputs else otherwise
    if not note:
        return message
    return f"{message}{note}" if message.endswith((".", "?", "!")) else f"{message}.{note}"


def _fail(message: str, log_file: Path | None = None, code: int = 1) -> int:
    tail = f" The full log is in {log_file}." if log_file else ""
    print(f"csc-compliance: run failed: {message}{tail}", file=sys.stderr)
    return code


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


def _authorities(args) -> list[dict]:
    """The authorities this run serves, checked before anything starts (CscError on bad input)."""
    from .authorities import load_region, single
    from .config import load_config
    from .errors import ConfigError, ExtractError
    from .extract_check import check_with_config, report

    if args.region:
        if args.extract or args.out or args.config:
            raise ConfigError("give either --region or --extract/--out/--config, not both")
        found = load_region(args.region)
        for authority in found:
            load_config(authority["config"]).check_workbook_passwords()
        return found
    if not args.extract or not args.out:
        raise ConfigError("--extract and --out are required (or --region)")
    extract = Path(args.extract).expanduser().resolve()
    # what `check` checks: refused in seconds, every problem named; the configuration is read once
    problems, config = check_with_config(extract, args.config)
    if problems:
        raise ExtractError(report(problems)) if len(problems) > 1 else problems[0]
    return single(str(extract), str(Path(args.out).expanduser().resolve()),
                  str(Path(args.config).resolve()) if args.config else None, config.authority_code)


def _published(authority: dict, run_label: str) -> bool:
    try:
        manifest = json.loads((Path(authority["out_dir"]) / "run_manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return manifest.get("run_id") == run_label


def _outcome(authority: dict, run_label: str, tasks: dict[str, str], stopped: int | None = None) -> str | None:
    """None when the authority's run published; else why not, in one sentence. `stopped`: the stop signal
    the run received, if any."""
    from . import interrupts

    build = Path(authority["out_dir"]) / ".csc-build" / run_label
    error_file = build / "error.json"
    if error_file.exists():
        message = json.loads(error_file.read_text())["message"]
    elif stopped and not _published(authority, run_label):
        message = f"stopped by {interrupts.name(stopped)} before it published"
    elif build.exists():
        failed = sorted({t.split(".")[-1] for t, s in tasks.items() if s not in ("success", "skipped")})
        message = f"the pipeline stopped at {', '.join(failed) or 'an unknown stage'}"
    else:
        return None
    from .publish.swap import journal_names

    if not journal_names(Path(authority["out_dir"]), build):   # an unfinished swap still needs it
        _discard_build(build)
    return message


def command_run(args) -> int:
    from . import interrupts, progress
    from .errors import CscError

    # Checks that need no Airflow: fail fast, with nothing touched.
    try:
        authorities = _authorities(args)
    except CscError as exc:
        out = Path(args.out).expanduser() if args.out and not args.region else None
        return _fail(_what_was_kept(str(exc), bool(out) and _has_outputs(out)))
    outs = [Path(a["out_dir"]) for a in authorities]
    locks = []
    for out in outs:
        try:
            out.mkdir(parents=True, exist_ok=True)
            lock = _lock_output(out)  # held until this process exits
        except OSError as exc:
            return _fail(f"the output folder {out} cannot be created or written ({exc.strerror or exc}).")
        if lock is None:
            return _fail(f"another run is using the output folder {out}; wait for it to finish.")
        locks.append(lock)
    # said after a failure only when true: a folder that never had outputs has none to keep
    had_outputs = {str(o): _has_outputs(o) for o in outs}
    run_label = dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    log_file = outs[0] / "logs" / f"run-{run_label}.log"
    if args.region:
        conf = {"region_config": str(Path(args.region).expanduser().resolve()), "extract_dir": "", "out_dir": "",
                "config": ""}
    else:
        (only,) = authorities
        conf = {"extract_dir": only["extract_dir"], "out_dir": only["out_dir"], "config": only["config"] or "",
                "region_config": ""}
    conf.update(as_at=args.as_at or "", run_label=run_label, skip_if_published=False)
    # the stages run in this process: they must know these output folders' locks are ours (run_guard)
    os.environ["CSC_HELD_LOCKS"] = os.pathsep.join(str(o.resolve()) for o in outs)
    start = time.perf_counter()
    terminal = None
    try:
        interrupts.install()   # SIGTERM or Ctrl-C stops the run; the stages re-install it over Airflow's own
        terminal = _redirect_output(log_file)
        progress.attach(terminal[0])
        progress.say(f"csc-compliance run: log file {log_file}")
        from .airflow_local import configure_environment, migrate_metadata_db, run_dag

        configure_environment()
        migrate_metadata_db()
        state, tasks = run_dag(conf)
        interrupts.uninstall()   # the run is over: what is left is reporting on it
    except interrupts.RunInterrupted:   # between stages (an authority may have published), or before the first
        interrupts.uninstall()
        state, tasks = "interrupted", {}
    except Exception as exc:  # noqa: BLE001 - the user sees one paragraph, the log has the traceback
        import traceback

        traceback.print_exc()
        if terminal:
            _restore_output(terminal)
        return _fail(f"could not run the pipeline ({type(exc).__name__}: {exc}).", log_file)
    _restore_output(terminal)
    stopped = interrupts.received()
    failures = {a["code"]: why for a in authorities if (why := _outcome(a, run_label, tasks, stopped))}
    if state not in ("success", "interrupted") and not failures:   # interrupted after publishing is a success
        failures = {"run": f"the pipeline stopped ({state})"}
    failure_code = 128 + stopped if stopped and failures else 1
    if not args.region:
        if failures:
            return _fail(_what_was_kept(next(iter(failures.values())), had_outputs[str(outs[0])],
                                        " Nothing was published."), log_file, code=failure_code)
        from .summary import print_summary

        try:
            print_summary(outs[0], time.perf_counter() - start, log_file)
        except BrokenPipeError:  # the reader of our output went away; the run itself succeeded
            pass
        return 0
    lines = [f"Regional run of {len(authorities)} authorities in {time.perf_counter() - start:.0f} s:"]
    lines += [f"  {a['code']:<10} " + (f"FAILED: {failures[a['code']]} (its published outputs are unchanged)"
                                       if a["code"] in failures else f"published to {a['out_dir']}")
              for a in authorities]
    try:
        print("\n".join(lines + [f"Log: {log_file}"]), file=sys.stderr if failures else sys.stdout)
    except BrokenPipeError:
        pass
    return failure_code if failures else 0


def command_check(args) -> int:
    """Exit 0 when a run of this extract would not be refused, 1 listing every problem when it would."""
    from .extract_check import check_extract, report

    start = time.perf_counter()
    extract = Path(args.extract).expanduser().resolve()
    problems = check_extract(extract, args.config)
    seconds = time.perf_counter() - start
    if problems:
        print(f"csc-compliance check: {extract} would be refused: {report(problems)}", file=sys.stderr)
        return 1
    print(f"csc-compliance check: {extract} is ready to run: every file is readable with its required columns "
          f"({seconds:.1f} s). Bad values, if any, are reported by a run as recording gaps.")
    return 0


def command_generate(args) -> int:
    from .generate import generate_extract

    args.as_at = args.as_at or _today_in_london()

    out = Path(args.out).expanduser()
    try:
        if args.profile == "region":
            from .generate.region import generate_region

            region = generate_region(out, Path(args.region_out).expanduser() if args.region_out
                                     else out.resolve().parent / "region-out", profile=args.each,
                                     authorities=args.authorities, seed=args.seed,
                                     as_at=dt.date.fromisoformat(args.as_at))
            print(f"Wrote {args.authorities} synthetic '{args.each}' extracts (as at {args.as_at}) under {out}; "
                  f"regional file {region}.")
            return 0
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run" and not args.region and not args.extract and not args.out:
        parser.run_parser.print_usage(sys.stderr)   # nothing to run on: usage, as argparse does for a bad option
        print("csc-compliance run: error: give --extract and --out (or --region)", file=sys.stderr)
        return 2
    os.umask(0o077)  # outputs hold children's data: readable by their owner only
    if args.command == "run":
        return command_run(args)
    if args.command == "check":
        return command_check(args)
    return command_generate(args)


if __name__ == "__main__":
    sys.exit(main())
