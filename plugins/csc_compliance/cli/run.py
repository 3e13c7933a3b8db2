"""`csc-compliance run`: the nightly DAG in-process on one extract or a region's, with every check that needs
no Airflow first (refused in seconds, nothing touched), each output folder locked for the run, libraries'
output in a log file, and one plain line per outcome."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from csc_compliance.cli import run_logs
from csc_compliance.core.run_context import BUILD_ROOT
from csc_compliance.runtime import output_capture, run_guard


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
    if log_file and log_file.exists():   # the log ends with the plain reason, as the terminal said it
        with log_file.open("a") as log:
            log.write(f"csc-compliance: run failed: {message}\n")
    return code


def _authorities(args) -> list[dict]:
    """The authorities this run serves, checked before anything starts (CscError on bad input)."""
    from csc_compliance.core.errors import ConfigError, ExtractError
    from csc_compliance.ingest.check import check_with_config, report
    from csc_compliance.settings.authorities import load_region, single
    from csc_compliance.settings.config import load_config

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
    from csc_compliance.runtime import interrupts

    build = Path(authority["out_dir"]) / BUILD_ROOT / run_label
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
    from csc_compliance.publish.swap import journal_names

    if not journal_names(Path(authority["out_dir"]), build):   # an unfinished swap still needs it
        run_guard.discard_build(build)
    return message


def command(args) -> int:
    from csc_compliance.core.errors import CscError
    from csc_compliance.runtime import interrupts, progress

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
            lock = run_guard.lock_output(out)  # held until this process exits
        except OSError as exc:
            return _fail(f"the output folder {out} cannot be created or written ({exc.strerror or exc}).")
        if lock is None:
            return _fail(f"another run is using the output folder {out}; wait for it to finish.")
        locks.append(lock)
    # said after a failure only when true: a folder that never had outputs has none to keep
    had_outputs = {str(o): _has_outputs(o) for o in outs}
    run_label = dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    logs = [out / "logs" / f"run-{run_label}.log" for out in outs]   # each authority's own
    # a regional run writes one log as it goes, cut into each authority's when it ends (cli/run_logs.py)
    log_file = _combined_log(run_label) if args.region else logs[0]
    if args.region:
        conf = {"region_config": str(Path(args.region).expanduser().resolve()), "extract_dir": "", "out_dir": "",
                "config": ""}
    else:
        (only,) = authorities
        conf = {"extract_dir": only["extract_dir"], "out_dir": only["out_dir"], "config": only["config"] or "",
                "region_config": ""}
    conf.update(as_at=args.as_at or "", run_label=run_label, skip_if_published=False)
    # the stages run in this process: they must know these output folders' locks are ours (run_guard)
    run_guard.hold_for_stages(outs)
    start = time.perf_counter()
    terminal = None
    try:
        interrupts.install()   # SIGTERM or Ctrl-C stops the run; the stages re-install it over Airflow's own
        terminal = output_capture.redirect(log_file)
        progress.attach(terminal[0])
        progress.say(f"csc-compliance run: log file {logs[0]}" if not args.region else
                     f"csc-compliance run: each authority's log in its output folder, logs/run-{run_label}.log")
        from csc_compliance.orchestration.airflow_local import configure_environment, migrate_metadata_db, run_dag

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
            output_capture.restore(terminal)
        _split_regional_log(args, log_file, logs)
        return _fail(f"could not run the pipeline ({type(exc).__name__}: {exc}).", logs[0])
    output_capture.restore(terminal)
    _split_regional_log(args, log_file, logs)
    stopped = interrupts.received()
    failures = {a["code"]: why for a in authorities if (why := _outcome(a, run_label, tasks, stopped))}
    if state not in ("success", "interrupted") and not failures:   # interrupted after publishing is a success
        failures = {"run": f"the pipeline stopped ({state})"}
    failure_code = 128 + stopped if stopped and failures else 1
    for out in outs:   # a folder that never had outputs keeps none of the run's locks, only its log
        if not had_outputs[str(out)] and not _has_outputs(out):
            run_guard.remove_locks(out)
    if not args.region:
        if failures:
            return _fail(_what_was_kept(next(iter(failures.values())), had_outputs[str(outs[0])],
                                        " Nothing was published."), logs[0], code=failure_code)
        from csc_compliance.cli.terminal_summary import print_summary

        try:
            print_summary(outs[0], time.perf_counter() - start, logs[0])
        except BrokenPipeError:  # the reader of our output went away; the run itself succeeded
            pass
        return 0
    lines = [f"Regional run of {len(authorities)} authorities in {time.perf_counter() - start:.0f} s:"]
    lines += [f"  {a['code']:<10} " + (f"FAILED: {failures[a['code']]} (its published outputs are unchanged)"
                                       if a["code"] in failures else f"published to {a['out_dir']}")
              + f"; log {log}" for a, log in zip(authorities, logs, strict=True)]
    for a, log in zip(authorities, logs, strict=True):   # a failed authority's log ends with why, as said here
        if a["code"] in failures and log.exists():
            with log.open("a") as fh:
                fh.write(f"csc-compliance: run failed for {a['code']}: {failures[a['code']]}\n")
    try:
        print("\n".join(lines), file=sys.stderr if failures else sys.stdout)
    except BrokenPipeError:
        pass
    return failure_code if failures else 0


def _split_regional_log(args, combined: Path, logs: list[Path]) -> None:
    if args.region and combined.exists():
        run_logs.split(combined, logs)
        combined.unlink()


def _combined_log(run_label: str) -> Path:
    handle, path = tempfile.mkstemp(prefix=f"csc-run-{run_label}-", suffix=".log")   # owner-only
    os.close(handle)
    return Path(path)
