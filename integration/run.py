"""`make integration`: the production deployment (docker-compose.yml) tested for real, without Docker.

Starts the compose file's services as local processes on loopback addresses: private PostgreSQL and Redis
instances (Debian 12's postgresql-15 and redis-server, installed when missing), the metadata database
migrated and the first admin created by the compose init script, then the Airflow api-server, scheduler,
dag-processor, triggerer and a Celery worker from the project's .venv with the CeleryExecutor, the FAB auth
manager and a throwaway AIRFLOW_HOME under var/integration/. Every setting comes from
integration/deployment.py, which tests/test_deployment_drift.py keeps equal to docker-compose.yml.

The deployment serves a region of two authorities (CSC_REGION_CONFIG), so each run is a mapped task group
per authority on the Celery worker. Then, through the REST API (JWT from /auth/token):

1. the API refuses calls without a token, and a default or wrong password;
2. the nightly DAG is triggered with a generated extract per authority and succeeds; the outputs are
   checked (exceptions, KPIs, recording gaps, workbooks, docs, run manifest, owner-only files);
3. a new extract is dropped (its manifest.json last) into one authority's folder: the watcher DAG announces
   it, the nightly DAG runs from the asset event and publishes that authority only; the extract is processed
   exactly once, and a further watcher run announces nothing.

Every process it started is stopped at the end, also on failure or interruption; the system's own PostgreSQL
and Redis services (if any) are never touched. Logs stay in var/integration/logs/ for reading afterwards.

    .venv/bin/python -m integration.run [--keep-running]
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import datetime as dt
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from integration import deployment as dep

ROOT = dep.PROJECT_DIR
# the project's .venv; CSC_INTEGRATION_VENV names another one (to try a dependency change without touching it)
VENV_BIN = Path(os.environ.get("CSC_INTEGRATION_VENV") or ROOT / ".venv") / "bin"
WORK = ROOT / "var" / "integration"
NIGHTLY, WATCH = "csc_compliance_nightly", "csc_compliance_watch"
AUTHORITIES = 2
FIRST_AS_AT, SECOND_AS_AT = "2026-11-20", "2026-11-23"
RUN_TIMEOUT = 420            # seconds for one nightly run (two demo authorities on two cores: about 2 minutes)
STARTUP_TIMEOUT = 240
PG_BIN = Path(f"/usr/lib/postgresql/{dep.POSTGRES['major']}/bin")
REDIS_SERVER = Path("/usr/bin/redis-server")

_T0 = time.monotonic()


class IntegrationError(Exception):
    """A check failed: the message says which and why."""


def log(message: str) -> None:
    print(f"[{time.monotonic() - _T0:6.1f}s] {message}", flush=True)


def tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"({path} cannot be read)"
    return "\n".join("      | " + line for line in text[-lines:])


class Steps:
    """Each step of the scenario, logged with its duration."""

    def __init__(self) -> None:
        self.done: list[tuple[str, float, bool]] = []

    @contextlib.contextmanager
    def __call__(self, name: str):
        number = len(self.done) + 1
        log(f"== step {number}: {name}")
        start = time.monotonic()
        try:
            yield
        except BaseException:
            self.done.append((name, time.monotonic() - start, False))
            log(f"!! step {number} FAILED after {time.monotonic() - start:.1f} s")
            raise
        self.done.append((name, time.monotonic() - start, True))
        log(f"   step {number} passed ({time.monotonic() - start:.1f} s)")

    def summary(self) -> str:
        rows = [f"  {i:>2}. {'ok  ' if ok else 'FAIL'} {secs:7.1f} s  {name}"
                for i, (name, secs, ok) in enumerate(self.done, start=1)]
        return "\n".join(["Step timings:", *rows, f"      total {time.monotonic() - _T0:7.1f} s"])


# --- processes -------------------------------------------------------------------------------------------

@dataclass
class Service:
    name: str
    proc: subprocess.Popen
    log_path: Path
    stop_signal: int


class Supervisor:
    """Starts services in their own process groups, records their ids, and stops exactly those."""

    def __init__(self, logs: Path, pid_file: Path) -> None:
        self.logs, self.pid_file = logs, pid_file
        self.services: list[Service] = []

    def start(self, name: str, argv: list[str], env: dict[str, str], *, user: str | None = None,
              stop_signal: int = signal.SIGTERM, umask: int = -1, cwd: Path | None = None) -> Service:
        log_path = self.logs / f"{name}.log"
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, umask=umask, cwd=cwd or ROOT,
                                    **_as_user(user))
        service = Service(name, proc, log_path, stop_signal)
        self.services.append(service)
        self._record()
        log(f"   started {name} (pid {proc.pid}{', as ' + user if user else ''}), log {_rel(log_path)}")
        return service

    def check_alive(self) -> None:
        for service in self.services:
            if service.proc.poll() is not None:
                raise IntegrationError(f"{service.name} exited (code {service.proc.returncode}), see "
                                       f"{_rel(service.log_path)}; it ends:\n{tail(service.log_path)}")

    def stop_all(self) -> None:
        for service in reversed(self.services):
            proc = service.proc
            if proc.poll() is None:
                start = time.monotonic()
                try:
                    os.killpg(proc.pid, service.stop_signal)
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(timeout=45)
                except subprocess.TimeoutExpired:
                    log(f"   {service.name} did not stop in 45 s: killing its process group")
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=15)
                log(f"   stopped {service.name} (pid {proc.pid}) in {time.monotonic() - start:.1f} s")
            # anything its children left in the group (e.g. a task process) goes too
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        self.services.clear()
        self.pid_file.unlink(missing_ok=True)

    def _record(self) -> None:
        self.pid_file.write_text(json.dumps([{"name": s.name, "pid": s.proc.pid, "cmdline": _cmdline(s.proc.pid)}
                                             for s in self.services]))

    @staticmethod
    def reap_leftovers(pid_file: Path) -> None:
        """A previous run killed without its clean-up (SIGKILL) left its services: stop exactly those (same
        process id and command line as recorded)."""
        try:
            recorded = json.loads(pid_file.read_text())
        except (OSError, ValueError):
            return
        for entry in recorded:
            if entry.get("cmdline") and _cmdline(entry["pid"]) == entry["cmdline"]:
                log(f"   stopping {entry['name']} (pid {entry['pid']}) left by a previous run")
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(entry["pid"], signal.SIGKILL)
        pid_file.unlink(missing_ok=True)
        time.sleep(1)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _as_user(user: str | None) -> dict:
    return {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []} if user else {}


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def run_quietly(argv: list[str], log_path: Path, **kwargs) -> subprocess.CompletedProcess:
    with open(log_path, "ab") as out:
        return subprocess.run(argv, check=False, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, check, timeout: float, supervisor: Supervisor | None = None, every: float = 1.0):
    """Call `check` until it returns something true; fail after `timeout` seconds or if a service died."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if supervisor:
            supervisor.check_alive()
        try:
            result = check()
        except Exception as exc:  # noqa: BLE001 - not ready yet; the last error is reported on timeout
            last_error, result = exc, None
        if result:
            return result
        time.sleep(every)
    raise IntegrationError(f"timed out after {timeout:.0f} s waiting for {what}"
                           + (f" (last error: {last_error})" if last_error else ""))


