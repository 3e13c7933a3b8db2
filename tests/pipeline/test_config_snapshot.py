"""A run reads its configuration once, at prepare: every later stage uses that snapshot, and the run manifest
hashes the bytes the run used, whatever happens to the file during the run."""
from __future__ import annotations

import hashlib

from csc_compliance.core.run_context import RunContext
from csc_compliance.pipeline import stages
from csc_compliance.publish.manifest import write_manifest
from csc_compliance.settings.for_run import config_for_run

FIRST = b"authority: {code: LA9, name: Nine}\nlocal_standards:\n  caseload_threshold: 20\n"


def _prepared(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n")
    config = tmp_path / "config.yml"
    config.write_bytes(FIRST)
    ctx = RunContext.from_dict(stages.prepare("r1", str(drop), str(tmp_path / "out"), "2026-11-20",
                                                     str(config)))
    return ctx, config


def test_an_edit_during_the_run_changes_nothing_in_it(tmp_path):
    ctx, config = _prepared(tmp_path)
    config.write_text("authority: {code: LA9, name: Renamed}\nlocal_standards:\n  caseload_threshold: 30\n")
    later = config_for_run(ctx)
    assert later.authority_name == "Nine"
    assert later.local_standards["caseload_threshold"] == 20
    assert later.source == str(config)           # messages still name the file, not the snapshot


def test_a_file_broken_or_removed_during_the_run_does_not_stop_it(tmp_path):
    ctx, config = _prepared(tmp_path)
    config.write_text("local_standards: [not, a, mapping\n")
    assert config_for_run(ctx).authority_code == "LA9"
    config.unlink()
    assert config_for_run(ctx).authority_code == "LA9"


def test_the_manifest_hashes_the_bytes_the_run_used(tmp_path):
    ctx, config = _prepared(tmp_path)
    config.write_text("authority: {code: LA9, name: Edited after prepare}\n")
    manifest = write_manifest(ctx, config_for_run(ctx), {}, {}, {})
    assert manifest["config"]["sha256"] == hashlib.sha256(FIRST).hexdigest()
    assert manifest["config"]["source"] == str(config)


def test_without_a_file_the_embedded_defaults_are_hashed_as_empty(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n")
    ctx = RunContext.from_dict(stages.prepare("r1", str(drop), str(tmp_path / "out"), "2026-11-20", None))
    assert config_for_run(ctx).source == "(embedded defaults)"
    assert ctx.config_sha256 == hashlib.sha256(b"").hexdigest()
