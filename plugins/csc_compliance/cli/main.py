"""csc-compliance: run the nightly compliance pipeline, check an extract, or generate a synthetic one.

`run` runs the nightly DAG in-process on any extract; `check` finds, in seconds, everything that would stop
a run; `generate` writes a synthetic extract.

The terminal shows progress stage by stage and, on failure, one plain paragraph; Airflow's and dbt's own
logs go to a log file under the output folder."""
from __future__ import annotations

import argparse
import os
import sys


def _parse_date(value: str) -> str:
    from csc_compliance.core.parsing import iso_date

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


def build_parser() -> argparse.ArgumentParser:
    from csc_compliance.generate.profiles import PROFILES

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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run" and not args.region and not args.extract and not args.out:
        parser.run_parser.print_usage(sys.stderr)   # nothing to run on: usage, as argparse does for a bad option
        print("csc-compliance run: error: give --extract and --out (or --region)", file=sys.stderr)
        return 2
    os.umask(0o077)  # outputs hold children's data: readable by their owner only
    from csc_compliance.cli import check, generate, run

    return {"run": run.command, "check": check.command, "generate": generate.command}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
