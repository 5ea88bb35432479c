# Deal Clock: `make all` regenerates every table and figure; `make test` checks them.
# Each notebook re-runs only when it, the files it reads, or src/helpers changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KERNEL := deal-clock
ENV_STAMP := $(VENV)/.deal-clock-installed
EXEC := reports/notebooks
HELPERS := $(sort $(wildcard src/helpers/*.py)) scripts/run_notebook.py
RAW := data/raw
PROC := data/processed
RUN = $(PY) scripts/run_notebook.py $< $@

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
EXECUTED := $(patsubst notebooks/%,$(EXEC)/%,$(NOTEBOOKS))

.PHONY: all setup test unit nbval lab clean help bench lock update-trade-data
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

all: $(EXECUTED) ## run every notebook that is out of date (creates .venv first if missing)

setup: $(ENV_STAMP) ## create .venv from requirements.lock and register the Jupyter kernel

$(ENV_STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (Deal Clock)" >/dev/null
	@touch $@

# --- the pipeline: what each notebook reads --------------------------------------------------
$(EXEC)/01_clean_negotiations.ipynb: notebooks/01_clean_negotiations.ipynb $(RAW)/negotiations.csv \
    $(RAW)/published_durations.csv $(RAW)/trade_promotion_authority.csv $(HELPERS) $(ENV_STAMP)
	$(RUN)
$(PROC)/negotiations.csv $(PROC)/published_durations.csv: $(EXEC)/01_clean_negotiations.ipynb ;

$(EXEC)/02_clean_trade.ipynb: notebooks/02_clean_trade.ipynb $(RAW)/census_trade_by_partner.csv \
    $(RAW)/tariff_actions.csv $(PROC)/negotiations.csv $(HELPERS) $(ENV_STAMP)
	$(RUN)
$(PROC)/trade_annual.csv $(PROC)/negotiation_trade_shares.csv: $(EXEC)/02_clean_trade.ipynb ;

$(EXEC)/03_replicate_18_months.ipynb: notebooks/03_replicate_18_months.ipynb $(PROC)/negotiations.csv \
    $(PROC)/published_durations.csv $(HELPERS) $(ENV_STAMP)
	$(RUN)
reports/tables/replication_summary.csv: $(EXEC)/03_replicate_18_months.ipynb ;

$(EXEC)/04_survival.ipynb: notebooks/04_survival.ipynb $(PROC)/negotiations.csv \
    $(PROC)/negotiation_trade_shares.csv $(HELPERS) $(ENV_STAMP)
	$(RUN)
reports/tables/survival_summary.csv: $(EXEC)/04_survival.ipynb ;

$(EXEC)/05_deals_2025.ipynb: notebooks/05_deals_2025.ipynb $(RAW)/deals_2025_2026.csv $(RAW)/tariff_actions.csv \
    $(PROC)/negotiations.csv $(PROC)/trade_annual.csv $(HELPERS) $(ENV_STAMP)
	$(RUN)
reports/tables/deals_scorecard.csv: $(EXEC)/05_deals_2025.ipynb ;

$(EXEC)/06_claims_ledger.ipynb: notebooks/06_claims_ledger.ipynb $(RAW)/claims.csv $(RAW)/claim_facts.csv \
    $(RAW)/tariff_actions.csv reports/tables/replication_summary.csv reports/tables/deals_scorecard.csv \
    reports/tables/survival_summary.csv $(HELPERS) $(ENV_STAMP)
	$(RUN)
reports/tables/claims_ledger.csv: $(EXEC)/06_claims_ledger.ipynb ;

$(EXEC)/07_report.ipynb: notebooks/07_report.ipynb $(filter-out $(EXEC)/07_report.ipynb,$(EXECUTED)) \
    reports/tables/claims_ledger.csv $(HELPERS) $(ENV_STAMP)
	$(RUN)

# --- checks ---------------------------------------------------------------------------------
test: all unit nbval ## the one test command: pipeline up to date, unit tests, nbval on the notebooks

unit: $(ENV_STAMP) ## unit tests of the helpers (tests/)
	$(PY) -m pytest tests -q

nbval: all ## re-run the notebooks and compare their checked outputs (# NBVAL_CHECK_OUTPUT cells)
	$(PY) -m pytest --nbval-lax --nbval-kernel-name $(KERNEL) --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks -q -p no:cacheprovider

lab: $(ENV_STAMP) ## open JupyterLab on the project kernel at notebooks/
	$(PY) -m jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(ENV_STAMP) ## time the pipeline (cold, no-op, one raw file touched, make test) against the import floor
	$(PY) bench/pipeline_bench.py

lock: ## regenerate requirements.lock from pyproject.toml in a clean environment
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check .
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^deal-clock-helpers' > requirements.lock
	rm -rf .lock-venv

update-trade-data: $(ENV_STAMP) ## download the current Census country file and rebuild the raw trade table (needs internet)
	$(PY) scripts/update_trade_data.py

clean: ## remove executed notebooks (forces a full re-run); keeps .venv and the committed outputs
	rm -rf $(EXEC)
