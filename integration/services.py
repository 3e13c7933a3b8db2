"""The compose file's infrastructure as private local instances: PostgreSQL 15 and Redis 7 from the Debian
packages (installed when missing, never started as the system's services)."""
from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from integration import deployment as dep
from integration.processes import IntegrationError, Supervisor, as_user, log, run_quietly, tail, wait_for

PG_BIN = Path(f"/usr/lib/postgresql/{dep.POSTGRES['major']}/bin")


REDIS_SERVER = Path("/usr/bin/redis-server")


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
                       init_log, cwd=base, **as_user(user))
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
