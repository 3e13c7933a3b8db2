"""An unforeseen error's own text may quote a cell of the extract (DuckDB's conversion errors do): what the
user, the task log and error.json get names its type and where it happened, and withholds the text."""
import json

import duckdb
import pytest

from csc_compliance import stages
from csc_compliance.errors import CscError

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
