"""End to end: the nightly DAG, in-process through the CLI, on a generated extract. Asserts the planted
outcomes, every output of the contract, the routing of workbooks, and that a failed run publishes nothing."""
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

pytestmark = pytest.mark.e2e
AS_AT = "2026-11-20"
CONFIG = Path(__file__).resolve().parents[2] / "demo" / "config.yml"
CLI = [sys.executable, "-m", "csc_compliance.cli.main"]


AIRFLOW_HOME = None  # set by the fixture: this module's own Airflow home


def cli(*args):
    env = {**os.environ, "CSC_AIRFLOW_HOME": str(AIRFLOW_HOME)} if AIRFLOW_HOME else None
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=900, env=env)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def tree_digest(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and "logs" not in p.parts}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    global AIRFLOW_HOME
    root = tmp_path_factory.mktemp("e2e")
    AIRFLOW_HOME = root / "airflow"
    extract, out = root / "extract", root / "out"
    gen = cli("generate", "--profile", "demo", "--seed", "7", "--as-at", AS_AT, "--out", str(extract))
    assert gen.returncode == 0, gen.stderr
    result = cli("run", "--extract", str(extract), "--as-at", AS_AT, "--out", str(out), "--config", str(CONFIG))
    assert result.returncode == 0, result.stderr + result.stdout
    return {"root": root, "extract": extract, "out": out, "result": result,
            "planted": json.loads((extract / "_planted.json").read_text())}


def test_every_contract_output_exists(run):
    out = run["out"]
    for rel in ("warehouse.duckdb", "history.duckdb", "exceptions/exceptions.csv", "kpis/kpi_values.csv",
                "dq/recording_gaps.csv", "data_docs/index.html", "run_manifest.json"):
        assert (out / rel).is_file(), rel
    header = next(csv.reader(open(out / "exceptions/exceptions.csv")))
    assert header[:13] == ["kpi_id", "person_id", "record_id", "worker_id", "team_id", "area_id", "lead", "status",
                           "flag", "due_date", "days_overdue", "working_days_overdue", "first_seen_date"]
    assert next(csv.reader(open(out / "kpis/kpi_values.csv"))) == [
        "kpi_id", "level", "unit_id", "unit_name", "numerator", "denominator", "value", "note"]
    assert next(csv.reader(open(out / "dq/recording_gaps.csv"))) == [
        "rule_id", "severity", "table", "row_number", "record_id", "person_id", "column", "message", "worker_id",
        "team_id", "area_id", "lead"]
    assert not (out / ".csc-build").exists()


def test_planted_outcomes(run):
    rows = {(r["kpi_id"], r["record_id"]): r for r in read_csv(run["out"] / "exceptions/exceptions.csv")}
    planted = run["planted"]
    assert {"ASSESS_45WD", "CP_VISIT", "NO_CURRENT_PLAN"} <= {p["kpi_id"] for p in planted}
    assert len(planted) >= 100
    for p in planted:
        got = rows.get((p["kpi_id"], p["record_id"]))
        if p["status"] == "none":
            assert got is None, p
            continue
        assert got is not None, p
        assert got["status"] == p["status"], (p, got)
        assert got["due_date"] == (p["due_date"] or ""), (p, got)
        if p.get("days_overdue") is not None:
            assert int(got["days_overdue"]) == p["days_overdue"], (p, got)
        for key in ("worker_id", "team_id", "area_id"):
            if p.get(key):
                assert got[key] == p[key], (key, p, got)
        assert got["first_seen_date"] == AS_AT


def test_each_lead_workbook_holds_only_that_leads_rows(run):
    out = run["out"]
    exceptions = read_csv(out / "exceptions/exceptions.csv")
    manifest = json.loads((out / "run_manifest.json").read_text())
    assert {"Lead North", "Lead South & East"} <= set(manifest["workbooks"])
    for lead, info in manifest["workbooks"].items():
        wb = openpyxl.load_workbook(out / info["file"], read_only=True)
        seen = set()
        for ws in wb.worksheets:
            if ws.title in ("Summary", "Recording gaps"):
                continue
            header = [c.value for c in next(ws.iter_rows(max_row=1))]
            for row in ws.iter_rows(min_row=2, values_only=True):
                seen.add((ws.title, row[header.index("record_id")]))
        expected = {(r["kpi_id"], r["record_id"]) for r in exceptions if r["lead"] == lead}
        assert seen == expected, lead


def test_progress_on_the_terminal_and_library_logs_in_the_file(run):
    result = run["result"]
    assert "[3/5] transform" in result.stdout and "Run complete" in result.stdout
    assert "START sql table model" not in result.stdout + result.stderr
    logs = list((run["out"] / "logs").glob("run-*.log"))
    assert logs and "START sql table model" in logs[0].read_text()


