"""The catalogues are the single source of truth: every measure has its model, docs and tests; every
catalogue table has its staging model with the same columns; every model is documented."""
import re
from pathlib import Path

import yaml

from csc_compliance.core.catalogue import DBT_PROJECT_DIR, all_measures, measure_catalogue, rule_catalogue, tables

MODELS = DBT_PROJECT_DIR / "models"


# the pipeline-level tests of the measures
MEASURE_TESTS = Path(__file__).resolve().parents[1] / "measures"


def documented_models() -> dict[str, dict]:
    docs = {}
    for path in MODELS.rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            docs[model["name"]] = model
    return docs


def model_files() -> dict[str, Path]:
    return {p.stem: p for p in MODELS.rglob("*") if p.suffix in (".sql", ".py")}


def test_every_model_is_documented_with_its_columns():
    docs = documented_models()
    for name in model_files():
        assert name in docs, f"{name} has no YAML doc"
        assert docs[name].get("description"), f"{name} has no description"
        assert docs[name].get("columns"), f"{name} documents no columns"


def test_every_exception_measure_has_its_model_and_a_test():
    tests = " ".join(p.read_text() for p in MEASURE_TESTS.glob("test_*.py"))
    docs = documented_models()
    for kpi_id, spec in measure_catalogue()["exception_measures"].items():
        model = f"int_measure_{kpi_id.lower()}"
        assert model in model_files(), model
        assert kpi_id in model_files()[model].read_text(), f"{model} does not name {kpi_id}"
        assert kpi_id in docs[model]["description"]
        assert spec.get("statute") and spec.get("requires")
        assert f'"{kpi_id}"' in tests, f"no test names {kpi_id}"


def test_every_rate_measure_is_computed_and_tested():
    """Each rate has its own model, found from its id (rates/<id>/int_rate_<id>.sql), unioned by int_rate_items."""
    union = (MODELS / "intermediate" / "int_rate_items.sql").read_text()
    tests = " ".join(p.read_text() for p in MEASURE_TESTS.glob("test_*.py"))
    rates = measure_catalogue()["rate_measures"]
    for kpi_id in rates:
        model = f"int_rate_{kpi_id.lower()}"
        path = MODELS / "intermediate" / "rates" / kpi_id.lower() / f"{model}.sql"
        assert path.exists(), path
        assert f"'{kpi_id}' as kpi_id" in path.read_text() or f"'{kpi_id}'" in path.read_text(), (
            f"{model} does not name {kpi_id}")
        assert f"ref('{model}')" in union, f"int_rate_items does not union {model}"
        assert kpi_id in tests, f"no test names {kpi_id}"
    assert {p.parent.name for p in (MODELS / "intermediate" / "rates").glob("*/int_rate_*.sql")} == {
        k.lower() for k in rates}


def test_each_measure_is_laid_out_in_its_own_folder():
    """From an id to its model, its YAML doc and its unit tests in one step: measures/<id>/."""
    for kpi_id in measure_catalogue()["exception_measures"]:
        folder = MODELS / "intermediate" / "measures" / kpi_id.lower()
        model = f"int_measure_{kpi_id.lower()}"
        assert (folder / f"{model}.sql").exists() and (folder / f"{model}.yml").exists(), folder
        units = yaml.safe_load((folder / "unit_tests.yml").read_text())["unit_tests"]
        assert units, f"{kpi_id} has no dbt unit test beside its model"
    shared = {p.stem for p in (MODELS / "intermediate").glob("int_measure_*.sql")}
    assert shared == {"int_measure_items", "int_measure_availability"}, shared


def test_staging_models_read_every_catalogue_column():
    for table, spec in tables().items():
        sql = (MODELS / "staging" / f"stg_{table}.sql").read_text()
        read = re.findall(r"\('(\w+)'\) \}\} as (\w+)", sql)
        assert [c for c, _ in read] == list(spec["columns"]), table


def test_staging_reads_links_and_json_by_their_rules():
    """A link column with a `references` rule is read by csc_ref (null when it names no row), and only those;
    a JSON column is read by csc_json and has a valid_json rule: the suites and the measures read one rule."""
    from csc_compliance.pipeline.dbt_build import reference_rules

    rules = rule_catalogue()["rules"]
    links = reference_rules()
    json_rules = {(r["table"], r["column"]) for r in rules if r["kind"] == "valid_json"}
    for table, spec in tables().items():
        sql = (MODELS / "staging" / f"stg_{table}.sql").read_text()
        assert set(re.findall(r"csc_ref\('(\w+)'\)", sql)) == set(links.get(table, {})), table
        json_columns = {c for c, s in spec["columns"].items() if s.get("type") == "json"}
        assert set(re.findall(r"csc_json\('(\w+)'\)", sql)) == json_columns, table
        assert {c for t, c in json_rules if t == table} == json_columns, table
    assert links["ssd_cp_visits"]["cppv_cp_plan_id"] == [["ssd_cp_plans", "cppl_cp_plan_id", "CPV_PLAN_EXISTS"]]