# --- infrastructure: PostgreSQL and Redis ------------------------------------------------------------------

def ensure_packages() -> None:
    """Install Debian 12's PostgreSQL 15, Redis 7 and curl when missing, without starting their services."""
    wanted = {dep.POSTGRES["debian_package"]: PG_BIN / "postgres", dep.REDIS["debian_package"]: REDIS_SERVER,
              "curl": Path("/usr/bin/curl")}
    missing = [package for package, path in wanted.items() if not path.exists()]
    if not missing:
        log(f"   already installed: {', '.join(wanted)}")
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise IntegrationError(f"missing {', '.join(missing)}: install them (apt-get install {' '.join(missing)}) "
                               "or run as root")
    log(f"   installing {', '.join(missing)} from the Debian packages (their services are not started)")
    guard = Path("/usr/sbin/policy-rc.d")   # Debian's switch: packages do not start services while it exits 101
    created = not guard.exists()
    if created:
        guard.write_text("#!/bin/sh\n# make integration: install packages without starting their services\nexit 101\n")
        guard.chmod(0o755)
    try:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for argv in (["apt-get", "update", "-qq"],
                     ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]):
            done = subprocess.run(argv, check=False, env=env, capture_output=True, text=True)
            if done.returncode:
                raise IntegrationError(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    finally:
        if created:
            guard.unlink(missing_ok=True)


def check_versions() -> None:
    def version_of(binary: Path) -> str:
        return subprocess.run([binary, "--version"], check=False, capture_output=True, text=True).stdout

    found = {"PostgreSQL": (version_of(PG_BIN / "postgres"), r"\) (\d+)", dep.POSTGRES["major"]),
             "Redis": (version_of(REDIS_SERVER), r"v=(\d+)", dep.REDIS["major"]),
             "Python": (sys.version, r"^(\d+\.\d+)", dep.PYTHON_VERSION)}
    for name, (text, pattern, expected) in found.items():
        match = re.search(pattern, text)
        if not match or match.group(1) != expected:
            raise IntegrationError(f"{name} {match.group(1) if match else '?'} here, {expected} in the deployment "
                                   f"(integration/deployment.py): {text.strip()}")
    from importlib.metadata import version

    if version("apache-airflow") != dep.airflow_version():
        raise IntegrationError(f"the .venv has apache-airflow {version('apache-airflow')}, requirements.lock pins "
                               f"{dep.airflow_version()}: run `make setup`")
    log(f"   PostgreSQL {dep.POSTGRES['major']}, Redis {dep.REDIS['major']}, Python {dep.PYTHON_VERSION}, "
        f"apache-airflow {dep.airflow_version()}, {dep.EXECUTOR}: as in docker-compose.yml and the Dockerfile")


def service_user(name: str) -> str | None:
    """Root runs the database and the broker as their packages' own users (initdb refuses root)."""
    return name if os.geteuid() == 0 else None


def start_postgres(sup: Supervisor, data_root: Path, port: int, values: dict) -> None:
    user = service_user("postgres")
    base = data_root / "postgres"
    base.mkdir(mode=0o700)
    password_file = base / "pwfile"
    password_file.write_text(values["POSTGRES_PASSWORD"] + "\n")
    password_file.chmod(0o600)
    if user:
        for path in (base, password_file):
            shutil.chown(path, user, pwd.getpwnam(user).pw_gid)
    init_log = sup.logs / "postgres-initdb.log"
    done = run_quietly([str(PG_BIN / "initdb"), "-D", str(base / "data"), "-U", values["POSTGRES_USER"],
                        f"--pwfile={password_file}", "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"],
                       init_log, cwd=base, **_as_user(user))
    password_file.unlink()
    if done.returncode:
        raise IntegrationError(f"initdb failed:\n{tail(init_log)}")
    sup.start("postgres", [str(PG_BIN / "postgres"), "-D", str(base / "data"), "-p", str(port),
                           "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={base}",
                           # a throwaway database: no need to survive a power cut
                           "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
              os.environ.copy(), user=user, stop_signal=signal.SIGINT, cwd=base)

    import psycopg2

    def connect():
        return psycopg2.connect(host="127.0.0.1", port=port, user=values["POSTGRES_USER"],
                                password=values["POSTGRES_PASSWORD"], dbname="postgres", connect_timeout=3)

    con = wait_for("PostgreSQL to accept connections", connect, 60, sup, every=0.5)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{values["POSTGRES_DB"]}"')
    con.close()
    log(f"   PostgreSQL on 127.0.0.1:{port}, database {values['POSTGRES_DB']}, password authentication")


def start_redis(sup: Supervisor, data_root: Path, port: int, password: str) -> None:
    user = service_user("redis")
    base = data_root / "redis"
    base.mkdir(mode=0o700)
    conf = base / "redis.conf"
    conf.write_text(f"bind 127.0.0.1\nport {port}\nprotected-mode yes\nrequirepass {password}\ndir {base}\n"
                    'save ""\nappendonly no\ndaemonize no\nlogfile ""\n')
    conf.chmod(0o600)
    if user:
        for path in (base, conf):
            shutil.chown(path, user, pwd.getpwnam(user).pw_gid)
    sup.start("redis", [str(REDIS_SERVER), str(conf)], os.environ.copy(), user=user, cwd=base)

    import redis

    wait_for("Redis to answer", lambda: redis.Redis(host="127.0.0.1", port=port, password=password,
                                                     socket_timeout=2).ping(), 30, sup, every=0.5)
    unauthenticated = subprocess.run(["redis-cli", "-p", str(port), "ping"], check=False, capture_output=True,
                                     text=True)
    if "PONG" in unauthenticated.stdout:
        raise IntegrationError("Redis answered without its password")
    log(f"   Redis on 127.0.0.1:{port}, password required")


# --- Airflow -------------------------------------------------------------------------------------------------

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
        f"is in {_rel(password_file)})")


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


# --- the REST API ----------------------------------------------------------------------------------------------

class Api:
    def __init__(self, base: str) -> None:
        self.base = base
        self.token: str | None = None

    def call(self, method: str, path: str, body: dict | None = None, *, auth: bool = True,
             query: dict | None = None) -> tuple[int, dict | list | None]:
        url = self.base + path + (f"?{urllib.parse.urlencode(query, doseq=True)}" if query else "")
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = {"text": raw[:500].decode(errors="replace")}
        return status, payload

    def ok(self, method: str, path: str, body: dict | None = None, expect: tuple[int, ...] = (200,),
           query: dict | None = None):
        status, payload = self.call(method, path, body, query=query)
        if status not in expect:
            raise IntegrationError(f"{method} {path} answered {status} (expected {expect}): {payload}")
        return payload

    def login(self, username: str, password: str) -> int:
        status, payload = self.call("POST", "/auth/token", {"username": username, "password": password}, auth=False)
        if status in (200, 201):
            self.token = payload["access_token"]
        return status


def check_authentication(api: Api, d: Deployment) -> None:
    refused = {}
    for method, path, body in (("GET", "/api/v2/dags", None),
                               ("POST", f"/api/v2/dags/{NIGHTLY}/dagRuns", {"logical_date": None}),
                               ("GET", "/api/v2/config", None)):
        status, _ = api.call(method, path, body, auth=False)
        if status not in (401, 403):
            raise IntegrationError(f"{method} {path} without a token answered {status}, not 401/403")
        refused[f"{method} {path}"] = status
    bogus = Api(api.base)
    bogus.token = "not-a-token"
    status, _ = bogus.call("GET", "/api/v2/dags")
    if status not in (401, 403):
        raise IntegrationError(f"GET /api/v2/dags with a forged token answered {status}, not 401/403")
    refused["GET /api/v2/dags (forged token)"] = status
    for user, password in (("admin", "admin"), ("airflow", "airflow"), (d.values["AIRFLOW_ADMIN_USER"], "wrong")):
        status = Api(api.base).login(user, password)
        if status not in (401, 403):
            raise IntegrationError(f"/auth/token gave a token for {user}/{password} (status {status})")
        refused[f"token for {user}/{password}"] = status
    log("   refused: " + ", ".join(f"{k} -> {v}" for k, v in refused.items()))
    status = api.login(d.values["AIRFLOW_ADMIN_USER"], d.values["AIRFLOW_ADMIN_PASSWORD"])
    if status not in (200, 201):
        raise IntegrationError(f"/auth/token refused the admin's generated password (status {status})")
    log(f"   JWT obtained from /auth/token for {d.values['AIRFLOW_ADMIN_USER']!r} (status {status})")


def wait_for_dags(api: Api, sup: Supervisor) -> None:
    def parsed():
        dags = {dag_id: api.ok("GET", f"/api/v2/dags/{dag_id}") for dag_id in (NIGHTLY, WATCH)}
        return dags
    dags = wait_for("the dag-processor to parse both DAGs", parsed, 180, sup, every=2)
    errors = api.ok("GET", "/api/v2/importErrors")
    if errors.get("total_entries"):
        raise IntegrationError(f"DAG import errors: {errors}")
    for dag_id, dag in dags.items():
        log(f"   {dag_id}: paused={dag['is_paused']}, schedule {dag.get('timetable_summary')!r}")


def run_label(codes: list[str], ti: dict) -> str:
    index = ti.get("map_index", -1)
    where = f"[{codes[index]}]" if index is not None and 0 <= index < len(codes) else ""
    return f"{ti['task_id']}{where}"


def wait_for_run(api: Api, sup: Supervisor, d: Deployment, dag_id: str, run_id: str,
                 timeout: float = RUN_TIMEOUT) -> tuple[dict, list[dict]]:
    """Follow a run to its end, logging each task's state changes (with the worker that ran it)."""
    quoted = urllib.parse.quote(run_id, safe="")
    seen: dict[tuple, str] = {}
    deadline = time.monotonic() + timeout
    while True:
        sup.check_alive()
        run = api.ok("GET", f"/api/v2/dags/{dag_id}/dagRuns/{quoted}")
        tis = api.ok("GET", f"/api/v2/dags/{dag_id}/dagRuns/{quoted}/taskInstances",
                     query={"limit": 100})["task_instances"]
        for ti in sorted(tis, key=lambda t: (t.get("start_date") or "", t["task_id"], t.get("map_index", -1))):
            key = (ti["task_id"], ti.get("map_index", -1))
            state = ti.get("state") or "none"
            if seen.get(key) != state and state in ("queued", "running", "success", "failed", "skipped",
                                                    "upstream_failed"):
                seen[key] = state
                extra = ""
                if state in ("success", "failed") and ti.get("duration") is not None:
                    extra = f" ({ti['duration']:.1f} s on {ti.get('hostname') or '?'})"
                log(f"     {dag_id} {run_label(d.codes, ti)}: {state}{extra}")
        if run["state"] in ("success", "failed"):
            if run["state"] == "failed":
                raise IntegrationError(f"{dag_id} run {run_id} failed:\n{failed_task_logs(d, dag_id, run_id, tis)}")
            return run, tis
        if time.monotonic() > deadline:
            raise IntegrationError(f"{dag_id} run {run_id} still {run['state']} after {timeout:.0f} s")
        time.sleep(2)


def failed_task_logs(d: Deployment, dag_id: str, run_id: str, tis: list[dict]) -> str:
    """How to read a failed run: each failed task's log (the same files the UI shows)."""
    parts = []
    for ti in tis:
        if ti.get("state") != "failed":
            continue
        folder = d.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={ti['task_id']}"
        files = sorted(folder.rglob("*.log"))
        index = ti.get("map_index", -1)
        if index is not None and index >= 0:
            files = [f for f in files if f"map_index={index}" in str(f)] or files
        for file in files[-1:]:
            parts.append(f"   task {run_label(d.codes, ti)}, log {_rel(file)}:\n{tail(file, 40)}")
    return "\n".join(parts) or "   (no failed task: see the scheduler's log)"


def trigger(api: Api, dag_id: str, *, logical_date: str | None = None, conf: dict | None = None,
            note: str = "") -> str:
    run = api.ok("POST", f"/api/v2/dags/{dag_id}/dagRuns",
                 {"logical_date": logical_date, "conf": conf or {}, "note": note or None}, expect=(200, 201))
    log(f"   POST /api/v2/dags/{dag_id}/dagRuns -> run {run['dag_run_id']!r} ({run['state']})")
    return run["dag_run_id"]


def set_paused(api: Api, dag_id: str, paused: bool) -> None:
    dag = api.ok("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": paused})
    log(f"   PATCH /api/v2/dags/{dag_id} is_paused={paused} -> is_paused={dag['is_paused']}")


