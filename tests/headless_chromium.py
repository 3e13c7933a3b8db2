"""Open a local HTML file in headless Chromium (the Debian package) and report what a reader would see:
console errors, uncaught exceptions, failed loads, and what a script run in the page measures. Talks the
DevTools protocol over the browser's websocket (websockets is already pinned, through Airflow)."""
from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from websockets.sync.client import connect

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium_path() -> str | None:
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


class PageReport(dict):
    """{'errors': [...], 'measured': <the value of the script>, 'screenshot': bytes}"""


def open_page(html_file: Path, measure_js: str, timeout: float = 30.0) -> PageReport:
    binary = chromium_path()
    if binary is None:
        raise RuntimeError("Chromium is not installed: `make browser` installs it from the Debian packages")
    profile = tempfile.mkdtemp(prefix="csc-chromium-")
    # its own session, so that closing it reaches the renderer, network and crash-handler processes too:
    # killing only the browser process left children writing into the profile while it was being removed
    proc = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1200,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        url = _devtools_url(proc, timeout)
        with connect(url, max_size=None, open_timeout=timeout) as ws:
            report = _inspect(ws, Path(html_file).resolve().as_uri(), measure_js, timeout)
            _close_browser(ws)
        return report
    finally:
        _stop(proc)
        _remove_profile(Path(profile))


def _close_browser(ws) -> None:
    """Ask the browser to shut down cleanly (it flushes and closes its children); best effort."""
    try:
        ws.send(json.dumps({"id": 0, "method": "Browser.close"}))
    except Exception:  # noqa: BLE001 - the process group is killed next anyway
        pass


def _stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _remove_profile(profile: Path, attempts: int = 20) -> None:
    """A child that outlived the group kill for a moment can still add a file: retry, then leave it behind
    (a scratch profile in /tmp is not worth failing the test that used it)."""
    for _ in range(attempts):
        shutil.rmtree(profile, ignore_errors=True)
        if not profile.exists():
            return
        time.sleep(0.25)


def _devtools_url(proc: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    for line in proc.stderr:
        found = re.search(r"DevTools listening on (ws://\S+)", line)
        if found:
            return found.group(1)
        if time.monotonic() > deadline:
            break
    raise RuntimeError("Chromium did not start its DevTools endpoint")


def _inspect(ws, url: str, measure_js: str, timeout: float) -> PageReport:
    ids = itertools.count(1)
    events: list[dict] = []

    def call(method, params=None, session=None):
        msg_id = next(ids)
        ws.send(json.dumps({"id": msg_id, "method": method, "params": params or {},
                            **({"sessionId": session} if session else {})}))
        while True:
            msg = json.loads(ws.recv(timeout=timeout))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            events.append(msg)

    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        call(f"{domain}.enable", session=session)
    call("Page.navigate", {"url": url}, session=session)
    deadline = time.monotonic() + timeout
    while not any(e.get("method") == "Page.loadEventFired" for e in events):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not finish loading")
        events.append(json.loads(ws.recv(timeout=timeout)))
    measured = call("Runtime.evaluate", {"expression": measure_js, "returnByValue": True}, session=session)
    shot = call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
    return PageReport(errors=_errors(events), measured=measured.get("result", {}).get("value"),
                      screenshot=base64.b64decode(shot["data"]))


def _errors(events: list[dict]) -> list[str]:
    errors = []
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            errors.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
        elif method == "Runtime.exceptionThrown":
            errors.append("exception: " + p["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            errors.append("log: " + p["entry"].get("text", ""))
        elif method == "Network.loadingFailed":
            errors.append("load failed: " + p.get("errorText", ""))
    return errors
