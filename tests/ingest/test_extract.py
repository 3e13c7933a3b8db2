"""Reading and landing the extract (docs/contract.md#input): accepted variants land the same values; what
stops a run names the file, the column and, where there is one, the row."""
import duckdb
import pytest

from csc_compliance.core import parsing
from csc_compliance.core.errors import ExtractError
from csc_compliance.ingest.landing import land_extract
from csc_compliance.ingest.manifest import check_manifest_authority, read_manifest
from extract_builder import write_extract, write_table


def land(folder, scratch=None):
    con = duckdb.connect()
    parsing.create_macros(con)
    return con, {t.table: t for t in land_extract(con, folder, scratch)}


PEOPLE = [{"pers_person_id": "P1", "pers_dob": "2015-01-02"}, {"pers_person_id": "P2", "pers_dob": ""}]


def test_absent_tables_land_empty_and_are_recorded(tmp_path):
    write_extract(tmp_path, {"ssd_person": PEOPLE}, all_tables=False, with_org=False)
    con, landed = land(tmp_path)
    assert landed["ssd_person"].present and landed["ssd_person"].rows == 2
    assert not landed["ssd_cp_plans"].present
    assert con.execute("select count(*) from raw.ssd_cp_plans").fetchone() == (0,)
    assert con.execute("select present from meta.table_availability "
                       "where table_name='ssd_cp_plans'").fetchone() == (False,)


def test_values_land_as_text_with_file_row_numbers_and_empty_as_null(tmp_path):
    write_extract(tmp_path, {"ssd_person": PEOPLE}, all_tables=False, with_org=False)
    con, _ = land(tmp_path)
    rows = con.execute("select pers_person_id, pers_dob, _row_number from raw.ssd_person "
                       "order by _row_number").fetchall()
    assert rows == [("P1", "2015-01-02", 1), ("P2", None, 2)]


def test_bom_crlf_quoted_newlines_extra_columns_and_case(tmp_path):
    text = ('\ufeffPERS_PERSON_ID,pers_dob,unknown_extra,pers_forename\r\n'
            'P1,2015-01-02,x,"Ann, ""Annie""\r\nSmith"\r\nP2,02/03/2016,,\r\n')
    (tmp_path / "ssd_person.csv").write_bytes(text.encode("utf-8"))
    (tmp_path / "notes.txt").write_text("ignored")
    con, _ = land(tmp_path)
    rows = con.execute("select pers_person_id, csc_parse_date(pers_dob), pers_forename from raw.ssd_person "
                       "order by _row_number").fetchall()
    assert [r[0] for r in rows] == ["P1", "P2"]
    assert str(rows[1][1]) == "2016-03-02"
    assert rows[0][2] == 'Ann, "Annie"\r\nSmith'
    assert "unknown_extra" not in [c[0] for c in con.execute("describe raw.ssd_person").fetchall()]


def test_parquet_with_native_types_lands_like_csv(tmp_path):
    con = duckdb.connect()
    con.execute(f"""copy (select 'P1' as pers_person_id, date '2015-01-02' as pers_dob
                         union all select 'P2', null) to '{tmp_path / "ssd_person.parquet"}' (format parquet)""")
    con2, landed = land(tmp_path)
    assert con2.execute("select pers_person_id, pers_dob, _row_number from raw.ssd_person order by 3").fetchall() == [
        ("P1", "2015-01-02", 1), ("P2", None, 2)]


def test_parquet_naming_a_column_twice_is_refused_as_csv_is(tmp_path):
    """pyarrow and Spark write a schema holding `pers_dob` and `PERS_DOB`; DuckDB would read the second as
    PERS_DOB_1 and take the first without a word. Written by DuckDB under another name of the same length, then
    renamed in the file's metadata."""
    con = duckdb.connect()
    path = tmp_path / "ssd_person.parquet"
    con.execute(f"copy (select 'P1' as pers_person_id, '2015-01-02' as pers_dob, 'x' as XERS_DOB) "
                f"to '{path}' (format parquet)")
    path.write_bytes(path.read_bytes().replace(b"XERS_DOB", b"PERS_DOB"))
    assert [r[0] for r in con.execute(f"describe select * from read_parquet('{path}')").fetchall()] == [
        "pers_person_id", "pers_dob", "PERS_DOB_1"]
    with pytest.raises(ExtractError,
                       match="file ssd_person.parquet, column pers_dob: the header names this column twice"):
        land(tmp_path)


def test_parquet_whole_numbers_held_as_floats_land_as_integers(tmp_path):
    """pandas writes an integer id column holding a null as DOUBLE, SQL Server's numeric keys come as DECIMAL:
    a whole number is spelt as CSV would spell it, so links still match; other numbers keep their digits."""
    con = duckdb.connect()
    con.execute(f"""copy (select * from (values
                    (5417676.0::double, 12.00::decimal(18, 2), 7::decimal(12, 0), date '2015-01-02'),
                    (null, 1.50::decimal(18, 2), null, null),
                    (2.5::double, -3.00::decimal(18, 2), 0::decimal(12, 0), null),
                    ('nan'::double, null, null, null))
                  t(pers_person_id, pers_sex, pers_upn, pers_dob))
                  to '{tmp_path / "ssd_person.parquet"}' (format parquet)""")
    con2, _ = land(tmp_path)
    assert con2.execute("select pers_person_id, pers_sex, pers_upn from raw.ssd_person "
                        "order by _row_number").fetchall() \
        == [("5417676", "12", "7"), (None, "1.50", None), ("2.5", "-3", "0"), ("nan", None, None)]


