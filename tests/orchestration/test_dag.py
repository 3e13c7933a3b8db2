"""DAG integrity: the DAGs folder imports without errors and holds the nightly DAG as the contract names it."""
import pytest

from csc_compliance.core.catalogue import DAGS_DIR
from csc_compliance.orchestration.airflow_local import configure_environment


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    configure_environment(tmp_path_factory.mktemp("airflow"))
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dags) == ["csc_compliance_nightly", "csc_compliance_watch"]


def test_nightly_at_half_past_one_in_london_or_when_an_extract_arrives(dagbag):
    from csc_compliance.orchestration.dag_settings import EXTRACT_ARRIVED

    dag = dagbag.dags["csc_compliance_nightly"]
    assert str(dag.timetable.timetable.timezone) == "Europe/London"
    assert dag.timetable.timetable.expression == "30 1 * * *"
    assert EXTRACT_ARRIVED in dag.timetable.asset_condition.objects
    assert dag.max_active_runs == 1 and not dag.catchup
    watch = dagbag.dags["csc_compliance_watch"]
    assert watch.tasks[0].outlets == [EXTRACT_ARRIVED]


def test_each_authority_is_a_mapped_group_of_the_stages_in_order(dagbag):
    dag = dagbag.dags["csc_compliance_nightly"]
    order = ["authority.prepare", "authority.land", "authority.transform", "authority.validate", "authority.publish"]
    assert [t.task_id for t in dag.tasks] == ["authorities", *order]
    assert dag.get_task("authority.prepare").upstream_task_ids == {"authorities"}
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert dag.get_task(downstream).upstream_task_ids == {upstream}
    from airflow.sdk.definitions.taskgroup import MappedTaskGroup

    assert isinstance(dag.task_group_dict["authority"], MappedTaskGroup)


def test_params_cover_the_cli(dagbag):
    params = dagbag.dags["csc_compliance_nightly"].params
    assert {"extract_dir", "out_dir", "as_at", "config", "region_config", "skip_if_published"} <= set(params.keys())


def test_dags_folder_stays_small():
    """dag.test() re-parses the whole folder on every call: keep only DAG files there."""
    files = sorted(p.name for p in DAGS_DIR.iterdir() if p.suffix == ".py")
    assert files == ["csc_compliance_nightly.py", "csc_compliance_watch.py"]
