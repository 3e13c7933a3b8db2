"""A regional run's log cut into each authority's: shared lines to every log, a mapped task's lines to its
authority's only."""
from csc_compliance.cli.run_logs import owners, split

LOG = """start-up
[DAG TEST] starting task_id=authorities map_index=-1
listing the authorities
[DAG TEST] end task task_id=authorities map_index=-1
[DAG TEST] starting task_id=authority.land map_index=0
LA01 land
Traceback (most recent call last):
  a line of LA01's traceback
[DAG TEST] end task task_id=authority.land map_index=0
[DAG TEST] starting task_id=authority.land map_index=1
LA02 land
[DAG TEST] end task task_id=authority.land map_index=1
DagRun Finished
"""


def test_each_line_goes_to_its_authority_or_to_all():
    got = {line.rstrip(): indexes for line, indexes in owners(LOG.splitlines(keepends=True), 2)}
    assert got["start-up"] == got["listing the authorities"] == got["DagRun Finished"] == [0, 1]
    assert got["LA01 land"] == got["  a line of LA01's traceback"] == [0]
    assert got["LA02 land"] == [1]


def test_split_writes_each_authority_its_own_log(tmp_path):
    combined = tmp_path / "combined.log"
    combined.write_text(LOG)
    logs = [tmp_path / "LA01" / "logs" / "run.log", tmp_path / "LA02" / "logs" / "run.log"]
    split(combined, logs)
    first, second = (log.read_text() for log in logs)
    assert "LA01 land" in first and "LA02" not in first and "start-up" in first
    assert "LA02 land" in second and "LA01" not in second and "DagRun Finished" in second
