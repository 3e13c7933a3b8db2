"""A regional group of authorities: several extracts, each generated like one authority's (its own seed,
so its own children), plus the regional configuration docs/contract.md#configuration describes (`authorities:` with each
authority's drop folder, output folder and config). Authorities are generated two at a time."""
from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

from csc_compliance.generate.generator import generate_extract

REGION_FILE = "region.yml"


def authority_codes(n: int) -> list[str]:
    return [f"LA{i:02d}" for i in range(1, n + 1)]


def _one(args) -> dict:
    profile, seed, as_at, folder, code = args
    report = generate_extract(profile=profile, seed=seed, as_at=as_at, out_dir=folder)
    manifest = folder / "manifest.json"   # the authority's own code in its manifest
    data = json.loads(manifest.read_text())
    tmp = folder / "manifest.json.tmp"   # the marker is replaced whole: never seen half-written
    tmp.write_text(json.dumps({**data, "authority": code}, indent=2))
    tmp.replace(manifest)
    return {"code": code, "rows": sum(report.tables.values())}


def generate_region(out_dir: Path | str, out_root: Path | str, profile: str = "large", authorities: int = 10,
                    seed: int = 42, as_at: dt.date | None = None, workers: int = 2) -> Path:
    """Write `out_dir/<code>/` extracts, `out_dir/config/<code>.yml` and `out_dir/region.yml` whose
    output folders are `out_root/<code>`. Returns the region file."""
    out_dir, out_root = Path(out_dir).resolve(), Path(out_root).resolve()
    if not isinstance(authorities, int) or authorities < 1:
        raise ValueError(f"authorities must be a positive integer, not {authorities!r}")
    codes = authority_codes(authorities)
    (out_dir / "config").mkdir(parents=True, exist_ok=True)
    jobs = [(profile, seed + 1000 * i, as_at, out_dir / code, code) for i, code in enumerate(codes)]
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
        list(pool.map(_one, jobs))
    entries = []
    for code in codes:
        config = out_dir / "config" / f"{code}.yml"
        config.write_text(yaml.safe_dump({"authority": {"code": code, "name": f"Fictional Authority {code}"}}))
        entries.append({"code": code, "extract_dir": str(out_dir / code), "out_dir": str(out_root / code),
                        "config": str(config)})
    region = out_dir / REGION_FILE
    region.write_text(yaml.safe_dump({"authorities": entries}, sort_keys=False))
    return region
