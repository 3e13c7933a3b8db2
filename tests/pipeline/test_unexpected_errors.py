"""An unforeseen error's own text may quote a cell of the extract (DuckDB's conversion errors do): what the
user, the task log and error.json get names its type and where it happened, and withholds the text."""
import json

import duckdb
import pytest

from csc_compliance.core.errors import CscError
from csc_compliance.pipeline import stages

SECRET = "Zqxwvorth"


@pytest.fixture
def prepared(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "ssd_person.csv").write_text("pers_person_id\n1\n")
    return stages.prepare("r1", str(drop), str(tmp_path / "out"), "2026-11-20", None)


def _boom(*args, **kwargs):
    raise duckdb.ConversionException(f"Could not convert string '{SECRET}' to INT32")


def test_the_message_withholds_the_errors_text(prepared, monkeypatch, caplog):
    monkeypatch.delenv("CSC_DEBUG", raising=False)
    monkeypatch.setattr(stages, "land_extract", _boom)
    with pytest.raises(CscError) as err:
        stages.land(prepared)
    message = str(err.value)
    assert "ConversionException" in message and "stage land" in message and SECRET not in message
    assert err.value.__cause__ is None and err.value.__suppress_context__
    error = json.loads((stages.RunContext.from_dict(prepared).error_file).read_text())
    assert SECRET not in json.dumps(error) and error["message"] == message
    assert "stages.py" in error["traceback"]                       # the stack is kept, without values
    assert SECRET not in caplog.text and "_boom" in caplog.text


def test_csc_debug_shows_it(prepared, monkeypatch):
    monkeypatch.setenv("CSC_DEBUG", "1")
    monkeypatch.setattr(stages, "land_extract", _boom)
    with pytest.raises(CscError, match=SECRET):
        stages.land(prepared)


def test_a_failed_dbt_node_names_its_kind_not_its_text(monkeypatch):
    """dbt's message for a failed model can quote a cell (a database error) or hold a Python traceback: the user
    sees the node and the kind of error; a data test's count, which holds no value, is kept."""
    from csc_compliance.pipeline.dbt_build import failure_text

    monkeypatch.delenv("CSC_DEBUG", raising=False)
    database = f"Database Error in model stg_ssd_person (models/staging/stg_ssd_person.sql)\n  Conversion Error: " \
               f"Could not convert string '{SECRET}' to INT32"
    python = "Runtime Error in model int_calendar (models/intermediate/int_calendar.py)\n  Python model failed:\n" \
             f"Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: {SECRET}"
    for message, kind in ((database, "Database Error"), (python, "Runtime Error"), (SECRET, "an error")):
        text = failure_text(message)
        assert text.startswith(kind) and SECRET not in text and "Traceback" not in text and "CSC_DEBUG=1" in text
    assert failure_text("Got 2 results, configured to fail if != 0") == "Got 2 results, configured to fail if != 0"
    monkeypatch.setenv("CSC_DEBUG", "1")
    assert SECRET in failure_text(database)