def test_kpi_values_cover_every_level(run):
    rows = read_csv(run["out"] / "kpis/kpi_values.csv")
    la = {r["kpi_id"]: r for r in rows if r["level"] == "la"}
    assert set(la) >= {"ASSESS_45WD_RATE", "CP_VISIT_RATE"}
    cp = la["CP_VISIT_RATE"]
    assert 0 < int(cp["numerator"]) < int(cp["denominator"])
    assert float(cp["value"]) == pytest.approx(int(cp["numerator"]) / int(cp["denominator"]))
    assert {r["level"] for r in rows if r["kpi_id"] == "CP_VISIT_RATE"} == {"la", "area", "team", "worker"}


def test_a_failed_run_leaves_the_published_outputs_exactly_as_they_were(run):
    out, bad = run["out"], run["root"] / "bad_extract"
    before = tree_digest(out)
    shutil.copytree(run["extract"], bad)
    person = bad / "ssd_person.csv"
    lines = person.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].rstrip(b"\r\n") + b",surplus\n"
    person.write_bytes(b"".join(lines))
    result = cli("run", "--extract", str(bad), "--as-at", AS_AT, "--out", str(out), "--config", str(CONFIG))
    assert result.returncode != 0
    assert "ssd_person.csv" in result.stderr and "row 3" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert tree_digest(out) == before


def test_no_personal_data_outside_the_warehouse_and_workbooks(run):
    """docs/contract.md#personal-data: personal data may reach only the warehouse and each lead's own workbook.
    Names, UPNs, NHS numbers and postcodes of the extract appear in no other output: CSVs, Data Docs, dbt docs, history,
    manifest, logs."""
    extract, out = run["extract"], run["out"]
    people = read_csv(extract / "ssd_person.csv")
    values = set()
    for row in people:
        for col in ("pers_forename", "pers_surname", "pers_upn", "pers_single_unique_id", "pers_common_child_id"):
            if len(row.get(col) or "") >= 4:
                values.add(row[col])
    placements = extract / "ssd_cla_placement.csv"
    if placements.exists():
        values |= {r["clap_cla_placement_postcode"] for r in read_csv(placements)
                   if len(r.get("clap_cla_placement_postcode") or "") >= 5}
    assert len(values) > 100
    needles = [v.encode() for v in values]
    checked = 0
    for path in out.rglob("*"):
        if not path.is_file() or path.name == "warehouse.duckdb" or path.suffix == ".xlsx":
            continue
        data = path.read_bytes()
        leaked = [n.decode() for n in needles if n in data]
        assert not leaked, f"{path.relative_to(out)} holds personal data: {leaked[:3]}"
        checked += 1
    assert checked > 20
    terminal = (run["result"].stdout + run["result"].stderr).encode()
    assert not [n for n in needles if n in terminal], "the terminal output holds personal data"


