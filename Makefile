# Everyday verbs. `make dev` and `make test` work on a fresh clone with Python 3.11+, make and Node.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.package-lock.json
STAGE ?= dev
# make dev's ports: the API, and serverless-offline's Lambda invoke endpoint (env.example).
DEV_HTTP_PORT ?= 3000
DEV_LAMBDA_PORT ?= 3002
# osls (open-source Serverless v3) with the venv first on PATH: the plugins and handlers run `python3`.
SLS := env SLS_TELEMETRY_DISABLED=1 PATH="$(BIN):$$PATH" node_modules/.bin/osls

.PHONY: help install dev test lint fmt typecheck pytest bench migrate seed db-stop package deploy clean

help: ## list the verbs
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(INSTALLED) $(NODE_INSTALLED) ## create .venv and node_modules from the pinned files

dev: install ## migrate and seed the embedded database, serve the API on http://127.0.0.1:3000
	@$(BIN)/python -m shared.dev.ports check \
		DEV_HTTP_PORT=$(DEV_HTTP_PORT) DEV_LAMBDA_PORT=$(DEV_LAMBDA_PORT) || exit 1; \
	if [ -z "$${DATABASE_URL:-}" ]; then \
		export DATABASE_URL="$$($(BIN)/python -m shared.dev.postgres url)"; \
		trap '$(BIN)/python -m shared.dev.postgres stop > /dev/null' EXIT; \
	fi; \
	$(BIN)/python -m shared.migrations up > /dev/null && \
	$(BIN)/python -m shared.seed --limit -1 > /dev/null || exit 1; \
	POWERTOOLS_TRACE_DISABLED=true $(SLS) offline --host 127.0.0.1 \
		--httpPort $(DEV_HTTP_PORT) --lambdaPort $(DEV_LAMBDA_PORT) & server=$$!; \
	$(BIN)/python -m shared.dev.ports wait http://127.0.0.1:$(DEV_HTTP_PORT)/health $$server && \
	echo "API on http://127.0.0.1:$(DEV_HTTP_PORT) (Swagger UI: /docs); Ctrl-C stops it"; \
	wait $$server

test: install lint typecheck pytest ## everything CI runs: lint, types, the whole test suite

lint: $(INSTALLED) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(INSTALLED) ## format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(INSTALLED) ## mypy --strict over functions/ shared/ tests/
	$(BIN)/mypy

pytest: install ## the test suite against real PostgreSQL
	$(BIN)/pytest

migrate: $(INSTALLED) ## apply pending migrations (ARGS="status", "down --steps 1", "create add_color")
	$(BIN)/python -m shared.migrations $(or $(ARGS),up)

seed: $(INSTALLED) ## load the bundled sample (ARGS="--limit -1", "--csv-path s3://b/k", "--dry-run")
	$(BIN)/python -m shared.seed $(ARGS)

bench: install ## benchmarks against floors measured in the same run (several minutes)
	$(BIN)/python -m bench

package: install ## build .serverless/vehicle-inventory.zip (no AWS credentials needed)
	$(SLS) package --stage $(STAGE)
	@ls -l .serverless/vehicle-inventory.zip

deploy: install ## deploy STAGE (default dev), then migrate it; fails if migrate fails
	@case "$${CORS_ORIGINS:-}" in *" "*|*/,*|*/) \
		echo "CORS_ORIGINS: no spaces or trailing slashes (API Gateway compares as written)" >&2; \
		exit 1;; esac
	$(SLS) deploy --stage $(STAGE)
	@out="$$($(SLS) invoke --function migrate --stage $(STAGE) --data '{"action": "up"}' 2>&1)"; \
	status=$$?; echo "$$out"; \
	if [ $$status -ne 0 ] || grep -q '"errorMessage"' <<<"$$out"; then \
		echo "migrate failed on stage $(STAGE)" >&2; exit 1; \
	fi

db-stop: $(INSTALLED) ## stop the embedded development PostgreSQL (data is kept)
	$(BIN)/python -m shared.dev.postgres stop

clean: ## remove the virtualenv, node_modules, caches and the embedded databases
	-$(BIN)/python -m shared.dev.postgres stop
	rm -rf $(VENV) node_modules .serverless .pgdata .pytest_cache .mypy_cache .ruff_cache
