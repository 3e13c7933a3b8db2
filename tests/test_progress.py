"""Progress lines go to the terminal while there is one; a closed terminal never fails the run."""
import os

from csc_compliance import progress


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
