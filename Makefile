# govshare — `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install govshare with its dev tools

demo: install ## Load the Guangzhou demo into a fresh database and serve it on http://$(HOST):$(PORT)
	$(VENV)/bin/govshare demo --force
	$(VENV)/bin/govshare serve --host $(HOST) --port $(PORT)

test: install ## Run the full suite (SQLite, and PostgreSQL when a server can be started)
	$(PY) scripts/run_tests.py

test-sqlite: install ## Run the suite on SQLite only
	$(VENV)/bin/pytest -q

lint: install ## ruff and mypy
	$(VENV)/bin/ruff check src tests scripts bench
	$(VENV)/bin/ruff format --check src tests scripts bench
	$(VENV)/bin/mypy

format: install ## Format the code with ruff
	$(VENV)/bin/ruff format src tests scripts bench
	$(VENV)/bin/ruff check --fix src tests scripts bench

bench: install ## Run the benchmarks and print their figures
	$(PY) bench/run.py

i18n: install ## Extract the console's messages (messages.pot) and merge them into the zh_CN and en catalogues
	$(PY) scripts/i18n.py extract
	$(PY) scripts/i18n.py update

migration: install ## Autogenerate the next migration from the models: make migration SLUG=what_changed
	$(PY) scripts/new_migration.py $(SLUG)

.PHONY: help install demo test test-sqlite lint format bench i18n migration
