# Huiqi task runner. `make run` and `make test` are the README's two commands.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint format bench clean

run: $(STAMP)  ## install what is needed, load the demo data once, open Huiqi
	bash .ci/system-deps run
	$(BIN)/huiqi demo --if-empty
	$(BIN)/huiqi app

test: $(STAMP)  ## the whole test suite (SQLite; PostgreSQL too when HUIQI_TEST_POSTGRES_URL is set)
	bash .ci/system-deps test
	$(BIN)/pytest -q

lint: $(STAMP)  ## formatting, lint (unused noqa included) and types; CI runs it before the tests
	$(BIN)/ruff format --check crm ui tests bench
	$(BIN)/ruff check crm ui tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix crm ui tests bench
	$(BIN)/ruff format crm ui tests bench

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f; done

$(STAMP): pyproject.toml
	bash .ci/system-deps run
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,native]'
	rm -f $(VENV)/.installed-* && touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache
