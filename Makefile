# Two commands matter: `make run` (the whole platform with demo data) and `make test` (every test).
# Everything they need is installed by the targets below, from PyPI and Maven Central (and, for the deployment
# checks of `make test`, kustomize and Docker Compose's CLI from the Go module proxy).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DATA_DIR ?= $(CURDIR)/.data

.PHONY: setup run up down status infra-up infra-down test lint unit bench clean-data messages

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

## setup: virtual env with pinned packages (the Kafka jars are fetched by the first infra-up)
setup: $(VENV)/.installed

## run: infrastructure, four services and demo data in the foreground; Ctrl-C stops everything
run: setup
	$(PYTHON) deploy/local/stack.py run

## up / down: the same in the background
up: setup
	$(PYTHON) deploy/local/stack.py up
down:
	$(PYTHON) deploy/local/stack.py down
status:
	$(PYTHON) deploy/local/stack.py status

## infra-up / infra-down: Kafka and the MongoDB-protocol server alone
infra-up: setup
	$(PYTHON) deploy/local/infra.py up
infra-down:
	$(PYTHON) deploy/local/infra.py down

## lint: ruff, strict mypy, the import boundaries, and no package cycles inside a service
lint: setup
	$(VENV)/bin/ruff check shared services tests deploy
	$(VENV)/bin/ruff format --check shared services tests deploy
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m deploy.checks.package_cycles

## unit: the tests that need no server
unit: setup
	bash deploy/local/asyncapi_cli.sh
	$(PY) -m pytest tests/unit -q

## test: lint, then every test against real servers (started here unless given or containerised); the storefront's
## tests drive Debian's Chromium (installed with apt-get when missing; they fail, saying so, without it)
test: setup
	bash deploy/local/run_tests.sh

## bench: outbox-to-handler throughput and latency against raw aiokafka, on the same broker; webhook deliveries
## against a plain signed-POST loop and a fan-out to 100 endpoints; then HTTP reads against a bare FastAPI app
## with wrk (installed with apt-get when missing; the HTTP parts are skipped without it): enrolment's reads, then
## the marketplace's catalogue search and contended orders
bench: setup infra-up
	$(PY) -m tests.bench.event_path
	$(PY) -m tests.bench.webhooks
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install -y wrk"; \
		apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y wrk >/dev/null 2>&1; } \
		|| echo "could not install wrk; the HTTP part will be skipped"; }
	$(PY) -m tests.bench.http_reads
	@command -v wrk >/dev/null 2>&1 && $(PY) -m tests.bench.marketplace || echo "marketplace part skipped: wrk is missing"

## messages: the console's catalogues brought up to date with its code and templates; then translate what is new
## in services/console/locales/id (the unit tests fail on a message left untranslated or fuzzy)
CONSOLE_LOCALES := services/console/locales
messages: setup
	$(VENV)/bin/pybabel -q extract -F $(CONSOLE_LOCALES)/babel.cfg -k marked --no-location --sort-output \
		--project="pembinaan console" --version=1 -o $(CONSOLE_LOCALES)/messages.pot .
	$(VENV)/bin/pybabel -q update -i $(CONSOLE_LOCALES)/messages.pot -d $(CONSOLE_LOCALES) --no-fuzzy-matching \
		--ignore-obsolete

clean-data: down
	rm -rf $(DATA_DIR)