def states_by_authority(tis: list[dict], codes: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {code: {} for code in codes}
    for ti in tis:
        index = ti.get("map_index", -1)
        if ti["task_id"].startswith("authority.") and index is not None and 0 <= index < len(codes):
            found[codes[index]][ti["task_id"].split(".", 1)[1]] = ti.get("state")
    return found


# --- the extracts and the outputs -------------------------------------------------------------------------------

def generate_region(d: Deployment, logs: Path) -> None:
    done = run_quietly([str(VENV_BIN / "csc-compliance"), "generate", "--profile", "region", "--each", "demo",
                        "--authorities", str(AUTHORITIES), "--seed", "42", "--as-at", FIRST_AS_AT,
                        "--out", str(d.drop), "--region-out", str(d.out)], logs / "generate.log")
    if done.returncode or not d.region.exists():
        raise IntegrationError(f"generating the region failed:\n{tail(logs / 'generate.log')}")
    from csc_compliance.authorities import load_region

    d.codes[:] = [a["code"] for a in load_region(d.region)]
    log(f"   {len(d.codes)} synthetic demo extracts as at {FIRST_AS_AT} ({', '.join(d.codes)}) under "
        f"{_rel(d.drop)}; regional file {_rel(d.region)} (CSC_REGION_CONFIG), outputs under {_rel(d.out)}")


def drop_new_extract(d: Deployment, code: str, logs: Path) -> str:
    """Like an authority's extract job: the new files replace the old ones, and manifest.json comes last."""
    from csc_compliance.arrivals import MARKER, extract_fingerprint

    staging = d.home.parent / "incoming" / code
    done = run_quietly([str(VENV_BIN / "csc-compliance"), "generate", "--profile", "demo", "--seed", "4242",
                        "--as-at", SECOND_AS_AT, "--out", str(staging)], logs / "generate.log")
    if done.returncode:
        raise IntegrationError(f"generating the second extract failed:\n{tail(logs / 'generate.log')}")
    target = d.drop / code
    (target / MARKER).unlink()                       # from here the extract is incomplete: nobody takes it
    for old in target.iterdir():
        if old.is_file():
            old.unlink()
    for new in sorted(staging.iterdir()):
        if new.is_file() and new.name != MARKER:
            shutil.copy2(new, target / new.name)
    manifest = json.loads((staging / MARKER).read_text())
    tmp = target / (MARKER + ".tmp")
    tmp.write_text(json.dumps({**manifest, "authority": code}, indent=2))
    tmp.replace(target / MARKER)
    fingerprint = extract_fingerprint(target)
    log(f"   dropped a new extract for {code} as at {SECOND_AS_AT} into {_rel(target)} (manifest.json last), "
        f"fingerprint {fingerprint[:12]}")
    return fingerprint


def rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def check_outputs(out: Path, code: str, as_at: str, fingerprint: str) -> dict:
    """The published outputs of one authority: present, non-empty, for this extract, owner-only."""
    checks = {}
    for name in ("exceptions/exceptions.csv", "kpis/kpi_values.csv", "dq/recording_gaps.csv"):
        path = out / name
        if not path.is_file() or rows(path) == 0:
            raise IntegrationError(f"{code}: {name} is missing or has no rows")
        checks[name] = rows(path)
    for name in ("data_docs/index.html", "dbt_docs/index.html", "exceptions/summary.html", "history.duckdb",
                 "warehouse.duckdb", "run_manifest.json"):
        path = out / name
        if not path.is_file() or path.stat().st_size == 0:
            raise IntegrationError(f"{code}: {name} is missing or empty")
    workbooks = sorted(p.name for p in (out / "exceptions").glob("*.xlsx"))
    if not workbooks:
        raise IntegrationError(f"{code}: no lead workbook in {out / 'exceptions'}")
    manifest = json.loads((out / "run_manifest.json").read_text())
    got = (manifest.get("reporting_date"), manifest.get("extract", {}).get("fingerprint"),
           manifest.get("authority", {}).get("code"))
    if got != (as_at, fingerprint, code):
        raise IntegrationError(f"{code}: run_manifest.json has reporting date, fingerprint, authority {got}; "
                               f"expected {(as_at, fingerprint, code)}")
    shared = [str(p.relative_to(out)) for p in [out, *out.rglob("*")]
              if p.stat().st_mode & 0o077 and not p.is_symlink()]
    if shared:
        raise IntegrationError(f"{code}: readable by others than the owner (umask {dep.UMASK} expected): "
                               f"{shared[:5]}")
    checks["workbooks"] = len(workbooks)
    return checks


# --- the scenario --------------------------------------------------------------------------------------------------

def scenario(steps: Steps, sup: Supervisor, data_root: Path, keep_running: bool) -> None:
    logs = sup.logs
    values = secret_values()
    ports = {name: free_port() for name in ("postgres", "redis", "api", "scheduler_health")}
    d = Deployment(home=WORK / "airflow", values=values, ports=ports, drop=WORK / "drop", out=WORK / "out",
                   region=WORK / "drop" / "region.yml", codes=[])
    d.home.mkdir(mode=0o700)

    with steps("PostgreSQL and Redis from the Debian packages (installed if missing), private instances"):
        ensure_packages()
        check_versions()
        start_postgres(sup, data_root, ports["postgres"], values)
        start_redis(sup, data_root, ports["redis"], values["REDIS_PASSWORD"])

    with steps("generate a region of two synthetic extracts (the drop folders)"):
        generate_region(d, logs)

    with steps("airflow-init: migrate the metadata database, create the admin from the environment"):
        init_refuses_weak_passwords(d, logs)
        migrate_and_create_admin(d, logs)

    with steps("start the Airflow services (CeleryExecutor, FAB auth manager, loopback) and their health checks"):
        start_airflow(sup, d)
        run_healthchecks(sup, d)

    api = Api(d.api)
    with steps("the API requires authentication; JWT for the admin; both DAGs parsed"):
        check_authentication(api, d)
        wait_for_dags(api, sup)

    with steps("run 1: trigger the nightly DAG through the REST API; every authority publishes"):
        dag = api.ok("GET", f"/api/v2/dags/{NIGHTLY}")
        slot = dag.get("next_dagrun_logical_date")
        # The scheduler would add a catch-up run for the latest 01:30 slot as soon as the DAG is unpaused
        # (catchup=False runs the most recent slot). Triggering that slot first means the run is ours alone.
        log(f"   next scheduled slot {slot}: triggered through the API before unpausing, so the scheduler "
            "does not add a catch-up run for it")
        run_id = trigger(api, NIGHTLY, logical_date=slot, note="make integration: run 1 (REST API)")
        set_paused(api, NIGHTLY, False)
        _, tis = wait_for_run(api, sup, d, NIGHTLY, run_id)
        states = states_by_authority(tis, d.codes)
        from csc_compliance.arrivals import extract_fingerprint

        for code in d.codes:
            if set(states[code].values()) != {"success"} or len(states[code]) != 5:
                raise IntegrationError(f"run 1: {code}'s tasks ended {states[code]}, not all success")
            checks = check_outputs(d.out / code, code, FIRST_AS_AT, extract_fingerprint(d.drop / code))
            log(f"   {code} published: {checks}")
        hosts = sorted({ti.get("hostname") or "?" for ti in tis})
        runs = api.ok("GET", f"/api/v2/dags/{NIGHTLY}/dagRuns")["total_entries"]
        if runs != 1:
            raise IntegrationError(f"{runs} nightly runs after run 1, expected exactly the triggered one")
        log(f"   run {run_id!r} succeeded: {len(d.codes)} authorities as mapped task groups on {hosts}; "
            "no other nightly run was created")

    first_published = {code: (d.out / code / "run_manifest.json").read_bytes() for code in d.codes}
    target = d.codes[0]
    with steps("unpause the watcher: it announces nothing while every extract is published"):
        set_paused(api, WATCH, False)
        # unpausing makes the scheduler run the latest 5-minute slot at once
        scheduled = wait_for("the watcher's first scheduled run",
                             lambda: api.ok("GET", f"/api/v2/dags/{WATCH}/dagRuns",
                                            query={"run_type": "scheduled"})["dag_runs"], 60, sup, every=2)
        _, tis = wait_for_run(api, sup, d, WATCH, scheduled[0]["dag_run_id"], timeout=120)
        if [ti["state"] for ti in tis] != ["skipped"]:
            raise IntegrationError(f"the watcher announced something with nothing new: {tis}")
        log("   nothing new: its task skipped, no asset event")

    with steps(f"run 2: drop a new extract for {target}; the watcher announces it; the nightly DAG runs from "
               "the asset event"):
        dropped_at = dt.datetime.now(dt.UTC)
        fingerprint = drop_new_extract(d, target, logs)
        watch_run = trigger(api, WATCH, note="make integration: announce the new extract")
        _, tis = wait_for_run(api, sup, d, WATCH, watch_run, timeout=120)
        events = wait_for("the asset event", lambda: asset_events_since(api, dropped_at), 30, sup)
        if len(events) != 1 or events[0].get("extra", {}).get("authorities") != [target]:
            raise IntegrationError(f"expected one csc_extract_arrived event for {[target]}, got {events}")
        event = events[0]
        log(f"   asset event {event['id']} on {event.get('name')!r} from {event['source_dag_id']} run "
            f"{event['source_run_id']!r}: authorities {event['extra']['authorities']}")
        created = wait_for("the asset-triggered nightly run",
                           lambda: nightly_runs_since(api, dropped_at), 60, sup, every=2)
        if len(created) != 1 or created[0]["run_type"] != "asset_triggered":
            raise IntegrationError(f"expected one asset-triggered nightly run, got "
                                   f"{[(r['dag_run_id'], r['run_type']) for r in created]}")
        asset_run = created[0]["dag_run_id"]
        log(f"   nightly run {asset_run!r} ({created[0]['run_type']}) created from the event")
        _, tis = wait_for_run(api, sup, d, NIGHTLY, asset_run)
        states = states_by_authority(tis, d.codes)
        if set(states[target].values()) != {"success"}:
            raise IntegrationError(f"run 2: {target}'s tasks ended {states[target]}")
        checks = check_outputs(d.out / target, target, SECOND_AS_AT, fingerprint)
        log(f"   {target} published the new extract as at {SECOND_AS_AT}: {checks}")
        for code in d.codes[1:]:
            if states[code].get("prepare") != "skipped" or \
                    (d.out / code / "run_manifest.json").read_bytes() != first_published[code]:
                raise IntegrationError(f"run 2: {code} (unchanged extract) was not skipped: {states[code]}")
            log(f"   {code}: extract unchanged, already published for {FIRST_AS_AT}: skipped, outputs untouched")

    with steps("exactly once: a further watcher run announces nothing and no other nightly run follows"):
        manifest_after = (d.out / target / "run_manifest.json").read_bytes()
        watch_run = trigger(api, WATCH, note="make integration: nothing new to announce")
        _, tis = wait_for_run(api, sup, d, WATCH, watch_run, timeout=120)
        if [ti["state"] for ti in tis] != ["skipped"]:
            raise IntegrationError(f"the watcher announced the same extract again: {tis}")
        time.sleep(10)   # several scheduler loops: an asset event would have created a run by now
        events = asset_events_since(api, dropped_at)
        runs = nightly_runs_since(api, dropped_at)
        processed = [r["dag_run_id"] for r in runs
                     if states_by_authority(api.ok("GET", f"/api/v2/dags/{NIGHTLY}/dagRuns/"
                                                   f"{urllib.parse.quote(r['dag_run_id'], safe='')}/taskInstances",
                                                   query={"limit": 100})["task_instances"],
                                            d.codes)[target].get("publish") == "success"]
        if len(events) != 1 or len(runs) != 1 or len(processed) != 1 or \
                (d.out / target / "run_manifest.json").read_bytes() != manifest_after:
            raise IntegrationError(f"the new extract was not processed exactly once: {len(events)} asset events, "
                                   f"nightly runs {[r['dag_run_id'] for r in runs]}, published by {processed}")
        log(f"   watcher run {watch_run!r} skipped; since the drop: 1 asset event, 1 nightly run, "
            f"{target} published once")

    if keep_running:
        log(f"Kept running (Ctrl-C stops everything): UI {d.api} as {values['AIRFLOW_ADMIN_USER']!r}, password in "
            f"{_rel(WORK / 'admin-password')}")
        try:
            while True:
                sup.check_alive()
                time.sleep(5)
        except KeyboardInterrupt:
            log("interrupted: stopping")


def asset_events_since(api: Api, since: dt.datetime) -> list[dict]:
    return api.ok("GET", "/api/v2/assets/events",
                  query={"source_dag_id": WATCH, "timestamp_gte": since.isoformat(), "limit": 100})["asset_events"]


def nightly_runs_since(api: Api, since: dt.datetime) -> list[dict]:
    return api.ok("GET", f"/api/v2/dags/{NIGHTLY}/dagRuns",
                  query={"run_after_gte": since.isoformat(), "limit": 100})["dag_runs"]


def _raise_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m integration.run", description=__doc__.splitlines()[0])
    parser.add_argument("--keep-running", action="store_true",
                        help="after the checks, keep the services up until Ctrl-C (to look at the UI)")
    args = parser.parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_on_signal)
    log(f"make integration: the docker-compose.yml deployment as local processes, in {_rel(WORK)}")
    Supervisor.reap_leftovers(WORK / "pids.json")
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    (WORK / "logs").mkdir()
    # PostgreSQL and Redis run as their own users: their data lives in a private temporary folder
    data_root = Path(tempfile.mkdtemp(prefix="csc-integration-"))
    data_root.chmod(0o711)
    steps = Steps()
    sup = Supervisor(WORK / "logs", WORK / "pids.json")
    failed = None
    try:
        scenario(steps, sup, data_root, args.keep_running)
    except (IntegrationError, KeyboardInterrupt) as exc:
        failed = exc
    except Exception as exc:  # noqa: BLE001 - reported, and everything is still stopped
        import traceback

        traceback.print_exc()
        failed = exc
    finally:
        if failed is not None and not isinstance(failed, KeyboardInterrupt):
            log(f"FAILED: {failed}")
            for service in sup.services:
                log(f"   {service.name} log ({_rel(service.log_path)}) ends:\n{tail(service.log_path, 12)}")
        log("== stopping every process this run started")
        sup.stop_all()
        shutil.rmtree(data_root, ignore_errors=True)
        print(steps.summary(), flush=True)
    if failed is not None:
        why = ("interrupted" if isinstance(failed, KeyboardInterrupt)
               else (str(failed).splitlines() or ["?"])[0].rstrip(":"))
        print(f"make integration FAILED ({why}); logs in {_rel(WORK / 'logs')}", flush=True)
        print(f"integration: {sum(ok for _, _, ok in steps.done)} passed, 1 failed", flush=True)
        return 1
    print(f"integration: {len(steps.done)} passed, 0 failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
