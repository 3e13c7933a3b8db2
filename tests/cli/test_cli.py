"""The command line's own bad input: a clear message, no traceback, nothing written to the outputs."""
import subprocess
import sys

CLI = [sys.executable, "-m", "csc_compliance.cli.main"]


def run(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def test_missing_extract_folder(tmp_path):
    r = run("run", "--extract", str(tmp_path / "nope"), "--as-at", "2026-11-20", "--out", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "does not exist" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_impossible_reporting_date(tmp_path):
    r = run("run", "--extract", str(tmp_path), "--as-at", "2026-02-30", "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "not a real date" in r.stderr and "Traceback" not in r.stderr


def test_bad_configuration_names_the_key(tmp_path):
    cfg = tmp_path / "c.yml"
    cfg.write_text("local_standards:\n  cp_visit: {every: 10, unit: fortnights}\n")
    (tmp_path / "ssd_person.csv").write_text("pers_person_id\n")
    r = run("run", "--extract", str(tmp_path), "--as-at", "2026-11-20", "--out", str(tmp_path / "out"),
            "--config", str(cfg))
    assert r.returncode == 1
    assert "local_standards.cp_visit.unit" in r.stderr and "fortnights" in r.stderr
    assert "Traceback" not in r.stderr


def test_table_given_twice_is_refused_before_anything_runs(tmp_path):
    (tmp_path / "ssd_person.csv").write_text("pers_person_id,pers_dob\n")
    (tmp_path / "ssd_person.parquet").write_bytes(b"")
    r = run("run", "--extract", str(tmp_path), "--as-at", "2026-11-20", "--out", str(tmp_path / "out"))
    assert r.returncode == 1 and "given twice" in r.stderr


def test_help_lists_both_commands():
    r = run("--help")
    assert r.returncode == 0 and "run" in r.stdout and "generate" in r.stdout


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("csc-compliance ")


def test_run_with_nothing_to_run_on_prints_its_usage():
    r = run("run")
    assert r.returncode == 2
    assert r.stderr.startswith("usage: csc-compliance run") and "give --extract and --out (or --region)" in r.stderr


def test_run_help_says_which_options_are_required():
    r = run("run", "--help")
    assert r.returncode == 0 and " ".join(r.stdout.split()).count("required unless --region") == 2


def test_generate_lists_every_profile_and_defaults_to_today():
    from csc_compliance.cli.generate import _today_in_london
    from csc_compliance.cli.main import build_parser
    from csc_compliance.generate.profiles import PROFILES

    r = run("generate", "--help")
    assert all(name in r.stdout for name in [*PROFILES, "region"])
    assert build_parser().parse_args(["generate", "--out", "x"]).as_at is None   # filled with today when run
    assert len(_today_in_london()) == 10
    bad = run("generate", "--profile", "huge", "--out", "x")
    assert bad.returncode == 2 and "invalid choice: 'huge'" in bad.stderr
