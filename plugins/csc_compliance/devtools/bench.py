"""`make bench`: the real pipeline (the CLI, i.e. the DAG in-process) on generated extracts, with per-stage
wall time, peak memory and rows per second; the DuckDB floor (DuckDB alone reading the same files into
tables, in one process); the fixed cost (the demo run) and the marginal ratio

    (large total - demo total) / (large floor - demo floor)

and, with --region, a regional group of large authorities run as mapped tasks. Figures go to
`bench/results.json` and a printed table. Not part of `make test` (minutes, not seconds): a smoke test
runs it on the demo profile."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from csc_compliance.core.catalogue import PROJECT_DIR

AS_AT = dt.date(2026, 11, 20)
SEED = 42
STAGE_NAMES = ("land", "transform", "validate", "publish")
# the targets on this 2-core machine: what a data engineer wiring up an extract waits for
TARGETS = {"demo_total_s": 15.0, "large_total_s": 30.0, "marginal_ratio": 3.0, "large_peak_mb": 2048.0,
           "refused_s": 5.0}


def _csc(*args: str, env: dict | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run the CLI in a child process: its wall time, its own peak resident memory (MB) and its result."""
    cmd = [sys.executable, "-m", "csc_compliance.cli.main", *args]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)    # this child's own rusage, not every child's maximum
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return seconds, usage.ru_maxrss / 1024, subprocess.CompletedProcess(cmd, proc.returncode, out.read(),
                                                                             err.read())


def ensure_extract(profile: str, folder: Path) -> Path:
    if not (folder / "manifest.json").exists():
        from csc_compliance.generate import generate_extract

        shutil.rmtree(folder, ignore_errors=True)
        generate_extract(profile=profile, seed=SEED, as_at=AS_AT, out_dir=folder)
    return folder


def extract_rows(folder: Path) -> int:
    import duckdb

    con = duckdb.connect()
    total = 0
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            total += con.execute("SELECT count(*) FROM read_csv(?)", [str(path)]).fetchone()[0]
        elif path.suffix == ".parquet":
            total += con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]
    return total


def floor_seconds(folder: Path) -> float:
    """DuckDB alone, in a fresh process: every extract file into a table of an on-disk database, CSV read
    as text as landing reads it (type sniffing fails on real extracts: ids that are numbers until row 80,000)."""
    code = ("import duckdb, sys, time, tempfile, os, pathlib\n"
            "d = pathlib.Path(sys.argv[1]); t = tempfile.mkdtemp()\n"
            "start = time.perf_counter(); con = duckdb.connect(os.path.join(t, 'floor.duckdb'))\n"
            "for i, p in enumerate(sorted(d.iterdir())):\n"
            "    reader = {'.csv': 'read_csv', '.parquet': 'read_parquet'}.get(p.suffix)\n"
            "    opts = ', all_varchar=true' if p.suffix == '.csv' else ''\n"
            "    if reader: con.execute(f\"CREATE TABLE t{i} AS SELECT * FROM {reader}('{p}'{opts})\")\n"
            "con.close(); print(time.perf_counter() - start)\n")
    result = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def profile_config(profile: str, root: Path) -> Path:
    """The demo configuration (its leads and standards) for the authority the profile's extract names in its
    manifest.json: a run refuses an extract of another authority than its configuration's."""
    import yaml

    from csc_compliance.generate.profiles import PROFILES

    config = yaml.safe_load((PROJECT_DIR / "demo" / "config.yml").read_text())
    authority = PROFILES[profile].authority
    config["authority"] = {"code": authority, "name": f"{config['authority']['name']} as {authority}"}
    path = root / "config" / f"{profile}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def bench_profile(profile: str, root: Path, airflow_home: Path) -> dict:
    extract = ensure_extract(profile, root / "extracts" / profile)
    out = root / "out" / profile
    shutil.rmtree(out, ignore_errors=True)    # a first night: no history carried
    rows = extract_rows(extract)
    floor = floor_seconds(extract)
    seconds, peak, result = _csc("run", "--extract", str(extract), "--as-at", AS_AT.isoformat(), "--out", str(out),
                                 "--config", str(profile_config(profile, root)),
                                 env={"CSC_AIRFLOW_HOME": str(airflow_home)})
    if result.returncode != 0:
        raise RuntimeError(f"the {profile} run failed: {result.stderr.strip()}")
    manifest = json.loads((out / "run_manifest.json").read_text())
    stages = {s["stage"]: s for s in manifest["stages"]}
    per_stage = {name: {"seconds": stages[name]["seconds"], "peak_mb": stages[name].get("peak_rss_mb"),
                        "rows_per_s": round(rows / stages[name]["seconds"]) if stages[name]["seconds"] else None}
                 for name in STAGE_NAMES if name in stages}
    staged = sum(s["seconds"] for s in manifest["stages"])
    # each stage resets the kernel's high-water mark (peak_memory), which getrusage reads too: the run's
    # peak is the largest of its stages' and of what the kernel reports after the last reset
    peak = max([peak, *(s.get("peak_rss_mb") or 0 for s in manifest["stages"])])
    return {"profile": profile, "rows": rows, "floor_s": round(floor, 2), "total_s": round(seconds, 2),
            "peak_mb": round(peak, 1), "rows_per_s": round(rows / seconds),
            "start_up_s": round(seconds - staged, 2),  # Python, Airflow and the DAG run outside the stages
            "stages": per_stage}


