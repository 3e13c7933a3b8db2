"""The run manifest auditors use to trace every figure: extract file checksums and row counts, the rule
catalogue's version, the configuration's hash, the code version, stage timings and per-model dbt results."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from importlib.metadata import version

from csc_compliance.core.catalogue import PROJECT_DIR, RULE_CATALOGUE, rule_catalogue
from csc_compliance.core.run_context import RunContext
from csc_compliance.settings.config import Config


def _code_version() -> str:
    try:
        sha = subprocess.run(["git", "-C", str(PROJECT_DIR), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        sha = ""
    return f"{version('csc-compliance')}" + (f"+{sha}" if sha else "")


def write_manifest(ctx: RunContext, config: Config, counts: dict, workbooks: dict,
                   unavailable: dict[str, str]) -> dict:
    build = ctx.build_dir
    read = lambda name: json.loads((build / name).read_text()) if (build / name).exists() else []  # noqa: E731
    manifest = {
        "run_id": ctx.run_id,
        "reporting_date": ctx.reporting_date,
        "authority": {"code": config.authority_code, "name": config.authority_name},
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "code_version": _code_version(),
        "rule_catalogue": {"version": rule_catalogue()["version"],
                           "sha256": hashlib.sha256(RULE_CATALOGUE.read_bytes()).hexdigest()},
        "config": {"source": config.source, "sha256": ctx.config_sha256,   # the bytes the run used
                   "local_standards": config.local_standards},
        "extract": {"folder": ctx.extract_dir, "fingerprint": ctx.extract_fingerprint,
                    "tables": read("landed.json")},
        "stages": read("stages.json"),
        "dbt": read("dbt_results.json"),
        "quality_suites": read("suites.json"),
        "outputs": counts,
        "measures_not_available": {k: f"not available: {v} not in the extract" for k, v in unavailable.items()},
        "workbooks": workbooks,
    }
    text = json.dumps(manifest, indent=2, default=str)
    (build / "run_manifest.json").write_text(text)
    runs = build / "data_docs" / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    (runs / f"{ctx.reporting_date}_{ctx.run_id}.json").write_text(text)
    # earlier runs' manifests were carried forward; those past the retention go, as their history does
    cutoff = (ctx.d - dt.timedelta(days=config.retention_days)).isoformat()
    for old in runs.glob("*.json"):
        if old.name[:10] < cutoff:
            old.unlink()
    return manifest
