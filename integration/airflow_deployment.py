"""The compose file's Airflow services as local processes: their environment from integration/deployment.py,
the init script (migrate, first admin), the api-server, scheduler, dag-processor, triggerer and a Celery
worker, and the health checks compose runs."""
from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from integration import deployment as dep
from integration.processes import (
    ROOT,
    VENV_BIN,
    IntegrationError,
    Supervisor,
    log,
    relative,
    run_quietly,
    tail,
    wait_for,
)

STARTUP_TIMEOUT = 240


@dataclass
class Deployment:
    home: Path
    values: dict[str, str]
    ports: dict[str, int]
    drop: Path
    out: Path
    region: Path
    codes: list[str]

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"

    def environment(self) -> dict[str, str]:
        """What every Airflow process gets: the deployment's settings (deployment.py) with local addresses."""
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "CSC_", "_AIRFLOW"))}
        return {
            **inherited,
            "PATH": f"{VENV_BIN}{os.pathsep}{inherited.get('PATH', '/usr/bin:/bin')}",
            "AIRFLOW_HOME": str(self.home),
            # the image sets these (Dockerfile ENV)
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            **dep.airflow_environment(self.values, postgres=f"127.0.0.1:{self.ports['postgres']}",
                                      redis=f"127.0.0.1:{self.ports['redis']}",
                                      api_server=f"127.0.0.1:{self.ports['api']}"),
            # loopback only: the scheduler's health server (compose: inside its container)
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": "127.0.0.1",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(self.ports["scheduler_health"]),
            "CSC_EXTRACT_DIR": str(self.drop),      # compose: /data/drop (unused here: a region is configured)
            "CSC_OUT_DIR": str(self.out),           # compose: /data/out
            "CSC_CONFIG": "",
            "CSC_REGION_CONFIG": str(self.region),
        }

    def local_args(self, service: str) -> list[str]:
        if service == "airflow-api-server":
            return ["--host", "127.0.0.1", "--port", str(self.ports["api"])]
        return []


def secret_values() -> dict[str, str]:
    return {
        "POSTGRES_USER": "airflow",
        "POSTGRES_DB": "airflow",
        "POSTGRES_PASSWORD": secrets.token_hex(24),
        "REDIS_PASSWORD": secrets.token_hex(24),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
        "AIRFLOW__CORE__FERNET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "AIRFLOW_ADMIN_USER": "admin",
        # begins with "-" on purpose: the init script must pass such a password whole to `users create`
        "AIRFLOW_ADMIN_PASSWORD": "-" + secrets.token_urlsafe(18),
    }


def init_refuses_weak_passwords(d: Deployment, logs: Path) -> None:
    """The compose init script stops before touching anything when the admin password is missing, a default
    or short, so the UI is never left on default credentials."""
    for password, why in (("", "is not set"), ("change-me-too", "a default value"), ("admin", "a default value"),
                          ("Short1pass", "at least 12 characters")):
        env = {**d.environment(), "AIRFLOW_ADMIN_USER": "admin", "AIRFLOW_ADMIN_PASSWORD": password}
        done = subprocess.run(["bash", "-c", dep.INIT_SCRIPT], check=False, env=env, capture_output=True, text=True,
                              timeout=30)
        if done.returncode == 0 or why not in done.stderr:
            raise IntegrationError(f"the init script accepted the admin password {password!r} (exit "
                                   f"{done.returncode}): {done.stderr.strip()}")
    log("   the init script refuses a missing, default or short admin password")


def migrate_and_create_admin(d: Deployment, logs: Path) -> None:
    env = {**d.environment(), **{k: d.values[k] for k in ("AIRFLOW_ADMIN_USER", "AIRFLOW_ADMIN_PASSWORD")}}
    log_path = logs / "airflow-init.log"
    done = run_quietly(["bash", "-c", dep.INIT_SCRIPT], log_path, env=env, umask=int(dep.UMASK, 8), timeout=600)
    if done.returncode:
        raise IntegrationError(f"the init script failed (exit {done.returncode}):\n{tail(log_path)}")
    password_file = d.home.parent / "admin-password"
    password_file.write_text(d.values["AIRFLOW_ADMIN_PASSWORD"] + "\n")
    password_file.chmod(0o600)
    log(f"   metadata database migrated, admin {d.values['AIRFLOW_ADMIN_USER']!r} created (its generated password "
        f"is in {relative(password_file)})")


def start_airflow(sup: Supervisor, d: Deployment) -> None:
    env = d.environment()
    for service, args in dep.AIRFLOW_SERVICES.items():
        sup.start(service, [str(VENV_BIN / "airflow"), *args, *d.local_args(service)], env,
                  umask=int(dep.UMASK, 8))


def run_healthchecks(sup: Supervisor, d: Deployment) -> None:
    """The compose health checks, run here (all at once, each retried until it passes), and the API's own
    view of the components."""
    env = {**d.environment(), "HOSTNAME": _airflow_hostname()}
    command = {name: dep.healthcheck(name, api_port=d.ports["api"], scheduler_health_port=d.ports["scheduler_health"])
               for name in dep.HEALTHCHECKS}
    running: dict[str, subprocess.Popen] = {}
    retry_at = dict.fromkeys(command, 0.0)
    last_output: dict[str, str] = {}
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while retry_at:
            sup.check_alive()
            now = time.monotonic()
            for name in [n for n, at in retry_at.items() if n not in running and at <= now]:
                running[name] = subprocess.Popen(["bash", "-c", command[name]], env=env, stdout=subprocess.PIPE,
                                                 stderr=subprocess.STDOUT, text=True)
            for name, proc in list(running.items()):
                if proc.poll() is None:
                    continue
                last_output[name] = proc.stdout.read()
                del running[name]
                if proc.returncode == 0:
                    retry_at.pop(name)
                    log(f"   healthy: {name} ({command[name].split(' --')[0]} ...)")
                else:
                    retry_at[name] = time.monotonic() + 3
            if time.monotonic() > deadline:
                failing = {n: last_output.get(n, "(still running)")[-800:] for n in retry_at}
                raise IntegrationError(f"health checks still failing after {STARTUP_TIMEOUT} s: {failing}")
            time.sleep(0.5)
    finally:
        for proc in running.values():
            proc.kill()
            proc.wait()

    def api_health():
        with urllib.request.urlopen(f"{d.api}/api/v2/monitor/health", timeout=5) as response:
            health = json.load(response)
        statuses = {k: (v or {}).get("status") for k, v in health.items()}
        return statuses if all(s == "healthy" for s in statuses.values()) else None

    statuses = wait_for("the API to report every component healthy", api_health, 60, sup, every=2)
    log(f"   /api/v2/monitor/health: {statuses}")


def _airflow_hostname() -> str:
    """What Airflow records as a job's host name (airflow.utils.net.getfqdn), for `airflow jobs check`."""
    name = socket.gethostname()
    with contextlib.suppress(OSError):
        for addr in socket.getaddrinfo(name, None, 0, socket.SOCK_DGRAM, 0, socket.AI_CANONNAME):
            if addr[3]:
                return addr[3]
    return name