def bench_refused(profile: str, root: Path, airflow_home: Path) -> dict:
    """How long a broken extract takes to be refused: the profile's extract with one required column
    removed from ssd_person.csv (the run must exit 1 naming it, before anything starts)."""
    extract = ensure_extract(profile, root / "extracts" / profile)
    broken = root / "extracts" / f"{profile}-refused"
    shutil.rmtree(broken, ignore_errors=True)
    shutil.copytree(extract, broken)
    person = broken / "ssd_person.csv"
    lines = person.read_text(encoding="utf-8-sig").splitlines()
    person.write_text("\n".join(line.split(",", 1)[1] for line in lines) + "\n", encoding="utf-8")
    out = root / "out" / f"{profile}-refused"
    shutil.rmtree(out, ignore_errors=True)
    seconds, _, result = _csc("run", "--extract", str(broken), "--as-at", AS_AT.isoformat(), "--out", str(out),
                              "--config", str(profile_config(profile, root)),
                              env={"CSC_AIRFLOW_HOME": str(airflow_home)})
    if result.returncode != 1 or "pers_person_id" not in result.stderr:
        raise RuntimeError(f"the broken {profile} extract was not refused as expected: {result.stderr.strip()}")
    return {"profile": profile, "seconds": round(seconds, 2)}


def bench_region(root: Path, airflow_home: Path, authorities: int, each: str) -> dict:
    from csc_compliance.generate.region import REGION_FILE, generate_region

    drop = root / "extracts" / f"region-{authorities}x{each}"
    region = drop / REGION_FILE
    if not region.exists():
        shutil.rmtree(drop, ignore_errors=True)
        generate_region(drop, root / "out" / "region", profile=each, authorities=authorities, seed=SEED, as_at=AS_AT)
    shutil.rmtree(root / "out" / "region", ignore_errors=True)
    rows = sum(extract_rows(p) for p in sorted(drop.iterdir()) if (p / "manifest.json").exists())
    seconds, peak, result = _csc("run", "--region", str(region), "--as-at", AS_AT.isoformat(),
                                 env={"CSC_AIRFLOW_HOME": str(airflow_home)})
    if result.returncode != 0:
        raise RuntimeError(f"the regional run failed: {result.stderr.strip()}")
    return {"profile": f"region ({authorities} x {each})", "authorities": authorities, "rows": rows,
            "total_s": round(seconds, 2), "peak_mb": round(peak), "rows_per_s": round(rows / seconds)}


def _target(target: str, value, met: bool, held_by: str | None = None) -> dict:
    out = {"target": target, "value": value, "met": met}
    if not met and held_by:
        out["held_by"] = held_by
    return out


def _held_by(profile: dict) -> str:
    """Where a run's time goes, largest first: which stages hold a time target that is not met."""
    parts = {"start-up (Python, Airflow, the DAG)": profile.get("start_up_s") or 0,
             **{name: s["seconds"] for name, s in (profile.get("stages") or {}).items()}}
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in
                     sorted(parts.items(), key=lambda kv: -kv[1])[:3])


