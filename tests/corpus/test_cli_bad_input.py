"""Bad-input corpus, part 5: what the user of `csc-compliance run` sees (docs/contract.md#running,
docs/contract.md#what-stops-a-run; README "Running on your own extract"): a non-zero exit code, one plain
paragraph on stderr naming what was wrong, never a traceback, and the previously published outputs exactly as they were.

A refused extract goes through the real command line and its Airflow DAG (about 25 s) against a folder
holding a real published run, and two inputs refused before Airflow starts do the same; the command line's
own bad input (folders, reporting date, configuration), refused before Airflow starts, costs about a second
each."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from corpus_tools import AS_AT, CONFIG, copy_extract, tree_digest
from csc_compliance.core.errors import ExtractError
from csc_compliance.pipeline import stages
from test_refused_inputs import missing_required_column_parquet

CLI = [sys.executable, "-m", "csc_compliance.cli.main"]
FAILED = "csc-compliance: run failed: "


def cli(*args, airflow_home: Path | None = None):
    env = {**os.environ, **({"CSC_AIRFLOW_HOME": str(airflow_home)} if airflow_home else {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600, env=env)


def no_traceback(result) -> bool:
    return "Traceback" not in result.stdout + result.stderr


def one_paragraph(result) -> bool:
    """A run failure is one line; argparse's own error is its usage and one error line; never a blank line."""
    lines = result.stderr.strip().splitlines()
    if not lines or not all(line.strip() for line in lines):
        return False
    return len(lines) == 1 if result.returncode == 1 else lines[-1].startswith("csc-compliance run: error:")


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory):
    """This module's own Airflow home (its SQLite metadata database), shared by its DAG runs."""
    return tmp_path_factory.mktemp("corpus-cli-airflow")


@pytest.fixture(scope="module")
def published(values_run, tmp_path_factory):
    """A copy of a real published run (the bad-values run), and its digest."""
    out = tmp_path_factory.mktemp("corpus-cli") / "out"
    shutil.copytree(values_run["out"], out)
    return out, tree_digest(out)


# --- refused extracts, through the DAG ---------------------------------------------------------------

# A refused file naming its column: `run` checks the extract before Airflow starts (csc_compliance.ingest.check),
# so it is refused in seconds, never reaching the DAG's land stage (which refuses the same for scheduled runs:
# test_refused_inputs.py), and what was published stays as it was.
DAG_CASES = [
    pytest.param(missing_required_column_parquet, ("ssd_department.parquet", "column dept_team_parent_id"),
                 id="missing_required_column_parquet"),
]


@pytest.mark.e2e
@pytest.mark.parametrize("mutate, names", DAG_CASES)
def test_refused_extract_is_refused_before_the_dag_starts(mutate, names, base_extract, published, airflow_home,
                                                          tmp_path_factory):
    folder, _ = base_extract
    out, before = published
    root = tmp_path_factory.mktemp("corpus-cli-dag")
    extract = copy_extract(folder, root / "extract")
    mutate(extract)
    result = cli("run", "--extract", str(extract), "--as-at", AS_AT, "--out", str(out), "--config", str(CONFIG),
                 airflow_home=airflow_home)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(FAILED), result.stderr
    for words in names:
        assert words in result.stderr, result.stderr
    assert "previously published outputs are unchanged" in result.stderr
    assert no_traceback(result) and one_paragraph(result), result.stderr
    assert "[1/5]" not in result.stdout and "[2/5]" not in result.stdout  # refused before the DAG started
    assert tree_digest(out) == before
    assert not (out / ".csc-build").exists()


# --- the command line's own bad input, refused before Airflow ---------------------------------------

@dataclass(frozen=True)
class Bad:
    id: str
    args: tuple                  # with {extract}, {out}, {config}, {file} placeholders
    says: tuple                  # words stderr must hold
    config: str | bytes | None = None
    code: int = 1


RUN = ("run", "--extract", "{extract}", "--as-at", AS_AT, "--out", "{out}")

