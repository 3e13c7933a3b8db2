"""The embedded Airflow set-up: runs starting together migrate the metadata database one at a time."""
import subprocess
import sys


def test_concurrent_first_migrations_do_not_collide(tmp_path):
    code = ("from csc_compliance.airflow_local import configure_environment, migrate_metadata_db;"
            f"configure_environment({str(tmp_path / 'home')!r}); migrate_metadata_db(); print('migrated')")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err[-2000:] for _, err in results]
    assert all("migrated" in out for out, _ in results)