def test_rules_name_catalogue_tables_and_columns():
    cat = rule_catalogue()
    ids = [r["id"] for r in cat["rules"]]
    assert len(ids) == len(set(ids))
    for rule in cat["rules"]:
        assert rule["column"] in cat["tables"][rule["table"]]["columns"], rule["id"]
        assert rule["severity"] in ("error", "warning") and rule["description"] and rule["why"]


def test_generated_reference_pages_are_current():
    """docs/*.md are generated from the catalogues:
    regenerate with `python -m csc_compliance.devtools.reference_docs`."""
    from csc_compliance.devtools.reference_docs import PAGES, PROJECT_DIR

    for name, build in PAGES.items():
        assert (PROJECT_DIR / name).read_text(encoding="utf-8") == build(), f"{name} is stale"


def test_measure_model_docs_are_generated_from_the_catalogue():
    """Each measure's dbt YAML doc is written from measures.yml, never by hand: regenerate with
    `python -m csc_compliance.devtools.reference_docs`. A hand edit, a stale file or a stray one fails here."""
    from csc_compliance.devtools.model_docs import model_docs

    docs = model_docs()
    for path, text in docs.items():
        assert path.exists() and path.read_text(encoding="utf-8") == text, f"{path.relative_to(MODELS)} is stale"
    on_disk = set((MODELS / "intermediate" / "measures").glob("*/int_measure_*.yml")) | set(
        (MODELS / "intermediate" / "rates").glob("*/int_rate_*.yml"))
    assert on_disk == set(docs), sorted(str(p) for p in on_disk ^ set(docs))
    description = documented_models()["int_measure_cp_visit"]["description"]
    assert "docs/measures.md#cp_visit" in description and "Open CP plans" in description


def test_every_exception_measure_has_a_dbt_unit_test():
    for kpi_id in measure_catalogue()["exception_measures"]:
        folder = MODELS / "intermediate" / "measures" / kpi_id.lower()
        tested = {u["model"] for u in yaml.safe_load((folder / "unit_tests.yml").read_text())["unit_tests"]}
        model = f"int_measure_{kpi_id.lower()}"
        # ASSESS_45WD's due date is computed (and unit-tested) in int_assessments
        assert model in tested or (kpi_id == "ASSESS_45WD" and "int_assessments" in tested), kpi_id


def test_every_key_date_flag_and_json_column_has_its_rules():
    """The bad values of docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run, for every column the
    catalogue reads: a key shared by two rows, an unreadable or future date (due, target and expected dates exempt
    from the second), an unknown flag, malformed JSON."""
    have = {(r["table"], r["column"], r["kind"]) for r in rule_catalogue()["rules"]}
    kinds = {"date": ("valid_date", "not_future"), "due_date": ("valid_date",), "flag": ("valid_flag",),
             "json": ("valid_json",)}
    missing = []
    for table, spec in tables().items():
        if spec.get("key") and (table, spec["key"], "unique") not in have:
            missing.append((table, spec["key"], "unique"))
        for column, c in spec["columns"].items():
            missing += [(table, column, k) for k in kinds.get(c["type"], ()) if (table, column, k) not in have]
        assert not any((table, c, "not_future") in have for c, cs in spec["columns"].items()
                       if cs["type"] == "due_date"), table
    assert not missing, missing


def test_the_calendar_reaches_back_to_every_staging_date():
    """int_earliest_date reads every staging model (its date columns are found when it runs), so that no date a
    measure counts working days from falls before int_calendar's first day."""
    sql = (MODELS / "intermediate" / "int_earliest_date.sql").read_text()
    staging = {p.stem for p in (MODELS / "staging").glob("stg_*.sql")}
    assert set(re.findall(r"ref\('(stg_\w+)'\)", sql)) == staging