def summarise(results: dict) -> dict:
    profiles = results["profiles"]
    demo, large = profiles.get("demo"), profiles.get("large")
    targets = results.setdefault("targets", {})
    if demo:
        results["fixed_cost_s"] = demo["total_s"]
        targets["demo_total_s"] = _target(f"<= {TARGETS['demo_total_s']:.0f}", demo["total_s"],
                                          demo["total_s"] <= TARGETS["demo_total_s"], _held_by(demo))
    if demo and large:
        floor_gap = large["floor_s"] - demo["floor_s"]
        results["marginal_ratio"] = (round((large["total_s"] - demo["total_s"]) / floor_gap, 2)
                                     if floor_gap > 0 else None)
        targets["large_total_s"] = _target(f"<= {TARGETS['large_total_s']:.0f}", large["total_s"],
                                           large["total_s"] <= TARGETS["large_total_s"], _held_by(large))
        targets["marginal_ratio"] = _target(f"<= {TARGETS['marginal_ratio']:.0f}", results["marginal_ratio"],
                                            results["marginal_ratio"] is not None
                                            and results["marginal_ratio"] <= TARGETS["marginal_ratio"])
        targets["large_peak_mb"] = _target(f"< {TARGETS['large_peak_mb']:.0f}", large["peak_mb"],
                                           large["peak_mb"] < TARGETS["large_peak_mb"])
    if results.get("refused"):
        seconds = results["refused"]["seconds"]
        targets["refused_s"] = _target(f"<= {TARGETS['refused_s']:.0f}", seconds, seconds <= TARGETS["refused_s"])
    region = results.get("region")
    if region and large:
        region["times_large"] = round(region["total_s"] / large["total_s"], 2)
        results.setdefault("targets", {})["region_vs_large"] = {
            "target": f"<= about {region['authorities']} x large", "value": region["times_large"],
            "met": region["times_large"] <= region["authorities"] * 1.1}
    return results


def table(results: dict) -> str:
    lines = [f"{'profile':<22}{'rows':>11}{'stage':>11}{'wall s':>9}{'peak MB':>9}{'rows/s':>11}"]
    for p in results["profiles"].values():
        lines.append(f"{p['profile']:<22}{p['rows']:>11,}{'floor':>11}{p['floor_s']:>9.2f}{'':>9}"
                     f"{round(p['rows'] / p['floor_s']) if p['floor_s'] else 0:>11,}")
        for name, s in p["stages"].items():
            lines.append(f"{'':<22}{'':>11}{name:>11}{s['seconds']:>9.2f}"
                         f"{s['peak_mb'] or 0:>9.0f}{s['rows_per_s'] or 0:>11,}")
        lines.append(f"{'':<22}{'':>11}{'start-up':>11}{p['start_up_s']:>9.2f}")
        lines.append(f"{'':<22}{'':>11}{'TOTAL':>11}{p['total_s']:>9.2f}{p['peak_mb']:>9,}{p['rows_per_s']:>11,}")
    if results.get("region"):
        r = results["region"]
        lines.append(f"{r['profile']:<22}{r['rows']:>11,}{'TOTAL':>11}{r['total_s']:>9.2f}{r['peak_mb']:>9,}"
                     f"{r['rows_per_s']:>11,}")
    if "fixed_cost_s" in results:
        lines.append(f"fixed cost (demo total): {results['fixed_cost_s']:.1f} s")
    if results.get("marginal_ratio") is not None:
        lines.append(f"marginal ratio (large - demo) / (floor large - floor demo): {results['marginal_ratio']:.1f}")
    for name, t in results.get("targets", {}).items():
        held = f" (held by {t['held_by']})" if t.get("held_by") else ""
        lines.append(f"target {name} {t['target']}: {t['value']} -> {'met' if t['met'] else 'NOT MET'}{held}")
    if results.get("refused"):
        lines.append(f"refused extract ({results['refused']['profile']}, a required column missing): "
                     f"{results['refused']['seconds']:.1f} s")
    return "\n".join(lines)


def run_bench(profiles: list[str], root: Path, region: int = 0, region_each: str = "large") -> dict:
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    airflow_home = root / "airflow"
    results = {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()},
               "as_at": AS_AT.isoformat(), "seed": SEED, "profiles": {}}
    for profile in profiles:
        results["profiles"][profile] = bench_profile(profile, root, airflow_home)
    results["refused"] = bench_refused(profiles[-1], root, airflow_home)
    if region:
        results["region"] = bench_region(root, airflow_home, region, region_each)
    results = summarise(results)
    tmp = root / "results.json.tmp"
    tmp.write_text(json.dumps(results, indent=2))
    tmp.replace(root / "results.json")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_compliance.devtools.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", nargs="+", default=["demo", "large"], choices=["demo", "large"])
    parser.add_argument("--region", type=int, default=0, metavar="N",
                        help="also run a region of N authorities (0: no region)")
    parser.add_argument("--region-each", default="large", choices=["demo", "large"])
    parser.add_argument("--out", default=str(PROJECT_DIR / "bench"))
    args = parser.parse_args(argv)
    os.umask(0o077)
    results = run_bench(args.profiles, Path(args.out), args.region, args.region_each)
    print(table(results))
    print(f"figures in {Path(args.out).resolve() / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
