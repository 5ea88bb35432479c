# Deal Clock: `make all` regenerates every table and figure; `make test` checks them.
# Each notebook re-runs only when it, the files it reads, or src/helpers changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KERNEL := deal-clock
ENV_STAMP := $(VENV)/.deal-clock-installed
EXEC := reports/notebooks
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.NOTPARALLEL:  # the targets share build/ (the runner's lock says so if two run at once)
.PHONY: all status setup test accept unit lint lab clean help bench lock update-trade-data update-duties-data
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# helpers.pipeline decides what is stale (content hashes of each notebook's source, params.yaml, requirements.lock,
# src/helpers and every file the notebook read last time), runs it, and publishes only if all succeed; so `make -n all`
# shows the one command that runs, and `make status` says which notebooks would run and why.
all: $(ENV_STAMP) ## run every notebook that is out of date (creates .venv first if missing)
	$(PY) -m helpers.pipeline run --jobs $(JOBS)

status: $(ENV_STAMP) ## say which notebooks `make all` would run, and why, and print the graph (runs nothing)
	$(PY) -m helpers.pipeline status

setup: $(ENV_STAMP) ## create .venv from requirements.lock and register the Jupyter kernel

$(ENV_STAMP): requirements.lock pyproject.toml
	@echo "Installing the pinned packages of requirements.lock into $(VENV) (the first time takes a few minutes)..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (Deal Clock)" >/dev/null
	@touch $@

# --- checks ---------------------------------------------------------------------------------
# `make test` holds one lock throughout: lint, then nbval executes every notebook as the checked run (into
# build/checked, nothing published yet) while the unit tests run; the unit tests that read outputs wait for the
# checked run and read its outputs. Only if everything passed are the checked outputs published; a failing
# `make test` changes no tracked file (`git status` shows only your edits), and `make accept` stores what it found.
test: $(ENV_STAMP) ## the one test command: lint, nbval re-runs every notebook, unit tests; publishes only if all pass
	$(PY) -m helpers.pipeline test --jobs $(JOBS)

accept: $(ENV_STAMP) ## after a failing `make test`: store its changed checked outputs in the notebooks (NB=notebooks/NN_name.ipynb for one)
	$(PY) -m helpers.pipeline accept $(NB)

lint: $(ENV_STAMP) ## ruff over the helpers, scripts, tests, notebooks and benchmark
	$(PY) -m ruff check src scripts tests notebooks bench

unit: $(ENV_STAMP) ## the unit tests alone, on the published outputs (publishes nothing)
	$(PY) -m pytest tests -q

# JupyterLab saves a pipeline notebook with its stored outputs, never the session's (helpers.execution.pre_save_hook),
# so exploring never changes a tracked file; edited code is saved.
LAB_HOOK := --ContentsManager.pre_save_hook=helpers.execution.pre_save_hook

lab: $(ENV_STAMP) ## open JupyterLab on the project kernel at notebooks/
	$(PY) -m jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks $(LAB_HOOK) $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(ENV_STAMP) ## time the pipeline (cold, no-op, one stale, make test, the add-a-row loop) against yardsticks
	$(PY) bench/pipeline_bench.py

lock: ## regenerate requirements.lock from pyproject.toml in a clean environment
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check .
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^deal-clock-helpers' > requirements.lock
	rm -rf .lock-venv

update-trade-data: $(ENV_STAMP) ## download the current Census country file and rebuild the raw trade table (needs internet)
	$(PY) scripts/update_trade_data.py

update-duties-data: $(ENV_STAMP) ## rebuild the raw duties table from the Census international trade API (needs internet)
	$(PY) scripts/update_duties_data.py

# Keeping current (README, "Keeping it current"): run by hand or on a schedule, never by `make all` or `make test`.
# Both only read data/raw/; a person compiles and cites what they find.
.PHONY: watch check-links
watch: $(ENV_STAMP) ## list official documents published since each table's as-of date -> reports/source_watch.csv (needs internet)
	$(PY) scripts/watch_sources.py

check-links: $(ENV_STAMP) ## check every URL cited in data/raw/ -> reports/link_check.csv, archived copies of dead ones (needs internet)
	$(PY) scripts/check_links.py

clean: ## forget what ran (the next `make all` re-runs every notebook); keeps .venv and the published outputs
	rm -rf $(EXEC) build
