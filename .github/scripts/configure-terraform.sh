#!/usr/bin/env bash
# CI only: writes the Terraform inputs that live in repository/environment variables, never in git.
#   TF_BACKEND_CONFIG  S3 backend settings (bucket, key, region, use_lockfile, encrypt, kms_key_id),
#                      written to infra/ci.s3.tfbackend for `terraform init -backend-config=ci.s3.tfbackend`.
#   PAYHOOKS_TFVARS    the environment's terraform.tfvars (no secrets: the signing secret never goes
#                      through Terraform), written to infra/ci.auto.tfvars. Optional for apply (the saved
#                      plan carries the values).
# The backend block is an override file, so infra/ works whether or not it declares a backend itself.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${TF_BACKEND_CONFIG:?repository variable TF_BACKEND_CONFIG (S3 backend settings) is not set}"
printf '%s\n' "$TF_BACKEND_CONFIG" > infra/ci.s3.tfbackend
cat > infra/ci_backend_override.tf <<'HCL'
terraform {
  backend "s3" {}
}
HCL
if [ -n "${PAYHOOKS_TFVARS:-}" ]; then
  printf '%s\n' "$PAYHOOKS_TFVARS" > infra/ci.auto.tfvars
fi
