"""Processes the integration suite starts: each in its own process group, logged, recorded and stopped
exactly (also those a killed earlier run left); waiting for a condition while watching they stay alive."""
from __future__ import annotations

import contextlib
import json
import os
import pwd
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from integration import deployment as dep

ROOT = dep.PROJECT_DIR


# the project's .venv; CSC_INTEGRATION_VENV names another one (to try a dependency change without touching it)
VENV_BIN = Path(os.environ.get("CSC_INTEGRATION_VENV") or ROOT / ".venv") / "bin"


WORK = ROOT / "var" / "integration"


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
        self.data_root: Path | None = None   # where PostgreSQL and Redis keep their data

    def start(self, name: str, argv: list[str], env: dict[str, str], *, user: str | None = None,
              stop_signal: int = signal.SIGTERM, umask: int = -1, cwd: Path | None = None) -> Service:
        log_path = self.logs / f"{name}.log"
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, umask=umask, cwd=cwd or ROOT,
                                    **as_user(user))
        service = Service(name, proc, log_path, stop_signal)
        self.services.append(service)
        self._record()
        log(f"   started {name} (pid {proc.pid}{', as ' + user if user else ''}), log {relative(log_path)}")
        return service

    def check_alive(self) -> None:
        for service in self.services:
            if service.proc.poll() is not None:
                raise IntegrationError(f"{service.name} exited (code {service.proc.returncode}), see "
                                       f"{relative(service.log_path)}; it ends:\n{tail(service.log_path)}")

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


def as_user(user: str | None) -> dict:
    return {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []} if user else {}


def relative(path: Path) -> str:
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
