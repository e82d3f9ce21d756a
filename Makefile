# The two commands of the README: `make build` (the main job) and `make test`.
# Both run scripts/setup.sh first, which creates or reuses .venv at the repository root.
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/$(VENV)/tools/node_modules/.bin:$(PATH)
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup build test test-lowest lint typecheck fmt bench clean

setup:
	@bash scripts/setup.sh

## The main job: lint every spec in specs/, then build every target on the offline defaults.
build: setup
	$(VENV)/bin/specloom lint specs
	$(VENV)/bin/specloom build specs

## The whole test suite, plus ruff and mypy.
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -n 2 --dist loadgroup

## The lowest allowed direct dependencies of the core and of each extra (uv from PyPI).
test-lowest: setup
	$(PY) scripts/test_lowest.py

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

fmt:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/run_all.py

clean:
	[ ! -d output ] || find output -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
