# The two commands a newcomer needs: `make run` (demo) and `make test` (whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint adr-lint install lock audit-deps clean

## Every installed version is the exact one in requirements.lock, checked against its hashes (pip's hash-checking
## mode); the project itself is then installed without dependencies. `make lock` refreshes the lock file.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

## Install, create instance/ with keys and the synthetic Drenthe region, and serve it on 127.0.0.1:$(PORT)
## (`make run PORT=8080` for another port).
PORT ?= 8000
run: $(STAMP)
	$(BIN)/deelpoort demo --port $(PORT)

## Install and run the whole test suite (SQLite always; PostgreSQL when DEELPOORT_TEST_DATABASE_URL is set),
## spread over one pytest-xdist worker per core (TEST_WORKERS=0 runs it in one process).
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## Static checks: ruff, mypy on service/, import-linter layer contracts.
lint: $(STAMP)
	$(BIN)/ruff check service tests bench
	$(BIN)/ruff format --check service tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## Lint the OpenAPI document with the Logius API Design Rules ruleset (needs Node.js/npx).
ADR_RULESET ?= ../shared/adr/linter.yaml
adr-lint: $(STAMP)
	mkdir -p build
	$(BIN)/deelpoort openapi > build/openapi.json
	npx --yes @stoplight/spectral-cli@6.16.3 lint --fail-severity error -r $(ADR_RULESET) build/openapi.json

## Refresh requirements.lock from pyproject.toml's ranges: the newest versions they admit, from PyPI only (this
## machine's own pip settings, such as extra indexes or local wheel folders, are left out), with their hashes.
lock: $(STAMP)
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	    $(BIN)/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --no-strip-extras --all-build-deps \
	    --extra dev --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

## Audit every locked version against PyPI's vulnerability advisories (pip-audit; strict: a version that could
## not be audited fails it). Fails on a known vulnerability.
audit-deps: $(STAMP)
	.ci/audit-deps $(BIN)/pip-audit requirements.lock

clean:
	rm -rf $(VENV) instance
