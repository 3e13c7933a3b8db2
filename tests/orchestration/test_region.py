"""A regional group: authorities run as mapped task groups of the same DAG, each into its own warehouse and
output folder, and no child of one authority reaches another's outputs. One failing authority does not
stop the others, and its published outputs stay as they were."""
import csv
import subprocess
import sys

import pytest

from csc_compliance.generate.region import generate_region

pytestmark = pytest.mark.e2e
AS_AT = "2026-11-20"


def people(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return {r["pers_person_id"] for r in csv.DictReader(fh) if r["pers_person_id"]}


def listed(path, column="person_id"):
    with open(path, newline="", encoding="utf-8") as fh:
        return {r[column] for r in csv.DictReader(fh) if r[column]}


@pytest.fixture(scope="module")
def region_run(tmp_path_factory):
    import datetime as dt

    root = tmp_path_factory.mktemp("region")
    region = generate_region(root / "drop", root / "out", profile="demo", authorities=3, seed=5,
                             as_at=dt.date.fromisoformat(AS_AT))
    # the third authority's extract is refused (a required column missing): the others still publish
    person = root / "drop" / "LA03" / "ssd_person.csv"
    lines = person.read_text(encoding="utf-8-sig").splitlines()
    person.write_text("\n".join(line.split(",", 1)[1] for line in lines) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "csc_compliance.cli.main", "run", "--region", str(region)],
                            capture_output=True, text=True, timeout=900,
                            env={**__import__("os").environ, "CSC_AIRFLOW_HOME": str(root / "airflow")})
    return root, result


def test_each_authority_publishes_into_its_own_folder(region_run):
    root, result = region_run
    assert result.returncode == 1                      # one authority failed: the run says so
    assert "LA03" in result.stderr and "FAILED" in result.stderr and "pers_person_id" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for code in ("LA01", "LA02"):
        out = root / "out" / code
        assert (out / "warehouse.duckdb").is_file() and (out / "exceptions" / "exceptions.csv").is_file()
    assert not (root / "out" / "LA03" / "exceptions").exists()     # nothing published for the failed one
    assert not (root / "out" / "LA03" / ".csc-build").exists()


def test_no_child_crosses_an_authority_boundary(region_run):
    root, _ = region_run
    own = {code: people(root / "drop" / code / "ssd_person.csv") for code in ("LA01", "LA02")}
    for code, other in (("LA01", "LA02"), ("LA02", "LA01")):
        out = root / "out" / code
        only_other = own[other] - own[code]
        exceptions = listed(out / "exceptions/exceptions.csv")
        assert exceptions and exceptions <= own[code]
        gaps = listed(out / "dq/recording_gaps.csv")     # may name people missing from ssd_person (broken links)
        assert gaps and not gaps & only_other
        assert not exceptions & only_other
        import duckdb

        con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
        landed = {r[0] for r in con.execute("SELECT pers_person_id FROM raw.ssd_person "
                                            "WHERE pers_person_id IS NOT NULL").fetchall()}
        con.close()
        assert landed == own[code]


def test_every_progress_line_of_a_regional_run_names_its_authority(region_run):
    _, result = region_run
    stage_lines = [line for line in result.stdout.splitlines() if "[" in line and "/5]" in line]
    assert stage_lines
    for line in stage_lines:
        assert any(f" {code}: [" in line for code in ("LA01", "LA02", "LA03")), line
    assert any(" LA03: [1/5] prepare" in line for line in stage_lines)


def test_each_authority_has_its_own_log_holding_none_of_the_others_task_lines(region_run):
    root, result = region_run
    codes = ("LA01", "LA02", "LA03")
    logs = {code: list((root / "out" / code / "logs").glob("run-*.log")) for code in codes}
    assert all(len(found) == 1 for found in logs.values()), logs
    text = {code: found[0].read_text() for code, found in logs.items()}
    for code in codes:
        assert f"{code}: [2/5] land ..." in text[code]
        assert not [other for other in codes if other != code and f"{other}: [" in text[code]], code
        assert str(logs[code][0]) in result.stdout + result.stderr   # the run says where each log is
    # the failed authority's log ends with why it failed, as the terminal said it
    assert text["LA03"].rstrip().splitlines()[-1].startswith("csc-compliance: run failed for LA03:")
