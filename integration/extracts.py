"""The scenario's data: a generated region of synthetic extracts, a new extract dropped into one authority's
folder, and the checks on what a run published."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from integration import deployment as dep
from integration.airflow_deployment import Deployment
from integration.processes import VENV_BIN, IntegrationError, log, relative, run_quietly, tail

AUTHORITIES = 2


FIRST_AS_AT, SECOND_AS_AT = "2026-11-20", "2026-11-23"


def generate_region(d: Deployment, logs: Path) -> None:
    done = run_quietly([str(VENV_BIN / "csc-compliance"), "generate", "--profile", "region", "--each", "demo",
                        "--authorities", str(AUTHORITIES), "--seed", "42", "--as-at", FIRST_AS_AT,
                        "--out", str(d.drop), "--region-out", str(d.out)], logs / "generate.log")
    if done.returncode or not d.region.exists():
        raise IntegrationError(f"generating the region failed:\n{tail(logs / 'generate.log')}")
    from csc_compliance.settings.authorities import load_region

    d.codes[:] = [a["code"] for a in load_region(d.region)]
    log(f"   {len(d.codes)} synthetic demo extracts as at {FIRST_AS_AT} ({', '.join(d.codes)}) under "
        f"{relative(d.drop)}; regional file {relative(d.region)} (CSC_REGION_CONFIG), outputs under {relative(d.out)}")


def drop_new_extract(d: Deployment, code: str, logs: Path) -> str:
    """Like an authority's extract job: the new files replace the old ones, and manifest.json comes last."""
    from csc_compliance.ingest.arrivals import MARKER, extract_fingerprint

    staging = d.home.parent / "incoming" / code
    done = run_quietly([str(VENV_BIN / "csc-compliance"), "generate", "--profile", "demo", "--seed", "4242",
                        "--as-at", SECOND_AS_AT, "--out", str(staging)], logs / "generate.log")
    if done.returncode:
        raise IntegrationError(f"generating the second extract failed:\n{tail(logs / 'generate.log')}")
    target = d.drop / code
    (target / MARKER).unlink()                       # from here the extract is incomplete: nobody takes it
    for old in target.iterdir():
        if old.is_file():
            old.unlink()
    for new in sorted(staging.iterdir()):
        if new.is_file() and new.name != MARKER:
            shutil.copy2(new, target / new.name)
    manifest = json.loads((staging / MARKER).read_text())
    tmp = target / (MARKER + ".tmp")
    tmp.write_text(json.dumps({**manifest, "authority": code}, indent=2))
    tmp.replace(target / MARKER)
    fingerprint = extract_fingerprint(target)
    log(f"   dropped a new extract for {code} as at {SECOND_AS_AT} into {relative(target)} (manifest.json last), "
        f"fingerprint {fingerprint[:12]}")
    return fingerprint


def rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def check_outputs(out: Path, code: str, as_at: str, fingerprint: str) -> dict:
    """The published outputs of one authority: present, non-empty, for this extract, owner-only."""
    checks = {}
    for name in ("exceptions/exceptions.csv", "kpis/kpi_values.csv", "dq/recording_gaps.csv"):
        path = out / name
        if not path.is_file() or rows(path) == 0:
            raise IntegrationError(f"{code}: {name} is missing or has no rows")
        checks[name] = rows(path)
    for name in ("data_docs/index.html", "dbt_docs/index.html", "exceptions/summary.html", "history.duckdb",
                 "warehouse.duckdb", "run_manifest.json"):
        path = out / name
        if not path.is_file() or path.stat().st_size == 0:
            raise IntegrationError(f"{code}: {name} is missing or empty")
    workbooks = sorted(p.name for p in (out / "exceptions").glob("*.xlsx"))
    if not workbooks:
        raise IntegrationError(f"{code}: no lead workbook in {out / 'exceptions'}")
    manifest = json.loads((out / "run_manifest.json").read_text())
    got = (manifest.get("reporting_date"), manifest.get("extract", {}).get("fingerprint"),
           manifest.get("authority", {}).get("code"))
    if got != (as_at, fingerprint, code):
        raise IntegrationError(f"{code}: run_manifest.json has reporting date, fingerprint, authority {got}; "
                               f"expected {(as_at, fingerprint, code)}")
    shared = [str(p.relative_to(out)) for p in [out, *out.rglob("*")]
              if p.stat().st_mode & 0o077 and not p.is_symlink()]
    if shared:
        raise IntegrationError(f"{code}: readable by others than the owner (umask {dep.UMASK} expected): "
                               f"{shared[:5]}")
    checks["workbooks"] = len(workbooks)
    return checks
