"""The terminal summary after a run names each measure by its label, as the run's local standards make it
(a caseload threshold of 20 reads '20 or more'), so an analyst reading the terminal needs no id lookup."""
import json

from csc_compliance.cli.terminal_summary import print_summary

EXCEPTIONS = "kpi_id,person_id,record_id,worker_id,team_id,area_id,lead,status,flag,due_date,days_overdue," \
             "working_days_overdue,first_seen_date\n" \
             "CASELOAD,,W1,W1,T1,A1,Lead,overdue,,,,,2026-11-20\nCP_VISIT,P1,CP1,W1,T1,A1,Lead,due_soon,,2026-11-24,,,2026-11-20\n"
KPIS = "kpi_id,level,unit_id,unit_name,numerator,denominator,value,note\n" \
       "CP_VISIT_RATE,la,LA,Example,3,4,0.75,\nCP_OVER_2Y_CHILDREN,la,LA,Example,2,,2,\n" \
       "SEEN_ALONE_RATE,la,LA,Example,,,,not available: ssd_cp_visits not in the extract\n"
GAPS = "rule_id,severity,table,row_number,record_id,person_id,column,message,worker_id,team_id,area_id,lead\n"


def write_outputs(out, standards):
    (out / "exceptions").mkdir(parents=True)
    (out / "kpis").mkdir()
    (out / "dq").mkdir()
    (out / "exceptions" / "exceptions.csv").write_text(EXCEPTIONS)
    (out / "kpis" / "kpi_values.csv").write_text(KPIS)
    (out / "dq" / "recording_gaps.csv").write_text(GAPS)
    manifest = {"authority": {"code": "LA", "name": "Example"}, "reporting_date": "2026-11-20",
                "config": {"local_standards": standards}, "measures_not_available": {},
                "extract": {"tables": [{"table": "ssd_cp_visits", "present": False},
                                       {"table": "ssd_person", "present": True}]},
                "workbooks": {"Lead": {"exceptions": 2, "recording_gaps": 0, "file": "exceptions/Lead.xlsx",
                                       "encrypted": True},
                              "Other": {"exceptions": 0, "recording_gaps": 0, "file": "exceptions/Other.xlsx",
                                        "encrypted": False}}}
    (out / "run_manifest.json").write_text(json.dumps(manifest))


def line_of(text, kpi_id):
    return next(line for line in text.splitlines() if line.split() and line.split()[0] == kpi_id)


def test_summary_lines_carry_the_measure_label_with_the_runs_thresholds(tmp_path, capsys):
    from csc_compliance.settings.config import parse_config

    config = parse_config({"local_standards": {"caseload_threshold": 20}})
    write_outputs(tmp_path, config.local_standards)
    print_summary(tmp_path, 12.0, tmp_path / "run.log")
    text = capsys.readouterr().out
    assert "Worker with 20 or more children" in line_of(text, "CASELOAD")
    assert line_of(text, "CASELOAD").split()[-5:] == ["1", "/", "0", "/", "0"]
    assert "CP visit (child seen) overdue" in line_of(text, "CP_VISIT")
    assert "Children on CP plans visited in time" in line_of(text, "CP_VISIT_RATE")
    assert "75.0%" in line_of(text, "CP_VISIT_RATE")
    assert "not available: ssd_cp_visits" in line_of(text, "SEEN_ALONE_RATE")


def test_summary_without_standards_in_the_manifest_uses_the_defaults(tmp_path, capsys):
    write_outputs(tmp_path, None)
    print_summary(tmp_path, 12.0, tmp_path / "run.log")
    assert "Worker with 25 or more children" in line_of(capsys.readouterr().out, "CASELOAD")


def test_summary_names_absent_tables_encrypted_workbooks_and_every_output(tmp_path, capsys):
    write_outputs(tmp_path, None)
    (tmp_path / "exceptions" / "summary.html").write_text("<html></html>")
    (tmp_path / "dbt_docs").mkdir()
    (tmp_path / "dbt_docs" / "index.html").write_text("<html></html>")
    print_summary(tmp_path, 12.0, tmp_path / "run.log")
    text = capsys.readouterr().out
    assert "Tables not in the extract (1): ssd_cp_visits" in text
    assert "encrypted workbooks (password from the configured variable): Lead" in text
    for path in ("exceptions/exceptions.csv", "exceptions/summary.html", "dbt_docs/index.html",
                 "run_manifest.json", "kpis/kpi_values.csv"):
        assert f"  {path}" in text, path
    assert "data_docs/index.html" not in text          # not written here: only what exists is listed
    assert text.rstrip().endswith(f"Log: {tmp_path / 'run.log'}")
