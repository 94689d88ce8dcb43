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
# AWS SAM CLI in a venv of its own (about as long to install as all of `make install`), created
# only by the SAM verbs and the SAM tests. No AWS credentials and no Docker needed to validate/build.
SAM_VENV := .venv-sam
SAM_INSTALLED := $(SAM_VENV)/.installed
SAM := env SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(CURDIR)/$(SAM_VENV)/bin/sam
# As osls's --param (SAM_PARAMS="--param architecture=x86_64"), for sam-template and sam build.
SAM_PARAMS ?=

.PHONY: help install dev test lint fmt typecheck pytest test-runtime bench migrate seed keys db-stop
.PHONY: package deploy clean sam-install sam-template sam-build openapi

help: ## list the verbs
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(INSTALLED) $(NODE_INSTALLED) ## create .venv and node_modules from the pinned files

# Under a lock: `make test` installs it alongside the rest while the SAM tests may ask for it.
$(SAM_INSTALLED): requirements-sam.txt
	@mkdir -p $(SAM_VENV) && exec 9>$(SAM_VENV).lock && flock 9 && \
	if [ ! $@ -nt requirements-sam.txt ]; then \
		echo "creating $(SAM_VENV) from requirements-sam.txt" && \
		$(PYTHON) -m venv $(SAM_VENV) && \
		$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt && \
		touch $@; \
	fi

sam-install: $(SAM_INSTALLED) ## create .venv-sam with the AWS SAM CLI (not needed by dev or deploy)

dev: install ## migrate and seed the embedded database, serve the API on http://127.0.0.1:3000
	@$(BIN)/python -m shared.dev.ports check \
		DEV_HTTP_PORT=$(DEV_HTTP_PORT) DEV_LAMBDA_PORT=$(DEV_LAMBDA_PORT) || exit 1; \
	if [ -z "$${DATABASE_URL:-}" ]; then \
		export DATABASE_URL="$$($(BIN)/python -m shared.dev.postgres url)"; \
		trap '$(BIN)/python -m shared.dev.postgres stop > /dev/null' EXIT; \
	fi; \
	$(BIN)/python -m shared.migrations up > /dev/null && \
	$(BIN)/python -m shared.seed --limit -1 > /dev/null || exit 1; \
	key="$$($(BIN)/python -m shared.auth keys create "make dev" --quiet)" || exit 1; \
	POWERTOOLS_TRACE_DISABLED=true $(SLS) offline --host 127.0.0.1 \
		--httpPort $(DEV_HTTP_PORT) --lambdaPort $(DEV_LAMBDA_PORT) & server=$$!; \
	$(BIN)/python -m shared.dev.ports wait http://127.0.0.1:$(DEV_HTTP_PORT)/health $$server && \
	echo "API on http://127.0.0.1:$(DEV_HTTP_PORT) (Swagger UI: /docs); Ctrl-C stops it" && \
	case "$${AUTH_WRITE:-on}" in off|false|no|0) \
		echo "Write auth is OFF (AUTH_WRITE=$${AUTH_WRITE}): anyone can POST.";; \
	*) echo "Writes need a credential. Development API key (Authorize -> ApiKey, or X-API-Key):" && \
		echo "  $$key";; esac; \
	wait $$server

# All at once: the three installs (pip and npm wait on the network), then ruff and mypy beside
# pytest, which runs on every core; .venv-sam (the SAM tests) is installed meanwhile.
test: ## everything CI runs: lint, types, the whole test suite
	@$(MAKE) --no-print-directory -j4 -Oline lint typecheck pytest $(SAM_INSTALLED)

lint: $(INSTALLED) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(INSTALLED) ## format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(INSTALLED) ## mypy --strict over functions/ shared/ tests/
	$(BIN)/mypy

# Workers for pytest-xdist (auto: one per core); a module's tests stay in one worker.
PYTEST_WORKERS ?= auto
pytest: install ## the test suite against real PostgreSQL, on PYTEST_WORKERS processes
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

migrate: $(INSTALLED) ## apply pending migrations (ARGS="status", "down --steps 1", "create add_color")
	$(BIN)/python -m shared.migrations $(or $(ARGS),up)

seed: $(INSTALLED) ## load the bundled sample (ARGS="--limit -1", "--csv-path s3://b/k", "--dry-run")
	$(BIN)/python -m shared.seed $(ARGS)

