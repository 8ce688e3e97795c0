# The two commands: `make run` starts the product, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck contracts pytest bench schema messages clean

run: $(VENV)/.installed
	$(BIN)/cer up

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

# Individual checks, for when you want just one.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy
contracts: $(VENV)/.installed-dev
	$(BIN)/lint-imports
pytest: $(VENV)/.installed-dev
	$(BIN)/pytest
bench: $(VENV)/.installed
	$(BIN)/python bench/catalog.py
	$(BIN)/python bench/diagnose.py
	$(BIN)/python bench/tracking.py
	$(BIN)/python bench/flows.py
	$(BIN)/python bench/web.py
schema: $(VENV)/.installed
	$(BIN)/cer content schema
messages: $(VENV)/.installed
	$(BIN)/python -m cer.i18n

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cer-toolkit needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