def test_no_date_of_birth_beside_its_child_outside_the_warehouse_and_workbooks(run):
    """A date of birth (expected birth and death too) is personal only beside whom it belongs to (a bare date
    may be any due date): no text output holds a child's date of birth, in any format the extract gave it, near
    that child's id."""
    import re

    births = {}   # person id -> their dates of birth, expected birth and death, in each spelling
    expected = 0
    for row in read_csv(run["extract"] / "ssd_person.csv"):
        for column in ("pers_dob", "pers_expected_dob", "pers_death_date"):
            if row.get(column):
                y, m, d = row[column][:10].split("-")
                births.setdefault(row["pers_person_id"], set()).update({row[column], f"{d}/{m}/{y}", f"{y}{m}{d}"})
                expected += column == "pers_expected_dob"
    assert len(births) > 1000 and expected > 50
    checked = 0
    for path in run["out"].rglob("*"):
        if not path.is_file() or path.suffix not in (".csv", ".json", ".html", ".log", ".txt", ".md"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for token in re.finditer(r"[A-Za-z0-9_-]+", text):
            dob = births.get(token.group())
            if dob:
                near = text[max(token.start() - 200, 0):token.end() + 200]
                assert not any(f in near for f in dob), f"{path.relative_to(run['out'])}: a date of birth " \
                                                        f"beside person {token.group()}"
                checked += 1
    assert checked > 500      # person ids are in the CSVs: the check did look beside them


def test_same_inputs_give_byte_identical_csv_outputs(run):
    """Determinism: the same extract, reporting date and configuration give the same bytes."""
    again = run["root"] / "again"
    result = cli("run", "--extract", str(run["extract"]), "--as-at", AS_AT, "--out", str(again), "--config",
                 str(CONFIG))
    assert result.returncode == 0, result.stderr
    for rel in ("exceptions/exceptions.csv", "kpis/kpi_values.csv", "dq/recording_gaps.csv"):
        assert (again / rel).read_bytes() == (run["out"] / rel).read_bytes(), rel
    books = sorted(p.name for p in (run["out"] / "exceptions").glob("*.xlsx"))
    assert books and books == sorted(p.name for p in (again / "exceptions").glob("*.xlsx"))
    for name in books:    # workbooks: the same sheets, cells, values and number formats
        assert workbook_content(again / "exceptions" / name) == workbook_content(run["out"] / "exceptions" / name), name


def workbook_content(path):
    book = openpyxl.load_workbook(path)
    return {ws.title: [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


PLANTED_KIND_TO_RULE_KIND = {
    "duplicate_key": "unique", "future_date": "not_future", "unknown_flag": "valid_flag",
    "broken_reference": "references", "required_empty": "required", "unparseable_date": "valid_date",
    "end_before_start": "not_before", "supervision_recorded_late": "SUPV_RECORDED_WITHIN_5WD",
    "icpc_without_s47": "ICPC_HAS_S47", "icpc_on_weekend": "ICPC_NOT_ON_WEEKEND",
    "cin_plan_open_with_cp": "CINP_NOT_ALONGSIDE_CP_OR_CARE",
}


def test_every_planted_recording_gap_is_found_by_the_right_rule_on_the_right_row(run, tmp_path):
    import datetime as dt

    from csc_compliance.core.catalogue import rule_catalogue
    from csc_compliance.generate import generate_extract

    # the same seed, profile and date regenerate the same extract, with the generator's list of planted gaps
    planted = generate_extract(profile="demo", seed=7, as_at=dt.date.fromisoformat(AS_AT), out_dir=tmp_path / "x").gaps
    kinds = {r["id"]: r["kind"] for r in rule_catalogue()["rules"]}
    found = {}
    for g in read_csv(run["out"] / "dq/recording_gaps.csv"):
        found.setdefault((g["table"], int(g["row_number"]), g["column"]), set()).add(g["rule_id"])
    assert len(planted) > 100
    for gap in planted:
        rules = found.get((gap["table"], gap["row_number"], gap["column"]), set())
        want = PLANTED_KIND_TO_RULE_KIND[gap["kind"]]
        assert any(r == want or kinds[r] == want for r in rules), (gap["kind"], gap["table"], gap["row_number"], rules)
    # and nothing is reported that was not planted
    planted_places = {(g["table"], g["row_number"], g["column"]) for g in planted}
    extra = set(found) - planted_places
    assert not extra, sorted(extra)[:10]


def test_each_run_leaves_its_manifest_for_auditors(run):
    """data_docs/runs holds one manifest per successful run, carried forward by later runs."""
    manifests = sorted((run["out"] / "data_docs" / "runs").glob("*.json"))
    assert manifests, "no run manifest"
    latest = json.loads((run["out"] / "run_manifest.json").read_text())
    assert any(json.loads(m.read_text())["run_id"] == latest["run_id"] for m in manifests)
    assert latest["rule_catalogue"]["version"] and latest["config"]["sha256"]
    assert {t["table"] for t in latest["extract"]["tables"] if t["present"]} >= {"ssd_person", "ssd_cp_plans"}
    assert all(t["sha256"] for t in latest["extract"]["tables"] if t["present"])
    assert [s["stage"] for s in latest["stages"]] == ["prepare", "land", "transform", "validate", "publish"]
    assert all(s["seconds"] > 0 and s["peak_rss_mb"] > 50 for s in latest["stages"])
    assert any(n["unique_id"].endswith("fct_exceptions") and n["status"] == "success" for n in latest["dbt"])


def test_leads_summary_page_draws_in_headless_chromium(run):
    """The published summary page, opened as a lead would: no console error, a bar chart for each measure
    with open exceptions (one bar segment per team and status listed), a trend point for the night."""
    from headless_chromium import open_page
    from summary_page_helpers import MEASURE_CHARTS, sections_by_id

    report = open_page(run["out"] / "exceptions" / "summary.html", MEASURE_CHARTS)
    assert report["errors"] == []
    sections = sections_by_id(report)
    segments = {}
    for row in read_csv(run["out"] / "exceptions/exceptions.csv"):
        segments.setdefault(row["kpi_id"], set()).add((row["team_id"], row["status"]))
    assert segments
    for kpi_id, charts in sections.items():
        bars = [c for c in charts if c["kind"] == "bars"]
        if kpi_id in segments:
            assert bars and bars[0]["width"] > 0 and bars[0]["rects"] == len(segments[kpi_id]), kpi_id
        else:
            assert not bars, kpi_id
        assert charts[-1]["kind"] == "trend" and charts[-1]["points"] == 1, kpi_id