@pytest.mark.parametrize("value, expected", [
    ("2024-02-29", "2024-02-29"), ("2024-02-29 00:00:00", "2024-02-29"), ("2024-02-29 13:45:00.123", "2024-02-29"),
    ("29/02/2024", "2024-02-29"), ("2024-02-30", None), ("31/02/2024", None), ("not known", None), ("", None),
    ("20240229", None), ("2024-02-29T13:45:00", "2024-02-29"), ("2024-02-29 00:00:00+00", "2024-02-29"),
    ("2024-02-29 00:00:00.1234567", "2024-02-29"), (" 2024-02-29 ", "2024-02-29"),
])
def test_date_parsing(value, expected):
    con = duckdb.connect()
    parsing.create_macros(con)
    got = con.execute("select csc_parse_date(?)", [value]).fetchone()[0]
    assert (str(got) if got else None) == expected


@pytest.mark.parametrize("value, expected", [
    ("Y", True), ("y", True), ("Yes", True), ("1", True), ("TRUE", True), ("N", False), ("no", False),
    ("0", False), ("False", False), ("Maybe", None), (None, None),
])
def test_flag_parsing(value, expected):
    con = duckdb.connect()
    parsing.create_macros(con)
    assert con.execute("select csc_parse_flag(?)", [value]).fetchone()[0] is expected


@pytest.mark.parametrize("value, expected", [
    ('{"NFA_FLAG":"N"}', '{"NFA_FLAG":"N"}'), (' [{"NFA_FLAG":"N"}] ', '[{"NFA_FLAG":"N"}]'), ("{}", "{}"),
    ('{"NFA_FLAG":"N"', None), ('"N"', None), ("42", None), ("NFA_FLAG=N", None), ("", None), (None, None),
])
def test_json_parsing(value, expected):
    """A *_json value reads as the JSON object or array FOR JSON writes; anything else is null (and a gap)."""
    con = duckdb.connect()
    parsing.create_macros(con)
    assert con.execute("select csc_parse_json(?)", [value]).fetchone()[0] == expected


def test_json_flag_reads_upper_case_keys():
    con = duckdb.connect()
    parsing.create_macros(con)
    q = "select csc_json_flag(?, 'CP_CONFERENCE_FLAG')"
    assert con.execute(q, ['{"NFA_FLAG":"N","CP_CONFERENCE_FLAG":"Y"}']).fetchone()[0] is True
    assert con.execute(q, ['{"NFA_FLAG":"N"}']).fetchone()[0] is None
    assert con.execute(q, ['not json']).fetchone()[0] is None
    assert con.execute(q, ['[{"NFA_FLAG":"N","CP_CONFERENCE_FLAG":"Y"}]']).fetchone()[0] is True


# --- what stops a run -------------------------------------------------------------------------------

def test_missing_required_column_names_file_and_column(tmp_path):
    write_table(tmp_path, "ssd_cin_assessments", [{"cina_assessment_id": "A1"}],
                columns=["cina_assessment_id", "cina_person_id", "cina_referral_id", "cina_assessment_auth_date",
                         "cina_assessment_outcome_nfa"])
    with pytest.raises(ExtractError) as err:
        land(tmp_path)
    assert "ssd_cin_assessments.csv" in str(err.value) and "cina_assessment_start_date" in str(err.value)
    assert err.value.column == "cina_assessment_start_date"


def test_ragged_row_names_the_row(tmp_path):
    (tmp_path / "ssd_person.csv").write_text("pers_person_id,pers_dob\nP1,2015-01-01\nP2,2015-01-01,extra\n")
    with pytest.raises(ExtractError) as err:
        land(tmp_path)
    assert err.value.file == "ssd_person.csv" and err.value.row == 2
    assert "3 fields where the header has 2" in str(err.value)


def test_short_row_names_the_row(tmp_path):
    (tmp_path / "ssd_person.csv").write_text("pers_person_id,pers_dob\nP1,2015-01-01\nP2,2015-01-01\nP3\n")
    with pytest.raises(ExtractError) as err:
        land(tmp_path)
    assert err.value.row == 3


def test_not_utf8_names_the_row(tmp_path):
    (tmp_path / "ssd_person.csv").write_bytes(b"pers_person_id,pers_dob\nP1,2015-01-01\nP\xe9,2015-01-01\n")
    with pytest.raises(ExtractError) as err:
        land(tmp_path)
    assert err.value.file == "ssd_person.csv" and err.value.row == 2 and "UTF-8" in str(err.value)


