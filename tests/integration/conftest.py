"""The integration suite's service fixtures (`make integration`): the production deployment of
docker-compose.yml as local processes. Private PostgreSQL and Redis instances from the Debian packages, the
metadata database migrated and the first admin created by the compose init script, then the Airflow
api-server, scheduler, dag-processor, triggerer and a Celery worker from the project's .venv, serving a
region of two synthetic authorities. Every process started is stopped at the end of the session, also on
failure or interruption; the system's own PostgreSQL and Redis services are never touched. Logs stay in
var/integration/logs/. CSC_INTEGRATION_KEEP_RUNNING=1 keeps the services up after the tests, until Ctrl-C."""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest

from integration import airflow_deployment, extracts, services
from integration.processes import WORK, Supervisor, free_port, log, relative, tail
from integration.rest_api import Api

_supervisor: Supervisor | None = None


def _raise_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")   # pytest then tears the fixtures down: every process stops


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed step's report ends with each service's log tail: what the scheduler or worker said."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and _supervisor is not None:
        for service in _supervisor.services:
            report.sections.append((f"{service.name} log ({relative(service.log_path)}) ends",
                                    tail(service.log_path, 12)))


@pytest.fixture(scope="session")
def supervisor():
    global _supervisor
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_on_signal)
    log(f"the docker-compose.yml deployment as local processes, in {relative(WORK)}")
    Supervisor.reap_leftovers(WORK / "pids.json")
    if WORK.exists():
        shutil.rmtree(WORK)
    (WORK / "logs").mkdir(parents=True)
    _supervisor = Supervisor(WORK / "logs", WORK / "pids.json")
    # PostgreSQL and Redis run as their own users: their data lives in a private, traversable temporary folder
    _supervisor.data_root = Path(tempfile.mkdtemp(prefix="csc-integration-"))
    _supervisor.data_root.chmod(0o711)
    try:
        yield _supervisor
    finally:
        if os.environ.get("CSC_INTEGRATION_KEEP_RUNNING") == "1":
            log(f"kept running (Ctrl-C stops everything); the admin password is in {relative(WORK / 'admin-password')}")
            try:
                while True:
                    _supervisor.check_alive()
                    time.sleep(5)
            except KeyboardInterrupt:
                log("interrupted: stopping")
        log("stopping every process this session started")
        _supervisor.stop_all()
        shutil.rmtree(_supervisor.data_root, ignore_errors=True)


@pytest.fixture(scope="session")
def deployment(supervisor):
    values = airflow_deployment.secret_values()
    ports = {name: free_port() for name in ("postgres", "redis", "api", "scheduler_health")}
    d = airflow_deployment.Deployment(home=WORK / "airflow", values=values, ports=ports, drop=WORK / "drop",
                                      out=WORK / "out", region=WORK / "drop" / "region.yml", codes=[])
    d.home.mkdir(mode=0o700)
    return d


@pytest.fixture(scope="session")
def infrastructure(supervisor, deployment):
    """PostgreSQL 15 and Redis 7, private instances on loopback ports, their data in a temporary folder."""
    services.ensure_packages()
    services.check_versions()
    services.start_postgres(supervisor, supervisor.data_root, deployment.ports["postgres"], deployment.values)
    services.start_redis(supervisor, supervisor.data_root, deployment.ports["redis"],
                         deployment.values["REDIS_PASSWORD"])
    return deployment


@pytest.fixture(scope="session")
def region(deployment, supervisor):
    """Two synthetic demo extracts (the drop folders) and the regional file that lists them."""
    extracts.generate_region(deployment, supervisor.logs)
    return deployment


@pytest.fixture(scope="session")
def airflow(infrastructure, region, supervisor):
    """airflow-init (migrate, first admin), then every Airflow service, healthy by the compose checks."""
    airflow_deployment.migrate_and_create_admin(infrastructure, supervisor.logs)
    airflow_deployment.start_airflow(supervisor, infrastructure)
    airflow_deployment.run_healthchecks(supervisor, infrastructure)
    return infrastructure


@pytest.fixture(scope="session")
def admin_api(airflow):
    api = Api(airflow.api)
    status = api.login(airflow.values["AIRFLOW_ADMIN_USER"], airflow.values["AIRFLOW_ADMIN_PASSWORD"])
    assert status in (200, 201), f"/auth/token refused the admin's generated password (status {status})"
    return api


@pytest.fixture(scope="session")
def scenario() -> dict:
    """What one step of the scenario leaves for the next (run ids, published manifests, the drop time)."""
    return {}
