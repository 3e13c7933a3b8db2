"""The production deployment (docker-compose.yml, Dockerfile) and its real test (`make integration`) describe
the same thing: the same services, Airflow version (requirements.lock's pin), Python version, executor and
key settings, all read from integration/deployment.py. Fast: reads files, starts nothing."""
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from integration import airflow_deployment as integration  # noqa: E402
from integration import deployment as dep  # noqa: E402
from integration import services  # noqa: E402

COMPOSE_HOSTS = {"postgres": f"postgres:{dep.POSTGRES_PORT}", "redis": f"redis:{dep.REDIS_PORT}",
                 "api_server": f"airflow-api-server:{dep.API_PORT}"}
REFERENCE = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def compose_text() -> str:
    return (ROOT / "docker-compose.yml").read_text()


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def unescape(value: str) -> str:
    """What the container sees of a compose string: `$$` is a literal `$`."""
    return value.replace("$$", "$")


def as_template(value: str) -> str:
    """A compose value with each `${NAME...}` written `{NAME}`, as deployment.py writes its templates."""
    return REFERENCE.sub(lambda m: "{" + m.group("name") + "}", str(value))


def airflow_services(compose: dict) -> dict:
    return {name: compose["services"][name] for name in (dep.INIT_SERVICE, *dep.AIRFLOW_SERVICES)}


def test_same_services(compose):
    assert set(compose["services"]) == set(dep.SERVICES)
    for name, args in dep.AIRFLOW_SERVICES.items():
        command = compose["services"][name]["command"]
        assert (command.split() if isinstance(command, str) else command) == list(args), name
    # the integration starts exactly these, with only its loopback address and port added
    fake = integration.Deployment(home=Path("/h"), values=dict.fromkeys(dep.SECRETS + dep.REQUIRED, "x"),
                                  ports={"postgres": 1, "redis": 2, "api": 3, "scheduler_health": 4},
                                  drop=Path("/d"), out=Path("/o"), region=Path("/r.yml"), codes=[])
    assert fake.local_args("airflow-api-server") == ["--host", "127.0.0.1", "--port", "3"]
    assert all(fake.local_args(name) == [] for name in dep.AIRFLOW_SERVICES if name != "airflow-api-server")


def test_same_airflow_and_python_versions(dockerfile):
    lock_pin = dep.airflow_version()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert f"apache-airflow=={lock_pin}" in pyproject["project"]["dependencies"]
    froms = re.findall(r"^FROM\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert froms == [dep.base_image()] == [f"apache/airflow:{lock_pin}-python{dep.PYTHON_VERSION}"]
    assert pyproject["project"]["requires-python"] == f">={dep.PYTHON_VERSION},<3.{int(dep.PYTHON_VERSION[2:]) + 1}"
    # the .venv that runs this test is the one `make integration` runs the services from
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == dep.PYTHON_VERSION
    from importlib.metadata import version

    assert version("apache-airflow") == lock_pin


def test_image_installs_the_lock_file_and_runs_as_airflow(dockerfile):
    assert "pip install --no-cache-dir -r /opt/csc-compliance/requirements.lock" in dockerfile
    assert "--no-deps -e /opt/csc-compliance" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users[-1] == "airflow"
    assert f"umask {dep.UMASK}" in re.search(r"^ENTRYPOINT .*$", dockerfile, flags=re.MULTILINE).group(0)
    assert "AIRFLOW__CORE__DAGS_FOLDER=/opt/csc-compliance/dags" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "var", "output", "bench/extracts"} <= set(ignored)


def test_every_container_runs_as_a_non_root_user(compose):
    for name, service in airflow_services(compose).items():
        assert service["user"] == f"{dep.AIRFLOW_UID}:0", name
        assert service["image"] == compose["services"][dep.INIT_SERVICE]["image"], "one image for every service"
    assert compose["services"]["postgres"]["user"] == "postgres"
    assert compose["services"]["redis"]["user"] == "redis"


def test_same_infrastructure_versions(compose):
    for name, spec in (("postgres", dep.POSTGRES), ("redis", dep.REDIS)):
        image = compose["services"][name]["image"]
        assert image == spec["image"]
        assert re.match(rf"{name}:{spec['major']}(\D|$)", image), image
    assert dep.POSTGRES["debian_package"] == f"postgresql-{dep.POSTGRES['major']}"
    assert str(services.PG_BIN).startswith(f"/usr/lib/postgresql/{dep.POSTGRES['major']}/")


def test_same_executor_and_settings(compose):
    expected_connections = dep.connection_settings({n: "{" + n + "}" for n in dep.SECRETS + dep.REQUIRED},
                                                   **COMPOSE_HOSTS)
    for name, service in airflow_services(compose).items():
        env = {k: str(v) for k, v in service["environment"].items()
               if k != "DUMB_INIT_SETSID" and not (name == dep.INIT_SERVICE and k.startswith("AIRFLOW_ADMIN_"))}
        assert set(env) == {*dep.SHARED_SETTINGS, *dep.CONNECTION_SETTINGS, *dep.AIRFLOW_SECRETS,
                            *dep.CSC_SETTINGS, *dep.CSC_OPTIONAL}, name
        for key, value in dep.SHARED_SETTINGS.items():
            if key in dep.TUNABLE_SETTINGS:
                assert env[key] == f"${{{key}:-{value}}}", (name, key)
            else:
                assert env[key] == value, (name, key)
        assert env["AIRFLOW__CORE__EXECUTOR"] == dep.EXECUTOR == "CeleryExecutor"
        assert env["AIRFLOW__CORE__AUTH_MANAGER"] == dep.AUTH_MANAGER
        for key, template in expected_connections.items():
            assert as_template(env[key]) == template, (name, key)
        for key, value in dep.CSC_SETTINGS.items():
            assert env[key] == value, (name, key)
        for key in dep.CSC_OPTIONAL:
            assert env[key] == f"${{{key}:-}}", (name, key)


