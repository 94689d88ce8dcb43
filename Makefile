# Everyday verbs. `make dev` and `make test` work on a fresh clone with Python 3.11+, make and Node.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
INSTALLED := $(VENV)/.installed
STAGE ?= dev

.PHONY: help install dev test lint fmt typecheck pytest bench migrate seed db-stop package deploy clean

help: ## list the verbs
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(INSTALLED) ## create .venv with runtime and development dependencies

test: lint typecheck pytest ## everything CI runs: lint, types, the whole test suite

lint: $(INSTALLED) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(INSTALLED) ## format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(INSTALLED) ## mypy --strict over functions/ shared/ tests/
	$(BIN)/mypy

pytest: $(INSTALLED) ## the test suite against real PostgreSQL
	$(BIN)/pytest

migrate: $(INSTALLED) ## apply pending migrations (ARGS="status", "down --steps 1", ...)
	$(BIN)/python -m shared.migrate $(or $(ARGS),up)

db-stop: $(INSTALLED) ## stop the embedded development PostgreSQL (data is kept)
	$(BIN)/python -m shared.devdb stop

clean: ## remove the virtualenv, node_modules, caches and the embedded databases
	-$(BIN)/python -m shared.devdb stop
	rm -rf $(VENV) node_modules .serverless .pgdata .pytest_cache .mypy_cache .ruff_cache
