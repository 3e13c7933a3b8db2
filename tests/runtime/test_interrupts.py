"""SIGTERM and Ctrl-C stop a run (csc_compliance.runtime.interrupts); black-box runs are in test_faults.py."""
from __future__ import annotations

import json
import os
import signal

import pytest

from csc_compliance.core.errors import Interrupted
from csc_compliance.pipeline import stage as wrapper
from csc_compliance.runtime import interrupts


@pytest.fixture(autouse=True)
def clean_handlers():
    interrupts.reset()
    yield
    interrupts.uninstall()
    interrupts.reset()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_raises_in_the_main_thread(signum):
    """Python runs the handler as soon as os.kill returns, so the raise comes from that line."""
    interrupts.install()
    with pytest.raises(interrupts.RunInterrupted) as err:
        os.kill(os.getpid(), signum)
    assert err.value.signum == signum and isinstance(err.value, KeyboardInterrupt)
    assert interrupts.received() == signum


def test_a_signal_inside_a_critical_section_is_recorded_and_acted_on_at_the_next_check():
    interrupts.install()
    with interrupts.deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        finished = True
    assert finished and interrupts.received() == signal.SIGTERM
    with pytest.raises(interrupts.RunInterrupted):
        interrupts.check()


def test_no_signal_no_stop():
    interrupts.install()
    interrupts.check()
    assert interrupts.received() is None


def test_uninstall_restores_the_default_actions():
    interrupts.install()
    interrupts.uninstall()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) == signal.default_int_handler


def test_names():
    assert interrupts.name(signal.SIGINT) == "Ctrl-C (SIGINT)" and interrupts.name(signal.SIGTERM) == "SIGTERM"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")   # the finalizer case, on purpose
def test_a_stage_stopped_by_a_signal_fails_plainly_and_records_why(tmp_path):
    """The stage wrapper turns the interrupt (or a library's own failure after it) into one plain error."""
    @wrapper.stage("land")
    def slow(ctx, clock):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("not reached")

    @wrapper.stage("transform")
    def swallowing(ctx, clock):   # like dbt: catches the interrupt and reports a failure of its own
        try:
            os.kill(os.getpid(), signal.SIGINT)
        except KeyboardInterrupt:
            pass
        raise RuntimeError("dbt build failed")

    @wrapper.stage("validate")
    def in_a_finalizer(ctx, clock):   # the handler's exception is lost ("Exception ignored in ..."): it still stops
        class Finalized:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGTERM)
        Finalized()
        return ctx

    ctx = {"run_id": "r1", "extract_dir": str(tmp_path), "out_dir": str(tmp_path / "out"),
           "reporting_date": "2026-11-20",
           "config_path": None, "authority_code": "LA"}
    for fn, stage, said in ((slow, "land", "SIGTERM"), (swallowing, "transform", "Ctrl-C (SIGINT)"),
                            (in_a_finalizer, "validate", "SIGTERM")):
        interrupts.reset()
        with pytest.raises(Interrupted, match=f"stopped by {said.replace('(', '.').replace(')', '.')} during {stage}"):
            fn(ctx)
        error = json.loads((tmp_path / "out" / ".csc-build" / "r1" / "error.json").read_text())
        assert error["stage"] == stage and error["user_facing"] and "nothing was published" in error["message"]
