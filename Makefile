# The two commands: `make run` starts the product, `make test` runs every check. Both set up .venv first,
# from the lock in requirements/ (the exact version and hashes of every package, direct and transitive), so a
# fresh machine installs what CI installed. Each step says what it does.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
LOCK := requirements
# uv installs in seconds what pip resolves and installs in minutes; pip only brings uv itself into the venv.
# --compile-bytecode: pip compiles on install, uv does not; without .pyc files (and with PYTHONDONTWRITEBYTECODE
# set, as on our machines) every process would compile Prefect afresh, seconds of CPU each.
UV_INSTALL := $(UV) pip install --python $(BIN)/python --build-constraints $(LOCK)/build.txt --compile-bytecode
UV_COMPILE := $(UV) pip compile --universal --python-version 3.11 --generate-hashes --quiet
# How many locked packages a file names (one line each, starting at the first column).
count = $(shell grep -c '^[a-z0-9]' $(1))
# pytest-xdist workers for `make test`: suites sharing a server stay together (tests/conftest.py GROUPS).
PYTEST_WORKERS ?= 2
say = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"
# A step that can take minutes on a slow connection says so while it runs: a line every 15 s with the time
# spent (every PROGRESS_SECONDS), so `make run` on a fresh machine is never silent (uv itself prints each phase when it ends).
PROGRESS_SECONDS ?= 15
progress = @sh -c 'start=$$(date +%s); (while sleep $(PROGRESS_SECONDS); do printf "    ... still installing, %s s so far\n" $$(($$(date +%s) - start)); done) & ticker=$$!; $(1); status=$$?; kill $$ticker 2>/dev/null; exit $$status'

.PHONY: run test lint typecheck contracts pytest bench schema messages lock lock-upgrade clean

run: $(VENV)/.installed
	$(call say,Starting cer-toolkit (cer up): content check · database migration · Prefect server · worker · website)
	$(BIN)/cer up

test: $(VENV)/.installed-dev
	$(call say,1/4 Lint and format (ruff))
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(call say,2/4 Types (mypy --strict))
	$(BIN)/mypy
	$(call say,3/4 Import contracts (import-linter))
	$(BIN)/lint-imports
	$(call say,4/4 Tests (pytest on $(PYTEST_WORKERS) workers: see README "Tests" for what each part takes))
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# Individual checks, for when you want just one.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy
contracts: $(VENV)/.installed-dev
	$(BIN)/lint-imports
pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup
bench: $(VENV)/.installed
	$(BIN)/python bench/catalog.py
	$(BIN)/python bench/diagnose.py
	$(BIN)/python bench/tracking.py
	$(BIN)/python bench/flows.py
	$(BIN)/python bench/web.py
schema: $(VENV)/.installed
	$(BIN)/cer content schema
messages: $(VENV)/.installed
	$(BIN)/python -m cer.views.i18n

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cer-toolkit needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(call say,Creating the virtual environment $(VENV) with $(shell $(PYTHON) --version))
	$(PYTHON) -m venv $(VENV)

$(UV): $(LOCK)/uv.txt | $(BIN)/python
	$(call say,Installing the installer: uv into $(VENV) with pip ($(LOCK)/uv.txt))
	$(call progress,$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off --require-hashes -r $(LOCK)/uv.txt)
	touch $@

$(VENV)/.installed: $(LOCK)/run.txt $(LOCK)/build.txt pyproject.toml | $(UV)
	$(call say,Installing $(call count,$(LOCK)/run.txt) locked packages of $(LOCK)/run.txt and cer-toolkit itself (uv; 1 to 5 minutes the first time))
	$(call progress,$(UV_INSTALL) -r $(LOCK)/run.txt)
	$(UV_INSTALL) --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(LOCK)/dev.txt $(LOCK)/build.txt pyproject.toml | $(UV)
	$(call say,Installing $(call count,$(LOCK)/dev.txt) locked packages of $(LOCK)/dev.txt (with the test tools) and cer-toolkit itself (uv; 1 to 5 minutes the first time))
	$(call progress,$(UV_INSTALL) -r $(LOCK)/dev.txt)
	$(UV_INSTALL) --no-deps -e .
	touch $@ $(VENV)/.installed

# Resolve again after editing the dependencies in pyproject.toml: versions already locked stay where allowed.
# `make lock-upgrade` moves every package to its newest allowed release (then run `make test` before
# committing). dev.txt is resolved first; run.txt is held to the same versions.
lock: | $(UV)
	$(call say,Resolving the dependencies of pyproject.toml into $(LOCK)/)
	$(UV_COMPILE) $(UPGRADE) pyproject.toml --extra dev -o $(LOCK)/dev.txt
	$(UV_COMPILE) $(UPGRADE) pyproject.toml -c $(LOCK)/dev.txt -o $(LOCK)/run.txt
	$(UV_COMPILE) $(UPGRADE) --no-header $(LOCK)/build.in -o $(LOCK)/build.txt
	$(UV_COMPILE) $(UPGRADE) --no-header $(LOCK)/uv.in -o $(LOCK)/uv.txt
	@printf 'run.txt: %s packages, dev.txt: %s packages\n' $(call count,$(LOCK)/run.txt) $(call count,$(LOCK)/dev.txt)
lock-upgrade:
	$(MAKE) lock UPGRADE=--upgrade

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
