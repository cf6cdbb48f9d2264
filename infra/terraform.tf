terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # No backend block on purpose: state stays local unless an operator opts into the S3 backend
  # (README "Remote state" and examples/backend.hcl.example), so `terraform init` works on a fresh clone.
}
