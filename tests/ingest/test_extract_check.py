"""`csc-compliance check`: everything that would stop a run, found in one pass without Airflow, dbt or Great
Expectations, each problem named by file, column and line as an editor shows it; `run` checks the same
first, so a broken extract is refused before anything starts, with every problem listed."""
import json
import subprocess
import sys

import yaml

from csc_compliance.ingest.check import check_extract
from extract_builder import write_extract

CLI = [sys.executable, "-m", "csc_compliance.cli.main"]
VISITS = [{"cinv_cin_visit_id": f"V{n}", "cinv_person_id": "P1", "cinv_cin_visit_date": "2026-10-01",
           "cinv_cin_visit_seen": "Y"} for n in range(1, 121)]


def cli(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def extract(tmp_path):
    folder = write_extract(tmp_path / "extract", {"ssd_cin_visits": VISITS}, as_at="2026-11-20")
    return folder


def break_three_tables(folder):
    lines = (folder / "ssd_cin_visits.csv").read_text().split("\n")
    lines[100] += ",surplus"                                           # data row 100, line 101
    (folder / "ssd_cin_visits.csv").write_text("\n".join(lines))
    header, *rest = (folder / "ssd_cp_plans.csv").read_text().split("\n")
    (folder / "ssd_cp_plans.csv").write_text("\n".join([header.replace("cppl_cp_plan_start_date,", "")] + rest))
    (folder / "ssd_department.csv").write_bytes((folder / "ssd_department.csv").read_bytes() + b"T9,Caf\xe9,A1,North\n")


def test_a_clean_extract_is_ready(tmp_path):
    r = cli("check", "--extract", str(extract(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert "is ready to run" in r.stdout


def test_three_broken_tables_are_all_listed_in_one_check(tmp_path):
    folder = extract(tmp_path)
    break_three_tables(folder)
    r = cli("check", "--extract", str(folder))
    assert r.returncode == 1
    assert "3 problems" in r.stderr
    assert "file ssd_cin_visits.csv, line 101 (data row 100): the row has" in r.stderr
    assert "file ssd_cp_plans.csv, column cppl_cp_plan_start_date: required column missing" in r.stderr
    assert "file ssd_department.csv, line 5 (data row 4): the file is not UTF-8 text" in r.stderr
    assert "Traceback" not in r.stderr


def test_run_refuses_every_problem_before_anything_starts(tmp_path):
    folder = extract(tmp_path)
    break_three_tables(folder)
    r = cli("run", "--extract", str(folder), "--as-at", "2026-11-20", "--out", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "3 problems" in r.stderr and "ssd_cp_plans.csv" in r.stderr and "ssd_department.csv" in r.stderr
    assert not (tmp_path / "out").exists()                            # no output folder, no lock, no log


def test_a_row_spanning_lines_is_named_by_the_line_it_starts_on(tmp_path):
    visits = [dict(v, cinv_cin_visit_id=f"V{n}\nsecond line") if n < 10 else v for n, v in enumerate(VISITS)]
    folder = write_extract(tmp_path / "extract", {"ssd_cin_visits": visits})
    lines = (folder / "ssd_cin_visits.csv").read_text().split("\n")
    # rows 1-10 (ids V0..V9 hold a line break) span two lines each: data row 49 starts on line 60, not 50
    assert lines[59].startswith("V49,")
    lines[59] += ",surplus"
    (folder / "ssd_cin_visits.csv").write_text("\n".join(lines))
    (problem,) = check_extract(folder)
    assert problem.row == 49 and problem.line == 60
    assert "line 60 (data row 49)" in str(problem)


def test_configuration_and_manifest_problems_are_listed_with_the_files(tmp_path):
    folder = extract(tmp_path)
    break_three_tables(folder)
    (folder / "manifest.json").write_text(json.dumps({"as_at": "2026-11-20", "authority": "OTHER"}))
    config = tmp_path / "config.yml"
    config.write_text(yaml.safe_dump({"authority": {"code": "TEST", "name": "Test"}, "strategic_leads": [
        {"name": "Lead", "area_id": "A1", "workbook_password_env": "CSC_TEST_UNSET_PASSWORD_VARIABLE"}]}))
    problems = [str(p) for p in check_extract(folder, str(config))]
    assert len(problems) == 5, problems
    assert "CSC_TEST_UNSET_PASSWORD_VARIABLE" in problems[0]
    assert "OTHER" in problems[1]


def test_a_missing_folder_is_one_problem(tmp_path):
    (problem,) = check_extract(tmp_path / "nope")
    assert "does not exist" in str(problem)
