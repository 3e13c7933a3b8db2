"""An optional password for each lead's workbook, from the environment variable the
configuration names (`workbook_password_env`). The workbook is encrypted (ECMA-376, as Excel does it); a
variable named but missing stops the run at the start; the password reaches no output."""
import datetime as dt
import io
import json
import logging
import os
import stat
import subprocess
import sys
import zipfile

import duckdb
import msoffcrypto
import openpyxl
import pandas as pd
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from csc_compliance.core.errors import ConfigError
from csc_compliance.publish.lead_outputs import write_workbooks
from csc_compliance.publish.workbooks import LeadData, write_lead_workbook
from csc_compliance.settings.config import load_config, parse_config

PASSWORD = "Tr0ub4dor&3-synthetic"
LEADS = {"strategic_leads": [
    {"name": "Lead North", "area_ids": ["A1"], "workbook_password_env": "LEAD_NORTH_XLSX_PASSWORD"},
    {"name": "Lead South", "area_ids": ["A2"]},
]}


def exceptions_frame() -> pd.DataFrame:
    return pd.DataFrame([
        {"kpi_id": "CP_VISIT", "person_id": "P1", "record_id": "CPP1", "worker_id": "W1", "team_id": "T1",
         "area_id": "A1", "lead": "Lead North", "status": "overdue", "flag": "red", "due_date": dt.date(2026, 11, 2),
         "days_overdue": 18, "working_days_overdue": 14, "first_seen_date": dt.date(2026, 11, 13)},
        {"kpi_id": "ASSESS_45WD", "person_id": "P2", "record_id": "ASM7", "worker_id": "W2", "team_id": "T2",
         "area_id": "A2", "lead": "Lead South", "status": "due_soon", "flag": None,
         "due_date": dt.date(2026, 11, 24), "days_overdue": None, "working_days_overdue": None,
         "first_seen_date": dt.date(2026, 11, 20)},
    ])


def gaps_frame() -> pd.DataFrame:
    return pd.DataFrame([{"rule_id": "CPPL_REQUIRED", "severity": "error", "table": "ssd_cp_plans", "row_number": 4,
                          "record_id": "CPP9", "person_id": "P1", "column": "cppl_cp_plan_start_date",
                          "message": "required value missing", "worker_id": "W1", "team_id": "T1", "area_id": "A1",
                          "lead": "Lead North"}])


def lead_data(lead="Lead North") -> LeadData:
    ex, gaps = exceptions_frame(), gaps_frame()
    return LeadData(lead, "2026-11-20", ex[ex["lead"] == lead], gaps[gaps["lead"] == lead])


