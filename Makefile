# Two commands do all set-up on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_AS_AT ?= 2026-11-20
DEMO_SEED ?= 42

.PHONY: run test lint setup browser demo-data bench bench-region clean integration

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# The summary page is tested in a real headless Chromium (Debian package); installed when missing and root.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null; \
	  else echo "make: Chromium is missing and cannot be installed here (not root or no apt-get): install it, the browser tests need it"; fi

demo/extract/manifest.json: $(STAMP)
	rm -rf demo/extract
	$(VENV)/bin/csc-compliance generate --profile demo --seed $(DEMO_SEED) --as-at $(DEMO_AS_AT) --out demo/extract

demo-data: demo/extract/manifest.json

run: demo-data
	$(VENV)/bin/csc-compliance run --extract demo/extract --as-at $(DEMO_AS_AT) --out output --config demo/config.yml

# --dist loadscope: each module's expensive fixtures (a pipeline run) run once, on one worker.
# The linter (ruff, settings in pyproject.toml) runs first: a finding fails `make test` before any test runs.
lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) browser lint
	$(PY) -m pytest -n 2 --dist loadscope -q

# The scale benchmark (not in `make test`): demo and large, figures to bench/results.json.
bench: $(STAMP)
	$(PY) -m csc_compliance.devtools.bench --profiles demo large

# The same plus a region of 10 large authorities (generates ~9.5 GB of extracts once; about 20 minutes).
bench-region: $(STAMP)
	$(PY) -m csc_compliance.devtools.bench --profiles demo large --region 10

# The production deployment (docker-compose.yml) for real, without Docker: PostgreSQL and Redis (Debian
# packages, installed when missing), the Airflow services with the CeleryExecutor, two runs through the REST
# API and a data-aware run; every process it starts is stopped at the end. A pytest suite over service
# fixtures (tests/integration/; the services' code in integration/), in order, stopping at the first failure.
integration: $(STAMP)
	$(PY) -m pytest tests/integration -m integration -x -v -s --durations=0

clean:
	rm -rf output demo/extract var .pytest_cache
