"""Which authorities a run serves, and when an extract counts as new: the regional file is checked before
anything runs, and an extract is announced and processed once."""
import json
import os

import pytest
import yaml

from csc_compliance.core.errors import ConfigError
from csc_compliance.core.run_context import RunContext
from csc_compliance.ingest import arrivals
from csc_compliance.settings.authorities import load_region
from csc_compliance.settings.for_run import config_for_run


def region(tmp_path, authorities):
    path = tmp_path / "region.yml"
    path.write_text(yaml.safe_dump({"authorities": authorities}))
    return path


def test_region_paths_resolve_beside_the_file(tmp_path):
    path = region(tmp_path, [{"code": "LA1", "extract_dir": "drop/la1", "out_dir": "out/la1", "config": "la1.yml"},
                             {"code": "LA2", "extract_dir": "/data/la2", "out_dir": "out/la2"}])
    found = load_region(path)
    assert [a["code"] for a in found] == ["LA1", "LA2"]
    assert found[0]["extract_dir"] == str(tmp_path / "drop" / "la1")
    assert found[0]["config"] == str(tmp_path / "la1.yml") and found[1]["config"] is None


@pytest.mark.parametrize("authorities, message", [
    ([{"code": "LA1", "extract_dir": "a", "out_dir": "o"}, {"code": "LA1", "extract_dir": "b", "out_dir": "p"}],
     "authority 2: code 'LA1' is listed twice"),
    ([{"code": "LA1", "extract_dir": "a", "out_dir": "o"}, {"code": "LA2", "extract_dir": "b", "out_dir": "o/la2"}],
     "authority 2: out_dir"),
    ([{"code": "LA1", "extract_dir": "a"}], "authority 1: `out_dir` is missing"),
    ([{"code": "LA 1", "extract_dir": "a", "out_dir": "o"}], "code 'LA 1' must be"),
    ([{"code": "LA1", "extract_dir": "a", "out_dir": "o", "leads": []}], "unknown key 'leads'"),
    ([], "expected one key `authorities:`"),
])
def test_bad_regional_files_are_refused_naming_the_entry(tmp_path, authorities, message):
    with pytest.raises(ConfigError, match=None) as err:
        load_region(region(tmp_path, authorities))
    assert message in str(err.value) and "region.yml" in str(err.value)


def test_unreadable_regional_file(tmp_path):
    bad = tmp_path / "r.yml"
    bad.write_text("authorities: [\n")
    with pytest.raises(ConfigError, match="r.yml: not valid YAML at line"):
        load_region(bad)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_region(tmp_path / "missing.yml")


def test_an_extract_is_new_once_complete_and_only_until_announced_or_published(tmp_path):
    drop, out = tmp_path / "drop", tmp_path / "out"
    drop.mkdir()
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n")
    assert arrivals.extract_fingerprint(drop) is None          # no marker yet: still being written
    assert arrivals.is_new_arrival(drop, out) is None
    (drop / "manifest.json").write_text(json.dumps({"as_at": "2026-11-20"}))
    first = arrivals.is_new_arrival(drop, out)
    assert first
    arrivals.mark_announced(out, first)
    assert arrivals.is_new_arrival(drop, out) is None           # announced: not again
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n2\n")
    os.utime(drop / "ssd_person.csv", ns=(1, 1))
    second = arrivals.is_new_arrival(drop, out)
    assert second and second != first                           # a new drop is new
    (out / "run_manifest.json").write_text(json.dumps({"reporting_date": "2026-11-20",
                                                       "extract": {"fingerprint": second}}))
    assert arrivals.is_new_arrival(drop, out) is None           # published: not new
    assert arrivals.already_published(out, second, "2026-11-20")
    assert not arrivals.already_published(out, second, "2026-11-21")   # a new reporting date runs again


def test_a_scheduled_run_skips_an_extract_already_published_for_its_date(tmp_path):
    from csc_compliance.core.errors import AlreadyPublished
    from csc_compliance.pipeline import stages

    drop, out = tmp_path / "drop", tmp_path / "out"
    drop.mkdir()
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n")
    (drop / "manifest.json").write_text(json.dumps({"as_at": "2026-11-20"}))
    out.mkdir()
    (out / "run_manifest.json").write_text(json.dumps({
        "reporting_date": "2026-11-20", "extract": {"fingerprint": arrivals.extract_fingerprint(drop)}}))
    with pytest.raises(AlreadyPublished, match="already published for 2026-11-20"):
        stages.prepare("r1", str(drop), str(out), None, None, skip_if_published=True)
    assert not (out / ".csc-build").exists()
    ctx = stages.prepare("r2", str(drop), str(out), None, None, skip_if_published=False)   # the CLI: always
    assert ctx["extract_fingerprint"] == arrivals.extract_fingerprint(drop)
    ctx = stages.prepare("r3", str(drop), str(out), "2026-11-21", None, skip_if_published=True)  # a new date
    assert ctx["reporting_date"] == "2026-11-21"


