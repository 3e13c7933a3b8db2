"""Data Docs: written where asked, naming every rule, with relative links, and never holding a cell value
(names, dates of birth...) — neither in the rendered HTML nor in the stored validation results."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from csc_compliance.core.catalogue import rule_catalogue
from csc_compliance.quality import docs, run_quality_suites, runner
from quality_samples import CATALOGUE, DEPARTMENTS, PLANS, VISITS, D, build_warehouse

PLANTED = ["Zqxwvorth", "31/02/2019", "Qwyndolyn-Prax", "1899-07-14", "2031-05-05", "Sleepy-Maybe"]
PERSON = [
    {"pers_person_id": "P1", "pers_dob": "31/02/2019", "pers_forename": "Zqxwvorth"},   # bad date
    {"pers_person_id": "P1", "pers_dob": "1899-07-14", "pers_forename": "Qwyndolyn-Prax"},  # duplicate id
    {"pers_person_id": "P3", "pers_dob": "2031-05-05", "pers_forename": "Zqxwvorth"},   # future
    {"pers_person_id": None, "pers_dob": "2019-01-01", "pers_forename": "Zqxwvorth"},   # no id
]


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def docs_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quality_docs")
    visits = VISITS + [{"cppv_cp_visit_id": "V10", "cppv_person_id": "P1", "cppv_cp_plan_id": "CP1",
                        "cppv_cp_visit_seen": "Sleepy-Maybe"}]
    con = build_warehouse(tmp / "warehouse.duckdb", CATALOGUE, {
        "ssd_person": PERSON, "ssd_cp_plans": PLANS, "ssd_cp_visits": visits, "ssd_department": DEPARTMENTS})
    stored = []
    original = runner._validate

    def capture(*args, **kwargs):
        validation = original(*args, **kwargs)
        stored.append(json.dumps(validation.to_json_dict()))
        return validation

    mp = pytest.MonkeyPatch()
    mp.setattr(runner, "_validate", capture)
    try:
        result = run_quality_suites(con, CATALOGUE, D, tmp / "data_docs", "manual__2026-11-23T02:00:00+00:00")
    finally:
        mp.undo()
        con.close()
    return result, tmp / "data_docs", stored


def test_planted_rows_do_fail(docs_run):
    gaps = docs_run[0].gaps
    assert gaps.loc[gaps.rule_id == "PERS_DOB_VALID", "row_number"].tolist() == [1]
    assert gaps.loc[gaps.rule_id == "PERS_DOB_NOT_FUTURE", "row_number"].tolist() == [3]
    assert gaps.loc[gaps.rule_id == "PERS_ID_UNIQUE", "row_number"].tolist() == [1, 2]
    assert gaps.loc[gaps.rule_id == "CPV_SEEN_VALID", "row_number"].tolist() == [4, 9, 10]


def test_index_at_root_names_every_rule(docs_run):
    result, docs, _ = docs_run
    assert result.data_docs_index == docs / "index.html"
    html = result.data_docs_index.read_text(encoding="utf-8")
    for rule in CATALOGUE["rules"]:
        assert rule["id"] in html, rule["id"]
    assert "skipped: ssd_cin_episodes is absent from the extract" in html


def test_pages_for_each_validated_table(docs_run):
    docs = docs_run[1]
    for table in ("ssd_person", "ssd_cp_plans", "ssd_cp_visits", "ssd_department"):
        assert (docs / "expectations" / f"{table}.html").is_file()
        pages = list((docs / "validations" / table).rglob("*.html"))
        assert len(pages) == 1, pages
    person_page = next((docs / "validations" / "ssd_person").rglob("*.html")).read_text(encoding="utf-8")
    for rule_id in ("PERS_ID_REQUIRED", "PERS_ID_UNIQUE", "PERS_DOB_VALID", "PERS_DOB_NOT_FUTURE"):
        assert rule_id in person_page


def test_no_planted_value_in_any_data_docs_file(docs_run):
    docs = docs_run[1]
    files = _files(docs)
    assert files
    for path in files:
        data = path.read_bytes()
        for value in PLANTED:
            assert value.encode() not in data, f"{value} found in {path.relative_to(docs)}"


def test_no_planted_value_in_stored_validation_results(docs_run):
    stored = docs_run[2]
    assert len(stored) == 4
    for text in stored:
        assert '"unexpected_index_list"' in text
        for value in PLANTED:
            assert value not in text
        assert "partial_unexpected_list" not in text and '"unexpected_list"' not in text


def test_links_are_relative_and_no_machine_paths(docs_run):
    docs = docs_run[1]
    root = str(docs.resolve())
    for path in _files(docs):
        if path.suffix not in (".html", ".css", ".js", ".json"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert root not in text and "file://" not in text, path
        assert str(docs.parent) not in text, path
    index = (docs / "index.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="([^"]+)"', index):
        assert not href.startswith("/"), href


def _tree(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in _files(root)}


def test_every_run_stays_listed_until_past_retention(tmp_path):
    """Each run adds its validation pages and results; earlier runs' stay (carried into each run's build
    without changing the published files) until their reporting date is past the retention."""
    con = build_warehouse(tmp_path / "w.duckdb", CATALOGUE, {"ssd_department": DEPARTMENTS,
                                                             "ssd_person": PERSON})
    published = tmp_path / "published"
    try:
        for day, run in ((dt.date(2024, 11, 1), "oldest"), (D - dt.timedelta(days=1), "first"), (D, "second")):
            build = tmp_path / f"build-{run}"
            docs.carry_forward(published, build)
            before = _tree(published) if published.exists() else {}
            run_quality_suites(con, CATALOGUE, day, build, run, retention_days=730)
            assert (_tree(published) if published.exists() else {}) == before, "published site changed"
            if published.exists():
                shutil.rmtree(published)
            build.rename(published)
    finally:
        con.close()
    runs = sorted(p.name for p in (published / "validations" / "ssd_department").iterdir())
    assert runs == [f"{D - dt.timedelta(days=1)}_first", f"{D}_second"]
    index = (published / "index.html").read_text(encoding="utf-8")
    assert f"{D}_second" in index and f"{D - dt.timedelta(days=1)}_first" in index and "oldest" not in index
    results = sorted((published / docs.RESULTS_FOLDER).rglob("*.json"))
    assert {p.relative_to(published / docs.RESULTS_FOLDER).parts[1] for p in results} == {
        f"{D - dt.timedelta(days=1)}_first", f"{D}_second"}
    for path in results:   # counts kept, failing row numbers and values not
        stored = json.loads(path.read_text(encoding="utf-8"))
        assert all("unexpected_index_list" not in (r.get("result") or {}) for r in stored["results"])
        assert any((r.get("result") or {}).get("unexpected_count") for r in stored["results"]) or \
            "ssd_department" in str(path)
        for value in PLANTED:
            assert value not in path.read_text(encoding="utf-8")


def test_real_catalogue_runs(tmp_path):
    """Every rule of the shipped catalogue runs (one row per table) and is named in Data Docs."""
    catalogue = rule_catalogue()   # as loaded: the generic rules expanded from the tables
    data = {}
    for table, spec in catalogue["tables"].items():
        row = {}
        for column, col_spec in spec["columns"].items():
            kind = col_spec.get("type")
            row[column] = {"date": "2020-01-01", "due_date": "2020-01-01", "flag": "Y",
                           "json": '{"CP_CONFERENCE_FLAG":"Y"}'}.get(kind, "X1")
        data[table] = [row]
    # columns with a code list hold a valid code
    data["ssd_cin_episodes"][0]["cine_cin_primary_need_code"] = "N1"
    data["ssd_cp_plans"][0]["cppl_cp_plan_initial_category"] = "Neglect"
    data["ssd_cla_placement"][0]["clap_cla_placement_type"] = "U1"
    con = build_warehouse(tmp_path / "w.duckdb", catalogue, data)
    try:
        result = run_quality_suites(con, catalogue, dt.date(2026, 11, 23), tmp_path / "dd", "r1")
    finally:
        con.close()
    html = result.data_docs_index.read_text(encoding="utf-8")
    for rule in catalogue["rules"]:
        assert rule["id"] in html
    # each departure from the SSD YAML's validators is on the auditors' front page, with its reason
    assert "SSD overrides" in html and catalogue["overrides"]
    for override in catalogue["overrides"]:
        assert override["reason"] in html.replace("&#39;", "'"), override
    assert all(s["status"] != "skipped" for s in result.suites)
    # every reference points at "X1", which every parent key holds: no gaps at all
    assert result.gaps.empty, result.gaps
