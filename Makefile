# The two entry points of the README. Both create .venv with Python 3.11+ and install into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= dist

.PHONY: run test setup setup-dev system-deps kgx ui lint typecheck docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e .

setup-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

## build the graph and answer one named question on the embedded store
run: setup
	$(BIN)/serkg build --out $(OUT)
	$(BIN)/serkg query trials-by-status --param status=Terminated --store $(OUT)/store

system-deps:
	bash scripts/install-system-deps.sh

## kgx in its own environment, .venv-kgx (its pins clash with ours): tests validate the KGX export
kgx:
	PYTHON=$(PYTHON) bash scripts/install-kgx.sh

ui:
	bash scripts/install-ui.sh

## everything the whole test suite needs, then the suite (pytest's "no tests" exit 5 is a failure)
test: setup-dev system-deps kgx ui
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

lint:
	$(BIN)/ruff check src tests benchmarks && $(BIN)/ruff format --check src tests benchmarks && $(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

docs: setup
	$(BIN)/serkg docs --out $(OUT)/docs

clean:
	rm -rf $(OUT) build *.egg-info
