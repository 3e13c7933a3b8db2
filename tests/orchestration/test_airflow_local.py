"""The embedded Airflow set-up: runs starting together migrate the metadata database one at a time."""
import subprocess
import sys


def test_concurrent_first_migrations_do_not_collide(tmp_path):
    code = ("from csc_compliance.orchestration.airflow_local import configure_environment, migrate_metadata_db;"
            f"configure_environment({str(tmp_path / 'home')!r}); migrate_metadata_db(); print('migrated')")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err[-2000:] for _, err in results]
    assert all("migrated" in out for out, _ in results)


def test_migration_runs_once_per_database_file(tmp_path, monkeypatch):
    import os

    from airflow.utils import db

    from csc_compliance.orchestration.airflow_local import migrate_metadata_db

    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    calls = []
    def upgradedb():
        calls.append(1)
        import sqlite3

        with sqlite3.connect(tmp_path / "airflow.db") as con:
            con.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR)")
            con.execute("INSERT INTO alembic_version VALUES ('abc123')")

    monkeypatch.setattr(db, "upgradedb", upgradedb)
    migrate_metadata_db()
    migrate_metadata_db()
    assert len(calls) == 1                              # the second start-up skips it
    os.remove(tmp_path / "airflow.db")
    migrate_metadata_db()
    assert len(calls) == 2                              # a new database file is migrated