def test_integration_environment_is_built_from_the_same_settings():
    values = {n: f"<{n}>" for n in dep.SECRETS + dep.REQUIRED}
    fake = integration.Deployment(home=Path("/h"), values=values,
                                  ports={"postgres": 5001, "redis": 5002, "api": 5003, "scheduler_health": 5004},
                                  drop=Path("/d"), out=Path("/o"), region=Path("/r.yml"), codes=[])
    env = fake.environment()
    for key, value in dep.SHARED_SETTINGS.items():
        assert env[key] == value, key
    local = dep.connection_settings(values, postgres="127.0.0.1:5001", redis="127.0.0.1:5002",
                                    api_server="127.0.0.1:5003")
    for key, value in local.items():
        assert env[key] == value, key
        assert "127.0.0.1" in value, "integration services listen on loopback only"
    for key in dep.AIRFLOW_SECRETS:
        assert env[key] == values[key]
    assert env["CSC_REGION_CONFIG"] == "/r.yml" and env["CSC_OUT_DIR"] == "/o"


def test_no_secret_in_the_repository(compose, compose_text):
    # every secret reaches the containers only as a required reference to the environment (.env)
    references = [m for m in REFERENCE.finditer(compose_text)]
    for name in dep.SECRETS + dep.REQUIRED:
        uses = [m for m in references if m.group("name") == name]
        assert uses, f"{name} is not used"
        assert all(m.group("op") == ":?" for m in uses), f"{name} must be required (${{{name}:?...}})"
    for service in compose["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if key in dep.SECRETS or key in dep.AIRFLOW_SECRETS:
                assert REFERENCE.fullmatch(str(value)), f"{key} has a literal value in docker-compose.yml"
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    for name in dep.SECRETS:
        assert example.get(name) == "", f".env.example must leave {name} empty"
    # .env.example documents every setting compose reads
    documented = set(example)
    assert {m.group("name") for m in references} <= documented
    assert set(dep.CSC_OPTIONAL) <= documented


def test_admin_is_created_from_the_environment_and_never_on_default_credentials(compose):
    init = compose["services"][dep.INIT_SERVICE]
    for name in ("AIRFLOW_ADMIN_USER", "AIRFLOW_ADMIN_PASSWORD"):   # compose refuses to start without them
        assert init["environment"][name].startswith(f"${{{name}:?"), name
    assert init["command"][:2] == ["bash", "-c"]
    assert unescape(init["command"][2]) == dep.INIT_SCRIPT
    assert init["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in dep.AIRFLOW_SERVICES:
        assert compose["services"][name]["depends_on"][dep.INIT_SERVICE]["condition"] == \
            "service_completed_successfully", name
    for password in dep.DEFAULT_PASSWORDS:
        assert password in dep.INIT_SCRIPT
    assert f"-lt {dep.ADMIN_PASSWORD_MIN_LENGTH}" in dep.INIT_SCRIPT


def test_health_checks_and_restart_policies(compose):
    for name in dep.AIRFLOW_SERVICES:
        service = compose["services"][name]
        assert service["healthcheck"]["test"][0] == "CMD-SHELL"
        assert unescape(service["healthcheck"]["test"][1]) == dep.healthcheck(name), name
        assert service["restart"] == "unless-stopped", name
    for name in dep.INFRA_SERVICES:
        assert compose["services"][name]["healthcheck"]["test"], name
        assert compose["services"][name]["restart"] == "unless-stopped", name
    assert compose["services"]["airflow-worker"]["depends_on"]["airflow-api-server"]["condition"] == "service_healthy"


def test_volumes_and_read_only_drop_folder(compose):
    assert {"airflow-db", "csc-out", "airflow-logs", "redis-data"} <= set(compose["volumes"])
    assert "airflow-db:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    for name, service in airflow_services(compose).items():
        volumes = service["volumes"]
        assert any(v.endswith(":/data/drop:ro") for v in volumes), name
        assert any(v.endswith(":/data/config:ro") for v in volumes), name
        assert "csc-out:/data/out" in volumes and "airflow-logs:/opt/airflow/logs" in volumes, name
    ports = compose["services"]["airflow-api-server"]["ports"]
    assert ports == ["${AIRFLOW_API_BIND:-127.0.0.1}:${AIRFLOW_API_PORT:-8080}:8080"]


def test_ci_runs_the_integration_after_the_tests():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^integration: \$\(STAMP\)\n\t\$\(PY\) -m pytest tests/integration -m integration ", makefile,
                     flags=re.MULTILINE)
    assert "integration" in re.search(r"^\.PHONY:.*$", makefile, flags=re.MULTILINE).group(0)
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("make test") < ci.index("make integration")