def cells(book) -> dict:
    return {ws.title: [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def decrypt(path, password) -> io.BytesIO:
    plain = io.BytesIO()
    with open(path, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password=password, verify_password=True)
        office.decrypt(plain)
    plain.seek(0)
    return plain


def warehouse_with_marts() -> duckdb.DuckDBPyConnection:
    """The four marts write_workbooks reads, as publish leaves them."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.register("ex", exceptions_frame())
    con.register("gaps", gaps_frame())
    con.execute("CREATE TABLE marts.exceptions_published AS SELECT * FROM ex")
    con.execute("CREATE TABLE marts.dq_recording_gaps AS SELECT * FROM gaps")
    con.execute("CREATE TABLE marts.exceptions_resolved AS SELECT * EXCLUDE (flag, days_overdue, "
                "working_days_overdue), DATE '2026-11-13' AS last_listed FROM ex WHERE false")
    con.execute("CREATE TABLE marts.exceptions_previous_counts (kpi_id VARCHAR, lead VARCHAR, previous_count BIGINT)")
    con.execute("CREATE SCHEMA intermediate")
    con.execute("CREATE TABLE intermediate.int_units AS SELECT * FROM (VALUES ('T1', 'A1'), ('T2', 'A2')) "
                "t(team_id, area_id)")
    return con


def test_a_configured_area_missing_from_the_extract_is_named_not_silent(tmp_path):
    """A lead configured for A9 (mistyped, or not in tonight's ssd_department) must not read "nothing to act
    on" without a word: the workbook and the manifest's workbook entry name the area."""
    config = parse_config({"strategic_leads": [{"name": "Lead North", "area_ids": ["A1", "A9"]},
                                               {"name": "Lead East", "area_ids": ["a2"]}]})
    written = write_workbooks(warehouse_with_marts(), tmp_path, config, "2026-11-20", {})
    assert written["Lead North"]["areas_not_in_extract"] == ["A9"]
    assert written["Lead East"]["areas_not_in_extract"] == ["a2"]      # area ids compare exactly, as routed
    assert "areas_not_in_extract" not in written["Lead South"]
    for lead, area in (("Lead North", "A9"), ("Lead East", "a2")):
        summary = openpyxl.load_workbook(tmp_path / f"{lead}.xlsx")["Summary"]
        assert summary["A3"].value.startswith(f"Check the configuration: area {area} configured for you")
    assert openpyxl.load_workbook(tmp_path / "Lead South.xlsx")["Summary"]["A3"].value is None


def test_an_encrypted_workbook_opens_only_with_its_password_and_holds_the_same_cells(tmp_path):
    plain, locked = tmp_path / "plain.xlsx", tmp_path / "locked.xlsx"
    write_lead_workbook(plain, lead_data())
    write_lead_workbook(locked, lead_data(), PASSWORD)
    with pytest.raises(zipfile.BadZipFile):
        openpyxl.load_workbook(locked)       # not a zip package any more: an encrypted OLE container
    with open(locked, "rb") as fh:
        assert OOXMLFile(fh).is_encrypted()
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        decrypt(locked, "not-the-password")
    opened = cells(openpyxl.load_workbook(decrypt(locked, PASSWORD)))
    assert opened == cells(openpyxl.load_workbook(plain))
    assert opened["CP_VISIT"][1][2][0] == "CPP1" and "Recording gaps" in opened


def test_an_encrypted_workbook_is_owner_only_and_never_on_disk_unencrypted(tmp_path):
    old = os.umask(0o022)
    try:
        write_lead_workbook(tmp_path / "locked.xlsx", lead_data(), PASSWORD)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "locked.xlsx").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["locked.xlsx"]


def test_each_lead_gets_a_password_only_if_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("LEAD_NORTH_XLSX_PASSWORD", PASSWORD)
    folder = tmp_path / "exceptions"
    written = write_workbooks(warehouse_with_marts(), folder, parse_config(LEADS), "2026-11-20", {})
    assert written["Lead North"]["encrypted"] and not written["Lead South"]["encrypted"]
    with open(folder / "Lead North.xlsx", "rb") as fh:
        assert OOXMLFile(fh).is_encrypted()
    south = openpyxl.load_workbook(folder / "Lead South.xlsx")      # plain: opens as it is
    assert south["ASSESS_45WD"]["C2"].value == "ASM7"
    north = openpyxl.load_workbook(decrypt(folder / "Lead North.xlsx", PASSWORD))
    assert north["CP_VISIT"]["C2"].value == "CPP1" and "ASSESS_45WD" not in north.sheetnames


def test_the_password_reaches_no_output_file_manifest_or_log(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("LEAD_NORTH_XLSX_PASSWORD", PASSWORD)
    caplog.set_level(logging.DEBUG)
    folder = tmp_path / "exceptions"
    written = write_workbooks(warehouse_with_marts(), folder, parse_config(LEADS), "2026-11-20", {})
    forms = [PASSWORD.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be")]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 2
    for path in files:
        data = path.read_bytes()
        assert not [f for f in forms if f in data], path.name
    assert PASSWORD not in json.dumps(written)          # what the run manifest records about workbooks
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize("environ", [{}, {"LEAD_NORTH_XLSX_PASSWORD": ""}], ids=["missing", "empty"])
def test_a_named_variable_missing_from_the_environment_is_a_config_error(environ, tmp_path):
    config = parse_config(LEADS, "la.yml")
    with pytest.raises(ConfigError) as caught:
        config.check_workbook_passwords(environ)
    message = str(caught.value)
    assert "Lead North" in message and "LEAD_NORTH_XLSX_PASSWORD" in message and "la.yml" in message
    assert "Lead South" not in message


def test_publishing_never_writes_a_workbook_unencrypted_when_the_variable_is_missing(tmp_path, monkeypatch):
    monkeypatch.delenv("LEAD_NORTH_XLSX_PASSWORD", raising=False)
    folder = tmp_path / "exceptions"
    with pytest.raises(ConfigError, match="LEAD_NORTH_XLSX_PASSWORD"):
        write_workbooks(warehouse_with_marts(), folder, parse_config(LEADS), "2026-11-20", {})
    assert not folder.exists() or not any(folder.iterdir())


def test_passwords_come_from_the_variables_named(tmp_path):
    cfg = tmp_path / "c.yml"
    cfg.write_text("strategic_leads:\n"
                   "  - {name: Lead North, area_ids: [A1], workbook_password_env: LEAD_NORTH_XLSX_PASSWORD}\n"
                   "  - {name: Lead South, area_id: A2, workbook_password_env: SOUTH_PW}\n"
                   "  - {name: Lead East, area_id: A3}\n")
    config = load_config(cfg)
    assert config.check_workbook_passwords({"LEAD_NORTH_XLSX_PASSWORD": "n", "SOUTH_PW": "s", "OTHER": "x"}) == {
        "Lead North": "n", "Lead South": "s"}
    assert parse_config({}).check_workbook_passwords({}) == {}


@pytest.mark.parametrize("value", ["", "LEAD NORTH", "1ABC", "$PW"])
def test_a_bad_variable_name_is_refused_naming_the_key(value):
    with pytest.raises(ConfigError, match=r"strategic_leads\[0\]\.workbook_password_env"):
        parse_config({"strategic_leads": [{"name": "L", "area_id": "A1", "workbook_password_env": value}]})


def test_the_cli_stops_at_the_start_naming_the_lead_and_the_variable(tmp_path):
    extract = tmp_path / "extract"
    extract.mkdir()
    # an extract that land would refuse: if the password check comes first, land is never reached
    (extract / "ssd_person.csv").write_text("pers_person_id,pers_dob\nP1,2015-01-01\nP2,2016-01-01,surplus\n")
    cfg = tmp_path / "c.yml"
    cfg.write_text("strategic_leads:\n"
                   "  - {name: Lead North, area_ids: [A1], workbook_password_env: LEAD_NORTH_XLSX_PASSWORD}\n")
    env = {k: v for k, v in os.environ.items() if k != "LEAD_NORTH_XLSX_PASSWORD"}
    r = subprocess.run([sys.executable, "-m", "csc_compliance.cli.main", "run", "--extract", str(extract), "--as-at",
                        "2026-11-20", "--out", str(tmp_path / "out"), "--config", str(cfg)],
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 1
    assert "Lead North" in r.stderr and "LEAD_NORTH_XLSX_PASSWORD" in r.stderr and "Traceback" not in r.stderr
    assert "[2/5] land" not in r.stdout