BAD_INPUT = [
    Bad("extract_missing", ("run", "--extract", "{missing}", "--as-at", AS_AT, "--out", "{out}"),
        ("does not exist",)),
    Bad("extract_is_a_file", ("run", "--extract", "{file}", "--as-at", AS_AT, "--out", "{out}"), ("not a folder",)),
    Bad("extract_without_tables", ("run", "--extract", "{empty}", "--as-at", AS_AT, "--out", "{out}"),
        ("{empty}", "holds no SSD table")),
    Bad("extract_and_out_not_given", ("run", "--as-at", AS_AT),
        ("usage: csc-compliance run", "give --extract and --out"), code=2),
    Bad("out_not_given", ("run", "--extract", "{extract}", "--as-at", AS_AT), ("--extract and --out are required",)),
    Bad("as_at_month_13", ("run", "--extract", "{extract}", "--as-at", "2026-13-01", "--out", "{out}"),
        ("'2026-13-01'", "not a real date"), code=2),
    Bad("as_at_31_november", ("run", "--extract", "{extract}", "--as-at", "2026-11-31", "--out", "{out}"),
        ("'2026-11-31'", "not a real date"), code=2),
    Bad("as_at_day_first", ("run", "--extract", "{extract}", "--as-at", "20/11/2026", "--out", "{out}"),
        ("'20/11/2026'", "YYYY-MM-DD"), code=2),
    Bad("as_at_basic_iso", ("run", "--extract", "{extract}", "--as-at", "20261120", "--out", "{out}"),
        ("'20261120'", "YYYY-MM-DD"), code=2),
    Bad("as_at_words", ("run", "--extract", "{extract}", "--as-at", "yesterday", "--out", "{out}"),
        ("'yesterday'", "not a real date"), code=2),
    Bad("config_unknown_top_key", (*RUN, "--config", "{config}"), ("reporting", "unknown key"),
        "reporting: {format: pdf}\n"),
    Bad("config_unknown_standard", (*RUN, "--config", "{config}"), ("local_standards.cp_visits", "unknown key"),
        "local_standards:\n  cp_visits: {every: 5}\n"),
    Bad("config_zero_interval", (*RUN, "--config", "{config}"), ("local_standards.cp_visit.every", "0"),
        "local_standards:\n  cp_visit: {every: 0, unit: working_days}\n"),
    Bad("config_retention_text", (*RUN, "--config", "{config}"), ("history.retention_days", "two years"),
        "history: {retention_days: two years}\n"),
    Bad("config_area_twice", (*RUN, "--config", "{config}"), ("strategic_leads[1].area_ids", "A1"),
        "strategic_leads:\n  - {name: North, area_ids: [A1]}\n  - {name: South, area_ids: [A1, A2]}\n"),
    Bad("config_authority_code", (*RUN, "--config", "{config}"), ("authority.code", "LA 1!"),
        'authority: {code: "LA 1!"}\n'),
    Bad("config_a_list", (*RUN, "--config", "{config}"), ("config.yml", "mapping"), "- authority\n- history\n"),
    Bad("config_missing", (*RUN, "--config", "{missing}"), ("does not exist",)),
    Bad("config_not_utf8", (*RUN, "--config", "{config}"), ("config.yml",), 'authority: {name: "Caf\xe9"}\n'.encode(
        "latin-1")),
    Bad("config_yaml_unclosed", (*RUN, "--config", "{config}"), ("config.yml", "not valid YAML"),
        "strategic_leads: [\n"),
    Bad("config_yaml_tab", (*RUN, "--config", "{config}"), ("config.yml", "not valid YAML"),
        "local_standards:\n\tcp_visit: {every: 5}\n"),
    Bad("out_is_a_file", ("run", "--extract", "{extract}", "--as-at", AS_AT, "--out", "{file}"), ("{file}",)),
    Bad("out_under_a_file", ("run", "--extract", "{extract}", "--as-at", AS_AT, "--out", "{file}/out"), ("{file}",)),
    Bad("out_not_writable", ("run", "--extract", "{extract}", "--as-at", AS_AT, "--out", "/proc/csc-corpus-out"),
        ("/proc/csc-corpus-out",)),
]


CASES = [pytest.param(b, id=b.id) for b in BAD_INPUT]


@pytest.fixture(scope="module")
def ran(base_extract, tmp_path_factory):
    """Each bad input's command line run, once (two tests read it)."""
    cache = {}

    def run(bad: Bad):
        if bad.id not in cache:
            cache[bad.id] = _run_bad(bad, base_extract, tmp_path_factory.mktemp(f"corpus-cli-{bad.id}"))
        return cache[bad.id]
    return run


def _run_bad(bad: Bad, base_extract, tmp_path):
    folder, _ = base_extract
    (tmp_path / "a-file").write_text("not a folder\n")
    empty = tmp_path / "no-tables"   # only the completion marker and an unknown file: the wrong folder
    empty.mkdir()
    (empty / "manifest.json").write_text('{"as_at": "2026-11-20", "authority": "DEMO"}')
    (empty / "readme.txt").write_text("not a table\n")
    places = {"empty": str(empty), "extract": str(folder), "out": str(tmp_path / "out"),
              "config": str(tmp_path / "config.yml"),
              "file": str(tmp_path / "a-file"), "missing": str(tmp_path / "missing")}
    if isinstance(bad.config, bytes):
        (tmp_path / "config.yml").write_bytes(bad.config)
    elif bad.config is not None:
        (tmp_path / "config.yml").write_text(bad.config)
    result = cli(*(a.format(**places) for a in bad.args))
    return result, places, tmp_path


@pytest.mark.parametrize("bad", CASES)
def test_command_line_bad_input(bad, ran):
    result, places, tmp_path = ran(bad)
    assert result.returncode == bad.code, result.stderr
    assert no_traceback(result), result.stderr
    for words in bad.says:
        assert words.format(**places) in result.stderr, result.stderr
    if bad.code == 1:
        assert result.stderr.startswith(FAILED), result.stderr
    assert not (tmp_path / "out").exists(), "nothing is written before the input is checked"


