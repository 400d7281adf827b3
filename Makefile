# The verbs of the ACME telemetry stack. Every target installs what it needs into ./.venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# make run's dataset; override on the command line (make run TELEMETRY=5000000).
OUTPUT ?= output
START ?= 2026-01-12
END ?= 2026-01-19
TELEMETRY ?= 1000000
# Empty: the world is sized to the volume (about 2 h per active subscriber-day).
CUSTOMERS ?=
TITLES ?= 500
CAMPAIGNS ?= 50
SEED ?= 42
# make run resumes a dataset made with the same settings and refuses one made with others;
# OVERWRITE=1 replaces it (the backfill's own files only).
OVERWRITE ?=

.PHONY: run test test-fast lint lock schema bench clean tf-check tf-init lambda-zip integration-test report-check \
	emr-backfill emr-image

# python/requirements.lock pins every version that decides the bytes (numpy's random
# streams, pyarrow's Parquet writer, the name and zone data): make lock writes it.
$(INSTALLED): python/pyproject.toml python/requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -c python/requirements.lock -e "python[dev]"  # no setuptools banner
	touch $@

## lock: pin every dependency, for every supported Python, into python/requirements.lock
## (uv pip compile; the Lambda zip and the EMR image install from it too)
lock: $(INSTALLED)
	cd python && ../$(BIN)/uv pip compile pyproject.toml --extra dev --universal \
		--python-version 3.11 --no-header --quiet -o requirements.lock

## run: generate the default lake into ./output, run the seed's example queries and print the
## QoE KPIs on it
run: $(INSTALLED)
	ACME_OVERWRITE_FLAG=OVERWRITE=1 $(BIN)/python -m acme_gen.backfill --output-dir $(OUTPUT) \
		--start $(START) --end $(END) --telemetry $(TELEMETRY) \
		$(if $(CUSTOMERS),--customers $(CUSTOMERS)) --titles $(TITLES) \
		--campaigns $(CAMPAIGNS) --seed $(SEED) $(if $(OVERWRITE),--overwrite)
	$(BIN)/python -m acme_gen.query --lake $(OUTPUT) --examples
	$(BIN)/python -m acme_gen.query --lake $(OUTPUT) --kpis
	$(BIN)/python -m acme_gen.validate --lake $(OUTPUT)
	$(BIN)/python -m acme_gen.reconcile --lake $(OUTPUT) --brief
	$(BIN)/python -m acme_gen.profile --lake $(OUTPUT) --out $(OUTPUT)/report.html
	@echo "open $(OUTPUT)/report.html to see the data's shape"

# The suite runs on both cores (pytest-xdist): a test file's tests spread over the workers
# unless the file groups them (xdist_group) around something they share; shared lakes are
# built once for both (tests/shared.py). It prints the 15 slowest tests and the total time,
# and a test over 180 s fails the run unless it is marked with its reason (tests/budget.py).
TEST_WORKERS ?= 2
PYTEST := cd python && ../$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup --durations=15

## test: lint, type-check, check derived artefacts, Terraform checks, the whole suite
## (tests/unit, tests/adapters and tests/e2e, as CI runs it)
test: lint tf-check
	$(PYTEST) tests

## test-fast: the inner loop: the unit and adapter tiers only (pure core, contract, local AWS
## server, DuckDB, pyarrow), in a few minutes
test-fast: $(INSTALLED)
	$(PYTEST) tests/unit tests/adapters

## tf-init: terraform init for the root stack, offline from a local provider mirror where the
## machine has one (as tf-check does), else from the registry
tf-init:
	bash scripts/tf-check.sh --init-only

## tf-check: terraform fmt/validate/test for the root and every module, and checkov (offline)
tf-check:
	bash scripts/tf-check.sh

lint: $(INSTALLED)
	cd python && ../$(BIN)/ruff check acme_gen tests bench ../scripts
	cd python && ../$(BIN)/ruff format --check acme_gen tests bench ../scripts
	cd python && ../$(BIN)/mypy
	cd python && ../$(BIN)/lint-imports
	$(BIN)/python -m acme_gen.schema --check

## integration-test: apply terraform/ to a local AWS server (moto) and run the pipeline through it
integration-test: $(INSTALLED)
	cd python && ../$(BIN)/python -m pytest -q -m integration tests/e2e

## report-check: render the profile page in headless Chromium (installs Debian's chromium)
report-check: $(INSTALLED)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	cd python && ACME_REQUIRE_CHROMIUM=1 ../$(BIN)/python -m pytest -q tests/e2e/test_profile.py

## emr-backfill: package acme_gen and start a Spark backfill on EMR Serverless
## (terraform apply -var emr_backfill_enabled=true first; ARGS are backfill flags)
EMR_APP ?= $(shell terraform -chdir=terraform output -raw emr_backfill_application_id 2>/dev/null)
EMR_ROLE ?= $(shell terraform -chdir=terraform output -raw emr_backfill_job_role_arn 2>/dev/null)
EMR_BUCKET ?= $(shell terraform -chdir=terraform output -raw data_bucket_name 2>/dev/null)
EMR_DATABASE ?= $(shell terraform -chdir=terraform output -raw glue_database_name 2>/dev/null)
ARGS ?= --telemetry 1000000000 --start 2025-01-01 --end 2026-01-01
emr-backfill: $(INSTALLED)
	$(BIN)/python scripts/emr_backfill.py --application-id "$(EMR_APP)" --role-arn "$(EMR_ROLE)" \
		--bucket "$(EMR_BUCKET)" --glue-database "$(EMR_DATABASE)" -- $(ARGS)

## emr-image: build the EMR Serverless image (Python 3.11 + the job's pinned dependencies) and
## push it to the stack's ECR repository; TAG names the version (the repository is immutable)
EMR_REPO ?= $(shell terraform -chdir=terraform output -raw emr_backfill_image_repository_url 2>/dev/null)
TAG ?= 1
emr-image: $(INSTALLED)
	$(BIN)/python scripts/emr_image.py --tag "$(EMR_REPO):$(TAG)" --push

## lambda-zip: reproducible Lambda packages dist/acme-lambda-{arm64,x86_64}.zip
lambda-zip: $(INSTALLED)
	$(BIN)/python scripts/build_lambda_zip.py

## schema: regenerate terraform/schema/tables.json from the models
schema: $(INSTALLED)
	$(BIN)/python -m acme_gen.schema

## bench: backfill throughput and memory against a naive per-row baseline; stream serialisation
## and a Lambda-sized window against a local Kinesis
bench: $(INSTALLED)
	$(BIN)/python python/bench/bench_backfill.py
	$(BIN)/python python/bench/bench_world.py
	$(BIN)/python python/bench/bench_stream.py
	$(BIN)/python python/bench/bench_reconcile.py
	$(BIN)/python python/bench/bench_lambda_zip.py

clean:
	rm -rf $(OUTPUT) dist .venv-checkov .pytest_cache python/.pytest_cache python/.mypy_cache python/.ruff_cache
