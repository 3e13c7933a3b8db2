"""What the two DAGs share: the asset a new extract announces, the nightly schedule, and which
authorities a deployment serves (one, from CSC_EXTRACT_DIR / CSC_OUT_DIR / CSC_CONFIG, or a regional
group from the file named by CSC_REGION_CONFIG)."""
from __future__ import annotations

import os

from airflow.sdk import Asset

from csc_compliance.settings import authorities as _authorities

# A complete extract (its manifest.json written) that no run has published yet, in any authority's drop.
EXTRACT_ARRIVED = Asset(name="csc_extract_arrived", uri="file:///csc-compliance/extract-arrived")
NIGHTLY_CRON = "30 1 * * *"
TIMEZONE = "Europe/London"


def default(name: str, fallback: str = "") -> str:
    return os.environ.get(name, fallback)


def authorities_for(extract_dir: str, out_dir: str, config: str | None, region_config: str | None) -> list[dict]:
    if region_config:
        return _authorities.load_region(region_config)
    return _authorities.single(extract_dir, out_dir, config)
