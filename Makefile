# payhooks — every target bootstraps the pinned virtualenv it needs; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha256sum requirements-dev.txt | cut -c1-12)
TF_DIR := infra
# The Lambda zips are built for the Python and architecture Terraform deploys: lambda_runtime and
# lambda_architecture from infra/terraform.tfvars or infra/*.auto.tfvars (the last one set wins), else the
# variables' defaults. Override on the command line: `make build LAMBDA_PYTHON=3.12`.
TFVARS_FILES   := $(wildcard $(TF_DIR)/terraform.tfvars $(TF_DIR)/*.auto.tfvars)
tfvar           = $(shell sed -nE 's/^[[:space:]]*$(1)[[:space:]]*=[[:space:]]*"$(2)".*/\1/p' $(TFVARS_FILES) /dev/null | tail -n1)
LAMBDA_PYTHON ?= $(or $(call tfvar,lambda_runtime,python(3\.[0-9]+)),3.9)
LAMBDA_ARCH   ?= $(or $(call tfvar,lambda_architecture,(x86_64|arm64)),x86_64)
# Never scanned for secrets: generated or third-party trees.
SECRETS_EXCLUDE := ^(\.secrets\.baseline|\.venv/|\.git/|build/|reports/)
# pip-compile's `--hash=sha256:...` pins are public digests, not secrets (the line as detect-secrets sees it).
SECRETS_EXCLUDE_LINES := --hash=sha256:[0-9a-f]{64}( \\)?"?$$
# Checkov and friends must never phone home: the gate runs on air-gapped PCI build agents.
export BC_SKIP_MAPPING := TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK := true
export PYTHONPATH := $(CURDIR)/functions:$(CURDIR)

.PHONY: help venv test gate build lint fmt precommit secrets-baseline bench local preflight plan apply destroy lock clean

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "payhooks tooling needs Python >= 3.11")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

venv: $(STAMP) ## Create the pinned tooling virtualenv (.venv)

test: $(STAMP) ## Run the whole test suite (functions, policies, infra, e2e)
	$(PY) -m pytest

gate: $(STAMP) ## Run the PCI policy gate on infra/ and write reports/<UTC time>-<commit>/
	$(PY) -m policies gate --dir $(TF_DIR) --out reports

build: $(STAMP) ## Build one reproducible Lambda zip per function into build/ (for lambda_runtime's Python)
	$(PY) -m payhooks_tools.build --out build --python-version $(LAMBDA_PYTHON) --architecture $(LAMBDA_ARCH)

lint: $(STAMP) ## Lint: ruff, Python 3.9 compatibility of functions/, offline Terraform validation, actionlint
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/vermin --no-tips --violations -t=3.9- functions/
	$(PY) -m policies.tfvalidate $(TF_DIR)
	$(VENV)/bin/actionlint

fmt: $(STAMP) ## Format Python (ruff) and Terraform (when terraform is installed)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
	@if command -v terraform >/dev/null; then terraform fmt -recursive $(TF_DIR); else echo "terraform not installed: skipped terraform fmt"; fi

precommit: $(STAMP) ## Run every pre-commit hook on all files, offline (install: .venv/bin/pre-commit install)
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

secrets-baseline: $(STAMP) ## Refresh .secrets.baseline (keeps audit labels), then audit new findings
	git ls-files -z --cached --others --exclude-standard | grep -zv '^\.secrets\.baseline$$' \
	  | xargs -0 $(VENV)/bin/detect-secrets scan --no-verify --exclude-files '$(SECRETS_EXCLUDE)' \
	    '--exclude-lines=$(SECRETS_EXCLUDE_LINES)' \
	    $(if $(wildcard .secrets.baseline),--baseline .secrets.baseline,> .secrets.baseline)
	@echo "audit new findings (mark each real secret and remove it): $(VENV)/bin/detect-secrets audit .secrets.baseline"

bench: $(STAMP) ## Print cold-start import ratios, AWS API calls per webhook/batch and gate runtime
	$(PY) -m payhooks_tools.bench

local: $(STAMP) ## Run the whole pipeline on moto's server on 127.0.0.1 until interrupted
	$(PY) -m payhooks_tools.local_stack

preflight: $(STAMP) ## Refuse clearly unless terraform and AWS credentials are available (plan/apply/destroy run it first)
	@$(PY) -m payhooks_tools.deploy_preflight

plan: preflight gate build ## Gate and build, then terraform plan into infra/tfplan and gate the plan JSON (needs terraform + AWS credentials)
	terraform -chdir=$(TF_DIR) init -input=false
	terraform -chdir=$(TF_DIR) plan -input=false -out=tfplan
	terraform -chdir=$(TF_DIR) show -json tfplan > $(TF_DIR)/tfplan.json
	$(PY) -m policies gate --dir $(TF_DIR) --plan $(TF_DIR)/tfplan.json --out reports

apply: preflight gate ## Apply exactly the reviewed infra/tfplan produced by `make plan`
	@test -f $(TF_DIR)/tfplan || { echo "no infra/tfplan: run 'make plan' and review it first"; exit 2; }
	terraform -chdir=$(TF_DIR) apply -input=false tfplan

destroy: preflight gate ## Destroy the stack (gate first, asks for confirmation)
	terraform -chdir=$(TF_DIR) destroy

lock: $(STAMP) ## Re-pin requirements-dev.txt and functions/requirements.txt with hashes
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in
	cd functions && ../$(VENV)/bin/pip-compile -q --generate-hashes --no-emit-index-url --no-emit-find-links \
	  --unsafe-package botocore --unsafe-package jmespath --unsafe-package python-dateutil \
	  --unsafe-package six --unsafe-package urllib3 -o requirements.txt requirements.in

clean: ## Remove build outputs, reports and caches (keeps .venv)
	rm -rf build reports .pytest_cache .ruff_cache .hypothesis
