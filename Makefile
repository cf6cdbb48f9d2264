# payhooks — every target bootstraps the pinned virtualenv it needs; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha256sum requirements-dev.txt | cut -c1-12)
TF_DIR := infra
# Checkov and friends must never phone home: the gate runs on air-gapped PCI build agents.
export BC_SKIP_MAPPING := TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK := true
export PYTHONPATH := $(CURDIR)/functions:$(CURDIR)

.PHONY: help venv test gate build lint fmt bench local plan apply destroy lock clean

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

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

build: $(STAMP) ## Build one reproducible Lambda zip per function into build/
	$(PY) -m payhooks_tools.build --out build

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

bench: $(STAMP) ## Print cold-start import ratios, AWS API calls per webhook/batch and gate runtime
	$(PY) -m payhooks_tools.bench

local: $(STAMP) ## Run the whole pipeline on moto's server on 127.0.0.1 until interrupted
	$(PY) -m payhooks_tools.local_stack

plan: gate ## Gate, then terraform plan into infra/tfplan (needs terraform and AWS credentials)
	@$(PY) -m payhooks_tools.deploy_preflight
	terraform -chdir=$(TF_DIR) init -input=false
	terraform -chdir=$(TF_DIR) plan -input=false -out=tfplan
	terraform -chdir=$(TF_DIR) show -json tfplan > $(TF_DIR)/tfplan.json
	$(PY) -m policies gate --dir $(TF_DIR) --plan $(TF_DIR)/tfplan.json --out reports

apply: ## Apply exactly the reviewed infra/tfplan produced by `make plan`
	@$(PY) -m payhooks_tools.deploy_preflight
	@test -f $(TF_DIR)/tfplan || { echo "no infra/tfplan: run 'make plan' and review it first"; exit 2; }
	terraform -chdir=$(TF_DIR) apply -input=false tfplan

destroy: gate ## Destroy the stack (gate first, asks for confirmation)
	@$(PY) -m payhooks_tools.deploy_preflight
	terraform -chdir=$(TF_DIR) destroy

lock: $(STAMP) ## Re-pin requirements-dev.txt and functions/requirements.txt with hashes
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in
	cd functions && ../$(VENV)/bin/pip-compile -q --generate-hashes --no-emit-index-url --no-emit-find-links \
	  --unsafe-package botocore --unsafe-package jmespath --unsafe-package python-dateutil \
	  --unsafe-package six --unsafe-package urllib3 -o requirements.txt requirements.in

clean: ## Remove build outputs, reports and caches (keeps .venv)
	rm -rf build reports .pytest_cache .ruff_cache .hypothesis
