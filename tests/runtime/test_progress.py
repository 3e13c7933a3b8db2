"""Progress lines go to the terminal while there is one; a closed terminal never fails the run."""
import os

from csc_compliance.runtime import progress


def test_a_closed_terminal_does_not_fail_the_run():
    read, write = os.pipe()
    progress.attach(write)
    progress.say("[1/5] prepare ...")
    assert os.read(read, 1000).decode().endswith("[1/5] prepare ...\n")
    os.close(read)                      # the reader went away (e.g. `| head`)
    progress.say("[2/5] land ...")      # must not raise
    progress.say("[3/5] transform ...")
    os.close(write)
    progress.attach(None)


def _said(monkeypatch):
    lines = []
    monkeypatch.setattr(progress, "say", lines.append)
    return lines


def test_steps_show_progress_now_and_then_and_at_the_end(monkeypatch):
    lines = _said(monkeypatch)
    now = [0.0]
    steps = progress.Steps("validate", 24, "suites", every=3.0, clock=lambda: now[0])
    for n in range(1, 25):
        now[0] += 0.5                    # a suite every half second: a line every 3 s, and the last
        steps.done(n)
    assert lines == ["      validate: 6 of 24 suites done", "      validate: 12 of 24 suites done",
                     "      validate: 18 of 24 suites done", "      validate: 24 of 24 suites done"]


def test_dbt_progress_counts_finished_nodes_but_not_the_run_start_hook(monkeypatch):
    from types import SimpleNamespace as NS

    from csc_compliance.pipeline.dbt_build import _progress_callback

    lines = _said(monkeypatch)
    on_event = _progress_callback()

    def event(name, **data):
        return NS(info=NS(name=name), data=NS(**data))

    on_event(event("NodeFinished", node_info=NS(unique_id="operation.csc_compliance.hook")))
    for n in range(1, 4):
        on_event(event("LogStartLine", total=3, index=n))
        on_event(event("NodeFinished", node_info=NS(unique_id=f"model.csc_compliance.m{n}")))
    assert lines[-1] == "      dbt: 3 of 3 nodes done" and len(lines) == 1


def test_a_labelled_line_names_its_authority():
    read, write = os.pipe()
    progress.attach(write)
    progress.label("LA02")
    try:
        progress.say("[2/5] land ...")
        assert os.read(read, 1000).decode().endswith("LA02: [2/5] land ...\n")
    finally:
        progress.label(None)
        progress.attach(None)
        os.close(read)
        os.close(write)
