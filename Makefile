# The two commands a newcomer needs: `make run` (demo) and `make test` (whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint adr-lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
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

clean:
	rm -rf $(VENV) instance