def test_empty_file_without_header(tmp_path):
    (tmp_path / "ssd_person.csv").write_bytes(b"")
    with pytest.raises(ExtractError, match="ssd_person.csv.*empty"):
        land(tmp_path)


def test_corrupt_parquet(tmp_path):
    (tmp_path / "ssd_person.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(ExtractError, match="ssd_person.parquet.*Parquet"):
        land(tmp_path)


def test_table_given_twice(tmp_path):
    write_table(tmp_path, "ssd_person", PEOPLE)
    (tmp_path / "ssd_person.parquet").write_bytes(b"")
    with pytest.raises(ExtractError, match="given twice"):
        land(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(ExtractError, match="does not exist"):
        land(tmp_path / "nope")


def test_manifest_of_another_authority_is_refused(tmp_path):
    """Only when the configuration names its authority (the embedded default LA checks nothing); codes compare
    trimmed and case-insensitively."""
    (tmp_path / "manifest.json").write_text('{"as_at": "2026-11-20", "authority": " la1 "}')
    manifest = read_manifest(tmp_path)
    check_manifest_authority(manifest, "LA1", configured=True)
    check_manifest_authority(manifest, "LA", configured=False)
    check_manifest_authority({"as_at": "2026-11-20"}, "LA2", configured=True)
    check_manifest_authority(None, "LA2", configured=True)
    with pytest.raises(ExtractError, match=r"file manifest.json, column authority: .*'la1'.*'LA2'"):
        check_manifest_authority(manifest, "LA2", configured=True)
    for bad in ('""', '42', 'null', '["LA1"]'):
        (tmp_path / "manifest.json").write_text('{"as_at": "2026-11-20", "authority": %s}' % bad)
        with pytest.raises(ExtractError, match="manifest.json, column authority"):
            read_manifest(tmp_path)


def test_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text('{"as_at": "2026-11-20", "authority": "LA1"}')
    assert str(read_manifest(tmp_path)["as_at"]) == "2026-11-20"
    (tmp_path / "manifest.json").write_text('{"as_at": "2026-02-30"}')
    with pytest.raises(ExtractError, match="manifest.json.*as_at"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text('{"as_at": ')
    with pytest.raises(ExtractError, match="manifest.json.*JSON"):
        read_manifest(tmp_path)


def test_a_record_longer_than_the_limit_names_its_row_and_the_limit(tmp_path, monkeypatch):
    """Over the limit (64 MB; 1 kB here) the row is named and why, not "a quoted field is not closed" (DuckDB's
    error lists the reader's quote option, which the reason used to match)."""
    from csc_compliance.ingest import csv_files

    monkeypatch.setattr(csv_files, "MAX_RECORD_BYTES", 1024 * 1024)
    note = "a long note, " * 90_000
    (tmp_path / "ssd_person.csv").write_text('pers_person_id,pers_dob,notes\nP1,2015-01-01,x\n'
                                             f'P2,2015-01-01,"{note}"\n')
    with pytest.raises(ExtractError) as err:
        land(tmp_path)
    assert err.value.file == "ssd_person.csv" and err.value.row == 2
    assert "longer than 1 MB" in str(err.value) and "quoted" not in str(err.value)
    assert "long note" not in str(err.value)   # never the record's own text


def test_a_quoted_field_never_closed_is_named_as_such(tmp_path):
    (tmp_path / "ssd_person.csv").write_text('pers_person_id,pers_dob\nP1,2015-01-01\nP2,"2015-01-01\nP3,x\n')
    with pytest.raises(ExtractError) as err:
        land(tmp_path)
    assert err.value.row == 2 and "quoted field is not closed" in str(err.value)


def test_mixed_line_ends_land_and_their_faults_still_name_the_row(tmp_path):
    """CRLF and LF in one file land row for row; the run's scratch copy is gone afterwards; a ragged row in
    such a file is still named by its row."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    extract = tmp_path / "extract"
    extract.mkdir()
    (extract / "ssd_person.csv").write_bytes(b'pers_person_id,pers_dob\r\nP1,2015-01-01\nP2,"a\r\nb"\r\nP3,\n')
    con, _ = land(extract, scratch)
    rows = con.execute("select pers_person_id, pers_dob, _row_number from raw.ssd_person order by 3").fetchall()
    assert rows == [("P1", "2015-01-01", 1), ("P2", "a\nb", 2), ("P3", None, 3)]
    assert list(scratch.iterdir()) == []
    (extract / "ssd_person.csv").write_bytes(b"pers_person_id,pers_dob\r\nP1,2015-01-01\nP2,2015-01-02,x\r\n")
    with pytest.raises(ExtractError) as err:
        land(extract, scratch)
    assert err.value.row == 2 and "3 fields where the header has 2" in str(err.value)


def test_cr_only_line_ends_are_named(tmp_path):
    (tmp_path / "ssd_person.csv").write_bytes(b"pers_person_id,pers_dob\rP1,2015-01-01\r")
    with pytest.raises(ExtractError) as err:
        land(tmp_path)
    assert err.value.row == 0 and "CR alone" in str(err.value)