@pytest.mark.parametrize("bad", CASES)
def test_command_line_bad_input_is_one_plain_paragraph(bad, ran):
    result, _, _ = ran(bad)
    assert no_traceback(result) and one_paragraph(result), result.stderr


def test_input_refused_before_airflow_leaves_published_outputs(base_extract, published, tmp_path):
    """A table given twice, a folder where a table's file should be and a missing extract folder, against a
    folder holding a real published run."""
    folder, _ = base_extract
    out, before = published
    twice = copy_extract(folder, tmp_path / "twice")
    shutil.copy2(twice / "ssd_person.csv", twice / "ssd_person.CSV")
    a_folder = copy_extract(folder, tmp_path / "a-folder")
    (a_folder / "ssd_person.csv").unlink()
    (a_folder / "ssd_person.csv").mkdir()
    other = copy_extract(folder, tmp_path / "other-authority")   # a drop folder mixed up with another's
    (other / "manifest.json").write_text(json.dumps({"as_at": AS_AT, "authority": "NEIGHBOUR"}))
    broken = copy_extract(folder, tmp_path / "broken-manifest")  # the completion marker cut short
    (broken / "manifest.json").write_text('{"as_at": "2026-11-20", "auth')
    for extract, words in ((twice, "given twice"), (a_folder, "ssd_person.csv: the table's file cannot be read"),
                           (tmp_path / "missing", "does not exist"),
                           (other, "file manifest.json, column authority: the extract is for authority 'NEIGHBOUR' "
                                   "but this run's configuration is for 'DEMO'"),
                           (broken, "file manifest.json: not valid JSON")):
        result = cli("run", "--extract", str(extract), "--as-at", AS_AT, "--out", str(out), "--config", str(CONFIG))
        assert result.returncode == 1 and words in result.stderr and no_traceback(result), result.stderr
        assert tree_digest(out) == before


@pytest.mark.parametrize("as_at", ["2026-02-30", "30/11/2026", "", "20261120", "2026-W47-5"])
def test_impossible_manifest_date_stops_the_run_naming_it(as_at, base_extract, tmp_path):
    """Without --as-at the reporting date is manifest.json's as_at (docs/contract.md#the-extract-folder): an
    impossible one stops the run at prepare, before anything is built, naming the file and the key. In-process: the
    DAG's prepare."""
    folder, _ = base_extract
    extract = copy_extract(folder, tmp_path / "extract")
    manifest = json.loads((extract / "manifest.json").read_text())
    (extract / "manifest.json").write_text(json.dumps({**manifest, "as_at": as_at}))
    with pytest.raises(ExtractError) as err:
        stages.prepare("bad-manifest", str(extract), str(tmp_path / "out"), None, str(CONFIG))
    assert err.value.file == "manifest.json" and err.value.column == "as_at", str(err.value)
    assert "file manifest.json, column as_at" in str(err.value)
    build = tmp_path / "out" / ".csc-build" / "bad-manifest"
    recorded = json.loads((build / "error.json").read_text())   # what the command line prints
    assert recorded["user_facing"] is True and recorded["message"] == str(err.value)
    assert [p.name for p in build.iterdir()] == ["error.json"]


def test_a_damaged_published_history_stops_the_run_naming_it(base_extract, values_run, tmp_path):
    """history.duckdb cut short (a full disk, a copy that stopped): the run says which file and what to do, and
    the published outputs, that history file included, stay exactly as they were."""
    folder, _ = base_extract
    out = tmp_path / "out"
    shutil.copytree(values_run["out"], out)
    history = out / "history.duckdb"
    history.write_bytes(history.read_bytes()[:4096])
    before = tree_digest(out)
    result = cli("run", "--extract", str(folder), "--as-at", AS_AT, "--out", str(out), "--config", str(CONFIG))
    assert result.returncode == 1 and no_traceback(result) and one_paragraph(result), result.stderr
    assert f"the published history {history} cannot be read" in result.stderr, result.stderr
    assert "nothing was published" in result.stderr
    assert tree_digest(out) == before


def test_a_failed_first_run_leaves_its_log_and_nothing_else(base_extract, tmp_path):
    """A run that fails inside the pipeline on a folder that never had outputs (here a damaged history.duckdb
    copied in, no published run) says nothing was published and leaves no lock file or build: only its log,
    which ends with the plain reason."""
    folder, _ = base_extract
    out = tmp_path / "out"
    out.mkdir()
    (out / "history.duckdb").write_bytes(b"not a database")
    result = cli("run", "--extract", str(folder), "--as-at", AS_AT, "--out", str(out), "--config", str(CONFIG))
    assert result.returncode == 1 and no_traceback(result) and one_paragraph(result), result.stderr
    assert "Nothing was published" in result.stderr and "previously published" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["history.duckdb", "logs"]
    (log,) = (out / "logs").iterdir()
    assert log.read_text().rstrip().splitlines()[-1].startswith("csc-compliance: run failed: the published history")
