"""DAG integrity: the DAGs folder imports without errors and holds the nightly DAG as the contract names it."""
import pytest

from csc_compliance.airflow_local import configure_environment
from csc_compliance.catalogue import DAGS_DIR


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    configure_environment(tmp_path_factory.mktemp("airflow"))
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert list(dagbag.dags) == ["csc_compliance_nightly"]


def test_nightly_schedule_in_london_and_stage_order(dagbag):
    dag = dagbag.dags["csc_compliance_nightly"]
    assert "Europe/London" in str(dag.timetable.timezone)
    assert dag.max_active_runs == 1 and not dag.catchup
    order = ["prepare", "land", "transform", "validate", "publish"]
    assert [t.task_id for t in dag.tasks] == order
    for upstream, downstream in zip(order, order[1:]):
        assert dag.get_task(downstream).upstream_task_ids == {upstream}


def test_params_cover_the_cli(dagbag):
    params = dagbag.dags["csc_compliance_nightly"].params
    assert {"extract_dir", "out_dir", "as_at", "config"} <= set(params.keys())


def test_dags_folder_stays_small():
    """dag.test() re-parses the whole folder on every call: keep only DAG files there."""
    files = [p.name for p in DAGS_DIR.iterdir() if p.suffix == ".py"]
    assert files == ["csc_compliance_nightly.py"]
