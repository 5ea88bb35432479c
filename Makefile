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

.NOTPARALLEL:  # the checks share build/ with the pipeline
.PHONY: all status setup test check unit nbval lint lab clean help bench lock update-trade-data update-duties-data
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# scripts/pipeline.py decides what is stale (content hashes of each notebook's source, params.yaml, src/helpers
# and every file the notebook read last time), runs it, and publishes only if all succeed; so `make -n all`
# shows the one command that runs, and `make status` says which notebooks would run and why.
all: $(ENV_STAMP) ## run every notebook that is out of date (creates .venv first if missing)
	$(PY) scripts/pipeline.py --jobs $(JOBS)

status: $(ENV_STAMP) ## say which notebooks `make all` would run, and why (runs nothing)
	$(PY) scripts/pipeline.py --dry-run

setup: $(ENV_STAMP) ## create .venv from requirements.lock and register the Jupyter kernel

$(ENV_STAMP): requirements.lock pyproject.toml
	@echo "Installing the pinned packages of requirements.lock into $(VENV) (the first time takes a few minutes)..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (Deal Clock)" >/dev/null
	@touch $@

# --- checks ---------------------------------------------------------------------------------
# `make test` re-runs what is stale but holds the outputs (pipeline.py --check) until lint, unit tests and nbval
# pass, then publishes them: a failing `make test` changes no tracked file (`git status` shows only your edits).
test: check lint unit nbval ## the one test command: lint, unit tests, nbval on the notebooks; publishes only if all pass
	$(PY) scripts/pipeline.py --publish-checked

# Re-run what is stale, holding the outputs in build/checked; the tests below read them first (DEAL_CLOCK_CHECKED_DIR).
check: $(ENV_STAMP)
	$(PY) scripts/pipeline.py --check --jobs $(JOBS)

lint: $(ENV_STAMP) ## ruff over the helpers, scripts, tests, notebooks and benchmark
	$(PY) -m ruff check src scripts tests notebooks bench

unit: check ## unit tests of the helpers and of the outputs (tests/; publishes nothing)
	DEAL_CLOCK_CHECKED_DIR=$(CURDIR)/build/checked $(PY) -m pytest tests -q

# nbval re-executes every notebook (one per worker, as many workers as cores) and compares the cells marked
# `# NBVAL_CHECK_OUTPUT` with the outputs stored in notebooks/; the notebooks read the checked run's outputs first.
nbval: check ## re-run the notebooks and compare their checked outputs (publishes nothing)
	DEAL_CLOCK_CHECKED_DIR=$(CURDIR)/build/checked $(PY) -m pytest --nbval-lax --nbval-kernel-name $(KERNEL) \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p tests.nbval_plugin notebooks -q -p no:cacheprovider -n $(JOBS) --dist loadfile

lab: $(ENV_STAMP) ## open JupyterLab on the project kernel at notebooks/
	$(PY) -m jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(ENV_STAMP) ## time the pipeline (cold, no-op, one notebook stale, make test) against the import floor
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