def test_every_tables_child_is_a_person_of_ssd_person():
    """A broken reference (docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), for each table's person
    id: a row naming no child is a recording gap."""
    refs = {(r["table"], r["column"]): (r["parent_table"], r["parent_column"])
            for r in rule_catalogue()["rules"] if r["kind"] == "references"}
    missing = [(table, spec["person_id"]) for table, spec in tables().items()
               if spec.get("person_id") and table != "ssd_person"
               and refs.get((table, spec["person_id"])) != ("ssd_person", "pers_person_id")]
    assert not missing, missing


def measure_lineage(tmp_path, monkeypatch) -> dict[str, set[str]]:
    """The SSD tables each measure's model reads (csc_compliance.devtools.lineage), from a fresh `dbt parse`."""
    import json

    from csc_compliance.core.catalogue import DBT_PROJECT_DIR
    from csc_compliance.devtools import lineage
    from csc_compliance.pipeline.dbt_build import _invoke, dbt_vars
    from csc_compliance.settings.config import parse_config

    monkeypatch.setenv("CSC_WAREHOUSE", str(tmp_path / "parse.duckdb"))
    result = _invoke(["parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                      "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
                      "--vars", json.dumps(dbt_vars(parse_config({}), "2026-11-20")), "--quiet"])
    assert result.success, result.exception
    return lineage.measure_lineage(json.loads((tmp_path / "target" / "manifest.json").read_text()))


def test_each_measure_requires_every_table_its_model_reads(tmp_path, monkeypatch):
    """Availability follows lineage: `requires` plus `attribution_reads` is exactly the set of SSD tables the
    measure's dbt model reads (exception measures and rates alike). Before, CIN_VISIT read ssd_cp_plans and
    ssd_cla_episodes (the CIN-level test) without requiring them, so an extract without CP plans listed
    children on CP plans as CIN visit exceptions instead of 'not available'; ASSESS_45WD_RATE's due date
    read referrals it did not require."""
    wrong = {}
    for kpi_id, read in measure_lineage(tmp_path, monkeypatch).items():
        spec = all_measures()[kpi_id]
        declared = set(spec["requires"]) | set(spec.get("attribution_reads", []))
        if read != declared or set(spec["requires"]) & set(spec.get("attribution_reads", [])):
            wrong[kpi_id] = {"read, not declared": sorted(read - declared),
                             "declared, not read": sorted(declared - read)}
    assert not wrong, wrong


def test_a_rate_built_on_an_exception_measure_requires_what_that_measure_requires():
    """CIN_VISIT_RATE counts the children of CIN_VISIT's population: without a table CIN_VISIT needs, the rate
    cannot be computed either (its lineage goes through the same models)."""
    exceptions = measure_catalogue()["exception_measures"]
    short = {}
    for kpi_id, spec in measure_catalogue()["rate_measures"].items():
        for base in (k for k in exceptions if re.search(rf"\b{k}\b", spec.get("numerator", ""))):
            missing = set(exceptions[base]["requires"]) - set(spec["requires"])
            if missing:
                short[kpi_id] = (base, sorted(missing))
    assert not short, short


def test_labels_follow_the_configured_local_standards():
    """A label quotes the run's standard, not the default: with caseload_threshold 20 the CASELOAD label says 20."""
    from csc_compliance.core.catalogue import measure_label
    from csc_compliance.settings.config import parse_config

    assert measure_label("CASELOAD") == "Worker with 25 or more children"
    config = parse_config({"local_standards": {"caseload_threshold": 20, "plo": {"watch_weeks": 12, "red_weeks": 20},
                                               "cp_duration": {"watch_months": 12, "red_months": 18}}})
    assert measure_label("CASELOAD", config.local_standards) == "Worker with 20 or more children"
    assert "watch at 12 weeks, red at 20" in measure_label("PLO_DURATION", config.local_standards)
    assert "watch at 12 months, red at 18 months" in measure_label("CP_DURATION", config.local_standards)
    # the national counts keep their fixed thresholds whatever the local red thresholds say
    assert measure_label("CP_OVER_2Y_CHILDREN", config.local_standards) == measure_label("CP_OVER_2Y_CHILDREN")
    for kpi_id in all_measures():
        assert "{" not in measure_label(kpi_id, config.local_standards), kpi_id


def test_every_statutory_basis_names_a_published_source():
    """The statutory basis names a statute, regulation, statutory guidance, DfE statistics or a published local
    standard or report, never an internal word such as the folder the council reports were kept in."""
    for kpi_id, spec in all_measures().items():
        assert "seeds" not in spec["statute"].lower(), kpi_id