# shared/api/eager.py drives coroutines with asyncio internals and overrides Mangum.__call__:
# its tests also run on the Lambda runtime's Python with the pinned Mangum (pure Python both).
RUNTIME_PYTHON ?= python3.12
RUNTIME_VENV := .venv-runtime
test-runtime: ## the eager ASGI cycle's tests on the Lambda runtime's Python (RUNTIME_PYTHON)
	@test -x $(RUNTIME_VENV)/bin/python || $(RUNTIME_PYTHON) -m venv $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/pip install --quiet --disable-pip-version-check \
		"$$(grep -E '^mangum==' requirements.txt)" "$$(grep -E '^pytest==' requirements-dev.txt)"
	$(RUNTIME_VENV)/bin/python -m pytest -q -p no:cacheprovider --noconftest tests/test_eager.py

keys: $(INSTALLED) ## API keys (ARGS="create 'DMS feed'", "list", "revoke 3")
	@eval '$(BIN)/python -m shared.auth keys $(or $(ARGS),list)'

bench: install ## benchmarks against floors measured in the same run (several minutes)
	$(BIN)/python -m bench

package: install ## build .serverless/vehicle-inventory.zip (no AWS credentials needed)
	$(SLS) package --stage $(STAGE)
	@ls -l .serverless/vehicle-inventory.zip

deploy: install ## deploy STAGE (default dev), then migrate it; fails if migrate fails
	@case "$${CORS_ORIGINS:-}" in *" "*|*/,*|*/) \
		echo "CORS_ORIGINS: no spaces or trailing slashes (API Gateway compares as written)" >&2; \
		exit 1;; esac
	@case "$$(tr '[:upper:]' '[:lower:]' <<<"$${AUTH_WRITE:-on}")" in off|false|no|0|"") \
		if [ "$${I_UNDERSTAND_ANYONE_ON_THE_INTERNET_CAN_WRITE:-}" != "yes" ]; then \
			echo "AUTH_WRITE=$${AUTH_WRITE:-}: refusing to deploy an API anyone can write to." >&2; \
			echo "Set I_UNDERSTAND_ANYONE_ON_THE_INTERNET_CAN_WRITE=yes to deploy it anyway." >&2; \
			exit 1; \
		fi;; esac
	$(SLS) deploy --stage $(STAGE)
	@out="$$($(SLS) invoke --function migrate --stage $(STAGE) --data '{"action": "up"}' 2>&1)"; \
	status=$$?; echo "$$out"; \
	if [ $$status -ne 0 ] || grep -q '"errorMessage"' <<<"$$out"; then \
		echo "migrate failed on stage $(STAGE)" >&2; exit 1; \
	fi

# The docs function serves this file; tests/test_openapi.py fails until it matches the app.
openapi: $(INSTALLED) ## regenerate shared/api/openapi.json (the stored document) from the app
	$(BIN)/python -m shared.api.openapi

sam-template: $(INSTALLED) ## regenerate template.yaml (AWS SAM) from serverless.yml
	$(BIN)/python -m shared.dev.sam_template $(SAM_PARAMS)

sam-build: $(INSTALLED) $(SAM_INSTALLED) ## sam validate --lint, then sam build into .aws-sam/build
	$(SAM) validate --lint
	$(SAM) build

# `sam build` runs these in the work tree (template.yaml: BuildMethod makefile; samconfig.toml:
# build in source), once for the layer and once per function: the wheels and the files that
# serverless.yml packages, by shared/dev/sam_build.py. ARTIFACTS_DIR comes from sam.
build-DependenciesLayer: $(INSTALLED)
	$(BIN)/python -m shared.dev.sam_build dependencies "$(ARTIFACTS_DIR)/python" $(SAM_PARAMS)

build-%LambdaFunction: $(INSTALLED)
	$(BIN)/python -m shared.dev.sam_build code "$(ARTIFACTS_DIR)"

db-stop: $(INSTALLED) ## stop the embedded development PostgreSQL (data is kept)
	$(BIN)/python -m shared.dev.postgres stop

clean: ## remove the virtualenv, node_modules, caches and the embedded databases
	-$(BIN)/python -m shared.dev.postgres stop
	rm -rf $(VENV) $(SAM_VENV) $(SAM_VENV).lock $(RUNTIME_VENV) node_modules .serverless .aws-sam .pgdata .pytest_cache \
		.mypy_cache .ruff_cache
