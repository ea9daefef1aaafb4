# fazhi: make run (build + publish the warehouse), make test (lint, then everything).
# FAZHI_REPORTS_DIR / FAZHI_WAREHOUSE / FAZHI_WORK_DB may be given relative to
# the directory make runs in; they are made absolute before anything uses them.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fazhi-setup
DBT_DIR := dbt_project
MANIFEST := $(DBT_DIR)/target/manifest.json
DAGSTER_PORT ?= 3000
DOCS_PORT ?= 8081
PYTEST_ARGS ?=
# The work DB path as the pipeline derives it, handed to standalone dbt commands.
WORK_DB = $$($(CURDIR)/$(BIN)/python -c 'from fazhi_pipeline import settings; print(settings.work_db())')

ifdef FAZHI_REPORTS_DIR
export FAZHI_REPORTS_DIR := $(abspath $(FAZHI_REPORTS_DIR))
endif
ifdef FAZHI_WAREHOUSE
export FAZHI_WAREHOUSE := $(abspath $(FAZHI_WAREHOUSE))
endif
ifdef FAZHI_WORK_DB
export FAZHI_WORK_DB := $(abspath $(FAZHI_WORK_DB))
endif
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# Tools from the venv first, whether or not it is activated.
export PATH := $(CURDIR)/$(BIN):$(PATH)

# The dbt project's files, as fazhi_pipeline.settings.dbt_project_files() states them
# (the one definition; settings.py needs only the standard library, so this works
# before `make setup` too).
DBT_SOURCES := $(shell PYTHONPATH=$(CURDIR)/orchestration $(PYTHON) -c 'from fazhi_pipeline import settings; print(*settings.dbt_project_files())' 2>/dev/null)

.PHONY: help setup manifest run lint fix test browser dev dbt-docs bench clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

setup: $(STAMP)  ## create .venv and install the pinned dependencies (quick when nothing changed)

# --compile-bytecode: with PYTHONDONTWRITEBYTECODE=1 set (as in some shells and
# CI) Python never caches bytecode itself, and loading the definitions takes
# ~10 s instead of ~5 s. uv only compiles when it installs something, so
# compileall covers a venv that was already complete (a few seconds when the
# cache is up to date) and our own packages (editable: not in site-packages).
# Debian packages the readers (orchestration/fazhi_read) use: antiword and catdoc
# read .doc/.wps; fonts-wqy-microhei is the CJK font the reader tests draw their
# PDF fixtures with. apt-get runs only when one is missing, and only as root.
DEB_PACKAGES := antiword:/usr/bin/antiword catdoc:/usr/bin/catdoc fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc

$(STAMP): requirements.lock pyproject.toml
	@missing=""; for pf in $(DEB_PACKAGES); do test -e "$${pf#*:}" || missing="$$missing $${pf%%:*}"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "apt-get install$$missing"; export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
				{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }; \
		else echo "note: missing Debian packages:$$missing (.doc/.wps reading, reader test fixtures); apt-get install them as root"; fi; \
	fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode -p $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --compile-bytecode -p $(BIN)/python -e . --no-deps
	$(BIN)/python -m compileall -q -j 0 $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') orchestration >/dev/null
	@touch $@

# The dbt manifest Dagster loads, rebuilt only when a dbt file changed.
manifest: $(MANIFEST)  ## parse the dbt project (target/manifest.json)

$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd $(DBT_DIR) && FAZHI_WORK_DB=$(WORK_DB) $(CURDIR)/$(BIN)/dbt parse --quiet --profiles-dir .
	@touch $@

run: setup manifest  ## build the warehouse from FAZHI_REPORTS_DIR and publish it to FAZHI_WAREHOUSE
	$(BIN)/python -m fazhi_pipeline run

# Lint: ruff (Python; configured in pyproject.toml) and sqlfluff (the dbt
# project's SQL; .sqlfluff, jinja templater with dbt's builtins, no database).
# Both run even when the first fails, so one `make lint` lists everything.
LINT_PY := orchestration tests benchmarks
lint: setup  ## ruff and sqlfluff, no changes made
	@status=0; \
	$(BIN)/ruff check $(LINT_PY) || status=1; \
	$(BIN)/sqlfluff lint $(DBT_DIR) || status=1; \
	exit $$status

fix: setup  ## what ruff and sqlfluff can fix by themselves (ruff's safe fixes; sqlfluff's layout); review the diff
	$(BIN)/ruff check --fix $(LINT_PY) || true
	$(BIN)/sqlfluff fix $(DBT_DIR) || true
	$(MAKE) --no-print-directory lint

test: lint setup manifest browser  ## lint, then the whole test suite (parser, dbt build and tests, end-to-end pipeline, review site in Chromium)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The review site's tests drive Debian's Chromium through Playwright (never
# `playwright install`); a CJK font makes their screenshots readable. Installed
# only when missing (as root, e.g. in CI).
CHROMIUM := /usr/bin/chromium
browser:  ## Debian's chromium and a Chinese font for the browser tests, installed when missing
	@test -x $(CHROMIUM) || { echo "installing chromium (apt-get)"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { echo "installing fonts-wqy-microhei (apt-get)"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null || \
		{ DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; }; }

# fazhi_pipeline/dev.py: dagster dev on $(DAGSTER_HOME) (dagster.yaml copied in), code
# location `fazhi` ($(DAGSTER_HOME)/workspace.yaml), stopped by Ctrl-C or SIGTERM.
dev: setup manifest  ## the Dagster UI on http://127.0.0.1:3000 (DAGSTER_PORT)
	DAGSTER_PORT=$(DAGSTER_PORT) $(BIN)/python -m fazhi_pipeline.dev

dbt-docs: setup manifest  ## generate and serve dbt docs for the work database
	cd $(DBT_DIR) && export FAZHI_WORK_DB=$(WORK_DB) && \
		$(CURDIR)/$(BIN)/dbt docs generate --profiles-dir . && \
		$(CURDIR)/$(BIN)/dbt docs serve --profiles-dir . --port $(DOCS_PORT)

bench: setup manifest  ## scale and speed benchmark (benchmarks/README.md); BENCH_ARGS='--stages parse' for a part
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:  ## remove generated files: dbt target/logs, Dagster home, caches, warehouse outputs (keeps .venv)
	rm -rf $(DBT_DIR)/target $(DBT_DIR)/logs .dagster_home .pytest_cache .hypothesis .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find warehouse -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