def test_generated_region_is_a_valid_regional_file_of_distinct_authorities(tmp_path):
    import datetime as dt

    from csc_compliance.generate.region import generate_region

    path = generate_region(tmp_path / "drop", tmp_path / "out", profile="demo", authorities=2, seed=3,
                           as_at=dt.date(2026, 11, 20))
    found = load_region(path)
    assert [a["code"] for a in found] == ["LA01", "LA02"]
    assert [a["out_dir"] for a in found] == [str(tmp_path / "out" / "LA01"), str(tmp_path / "out" / "LA02")]
    manifests = [json.loads((tmp_path / "drop" / c / "manifest.json").read_text()) for c in ("LA01", "LA02")]
    assert [m["authority"] for m in manifests] == ["LA01", "LA02"]
    persons = [(tmp_path / "drop" / c / "ssd_person.csv").read_bytes() for c in ("LA01", "LA02")]
    assert persons[0] != persons[1]                     # each authority its own children
    assert yaml.safe_load((tmp_path / "drop" / "config" / "LA02.yml").read_text())["authority"]["code"] == "LA02"


def test_an_extract_naming_another_authority_is_refused_in_a_region(tmp_path):
    """A drop folder holding a neighbour's extract (its manifest.json names the neighbour) is refused at prepare,
    naming the file and both codes, even with no authority in that authority's own configuration."""
    from csc_compliance.core.errors import ExtractError
    from csc_compliance.pipeline import stages

    drop, out = tmp_path / "drop", tmp_path / "out"
    drop.mkdir()
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n")
    (drop / "manifest.json").write_text(json.dumps({"as_at": "2026-11-20", "authority": "LA02"}))
    with pytest.raises(ExtractError, match=r"file manifest.json, column authority: .*'LA02'.*'LA01'"):
        stages.prepare("r1", str(drop), str(out), None, None, region_code="LA01")
    assert stages.prepare("r2", str(drop), str(out), None, None, region_code="la02")["reporting_date"] == "2026-11-20"
    assert stages.prepare("r3", str(drop), str(out), None, None)["reporting_date"] == "2026-11-20"  # no code: no check


def test_a_regional_file_repeating_a_key_is_refused(tmp_path):
    path = tmp_path / "region.yml"
    path.write_text("authorities:\n  - {code: LA1, extract_dir: a, out_dir: o, out_dir: p}\n")
    with pytest.raises(ConfigError, match=r"not valid YAML at line 2: the key 'out_dir' is given twice"):
        load_region(path)
    path.write_bytes("authorities:\n  - {code: Caf\xe9}\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_region(path)


def test_an_authority_without_its_own_code_is_named_by_the_regional_file(tmp_path):
    """kpi_values' la rows and the manifest name the authority: with no authority.code in its configuration, the
    regional file's code, not the default LA; a configured code stays as configured."""
    from csc_compliance.pipeline import stages

    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n")
    ctx = stages.prepare("r1", str(drop), str(tmp_path / "out"), "2026-11-20", None, region_code="LA07")
    assert config_for_run(RunContext.from_dict(ctx)).authority_code == "LA07"
    named = tmp_path / "la.yml"
    named.write_text("authority: {code: LA7, name: Seven}\n")
    ctx = stages.prepare("r2", str(drop), str(tmp_path / "out2"), "2026-11-20", str(named), region_code="LA07")
    config = config_for_run(RunContext.from_dict(ctx))
    assert (config.authority_code, config.authority_name) == ("LA7", "Seven")


def test_an_authority_without_a_configured_code_is_named_by_its_manifest(tmp_path):
    """A single run whose configuration names no authority takes the code its extract's manifest.json names
    (kpi_values' la rows, the run manifest), not the default LA; with no manifest, the default."""
    from csc_compliance.pipeline import stages

    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n")
    ctx = stages.prepare("r1", str(drop), str(tmp_path / "out0"), "2026-11-20", None)
    assert config_for_run(RunContext.from_dict(ctx)).authority_code == "LA"
    (drop / "manifest.json").write_text(json.dumps({"as_at": "2026-11-20", "authority": "E09000033"}))
    ctx = stages.prepare("r2", str(drop), str(tmp_path / "out"), None, None)
    assert config_for_run(RunContext.from_dict(ctx)).authority_code == "E09000033"
