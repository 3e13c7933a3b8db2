"""Run the nightly DAG in-process with embedded defaults (SQLite metadata database, no server): the same
DAG the scheduler runs, through `dag.test()`. Used by `csc-compliance run` and `make run`."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from csc_compliance.core.catalogue import DAGS_DIR, PROJECT_DIR

DAG_ID = "csc_compliance_nightly"


def configure_environment(home: Path | None = None) -> Path:
    """Point Airflow at a private home and SQLite database. Must run before airflow is imported."""
    home = Path(home or os.environ.get("CSC_AIRFLOW_HOME") or PROJECT_DIR / "var" / "airflow").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS_DIR)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__EXECUTOR"] = "LocalExecutor"
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'airflow.db'}"
    os.environ["AIRFLOW__CORE__DEFAULT_TIMEZONE"] = "Europe/London"
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    return home


def migrate_metadata_db() -> None:
    """Create or upgrade the SQLite metadata database. Two runs starting together on one machine (for
    different output folders) would race to create the same tables: one migrates while the other waits."""
    import fcntl

    from airflow import __version__
    from airflow.utils import db

    home = Path(os.environ["AIRFLOW_HOME"])
    # upgradedb() costs 4-7 s even when there is nothing to do: skip it when this version migrated this file
    stamp, database = home / f"migrated-{__version__}", home / "airflow.db"
    with open(home / "migrate.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.exists() and stamp.read_text() == _schema_version(database)):
            db.upgradedb()
            stamp.write_text(_schema_version(database))


def _schema_version(database: Path) -> str:
    """The metadata database's alembic revision ('' when there is no database or no schema yet)."""
    import sqlite3

    if not database.exists():
        return ""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as con:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return ""
    return row[0] if row else ""


def load_dag():
    """The DAG object, parsed from the file in the DAGs folder the scheduler uses."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"{DAG_ID}_dag", DAGS_DIR / f"{DAG_ID}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.nightly


def run_dag(conf: dict) -> tuple[str, dict[str, str]]:
    """Run the DAG once; return the run's state and each task's state."""
    dag = load_dag()
    dag_run = dag.test(run_conf=conf)
    tasks = {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()} if dag_run else {}
    return (str(dag_run.state) if dag_run else "failed"), tasks
