"""Smoke test of the benchmark code on the demo profile (the full benchmark, `make bench`, is not in CI):
the real pipeline runs, every stage is timed and measured, the floor is measured, the figures are written."""
import json

import pytest

from csc_compliance.devtools import bench
from csc_compliance.generate.profiles import PROFILES

pytestmark = pytest.mark.e2e


def test_bench_on_demo_writes_every_figure(tmp_path):
    results = bench.run_bench(["demo"], tmp_path)
    stored = json.loads((tmp_path / "results.json").read_text())
    assert stored == results
    demo = stored["profiles"]["demo"]
    manifest = json.loads((tmp_path / "extracts" / "demo" / "manifest.json").read_text())
    assert manifest["as_at"] == bench.AS_AT.isoformat()
    assert demo["rows"] > 50_000 and 0 < demo["floor_s"] < demo["total_s"]
    assert list(demo["stages"]) == ["land", "transform", "validate", "publish"]
    for name, stage in demo["stages"].items():
        assert stage["seconds"] > 0 and stage["peak_mb"] > 50 and stage["rows_per_s"] > 0, name
    assert demo["peak_mb"] >= max(s["peak_mb"] for s in demo["stages"].values())
    assert demo["total_s"] > sum(s["seconds"] for s in demo["stages"].values())
    assert stored["fixed_cost_s"] == demo["total_s"] and "marginal_ratio" not in stored
    assert 0 < stored["refused"]["seconds"] < demo["total_s"]      # refused before anything starts
    assert {"demo_total_s", "refused_s"} <= set(stored["targets"])
    printed = bench.table(stored)
    assert "floor" in printed and "TOTAL" in printed and "fixed cost" in printed and "refused extract" in printed


def test_marginal_ratio_and_targets_from_figures():
    results = bench.summarise({"profiles": {
        "demo": {"total_s": 12.0, "floor_s": 1.0, "peak_mb": 700},
        "large": {"total_s": 28.0, "floor_s": 9.0, "peak_mb": 1500}},
        "refused": {"profile": "large", "seconds": 2.0}})
    assert results["marginal_ratio"] == 2.0
    assert all(t["met"] for t in results["targets"].values()) and len(results["targets"]) == 5
    slow = bench.summarise({"profiles": {
        "demo": {"total_s": 40.0, "floor_s": 1.0, "peak_mb": 700, "start_up_s": 18.0,
                 "stages": {"transform": {"seconds": 14.0}, "validate": {"seconds": 6.0}, "land": {"seconds": 1.0}}},
        "large": {"total_s": 150.0, "floor_s": 9.0, "peak_mb": 5000}},
        "refused": {"profile": "large", "seconds": 9.0}})
    assert {k for k, t in slow["targets"].items() if not t["met"]} == {
        "demo_total_s", "large_total_s", "marginal_ratio", "large_peak_mb", "refused_s"}
    assert slow["targets"]["demo_total_s"]["held_by"] == ("start-up (Python, Airflow, the DAG) 18.0 s, "
                                                           "transform 14.0 s, validate 6.0 s")


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_profile_runs_with_a_configuration_of_its_own_authority(profile, tmp_path):
    """`make bench` runs every profile: the configuration it gives a profile's run must name the authority
    that profile's manifest.json names (a run refuses another authority's extract). large's manifest says
    LARGE; running it with the demo configuration (DEMO) stopped `make bench` from a fresh clone."""
    from csc_compliance.generate.generator import manifest_for
    from csc_compliance.ingest.manifest import check_manifest_authority
    from csc_compliance.settings.config import load_config

    config = load_config(bench.profile_config(profile, tmp_path))
    manifest = manifest_for(profile, bench.AS_AT)
    check_manifest_authority(manifest, config.authority_code, config.authority_configured)
    demo = load_config(bench.PROJECT_DIR / "demo" / "config.yml")
    assert config.leads == demo.leads and config.local_standards == demo.local_standards
