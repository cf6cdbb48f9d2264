"""Offline `terraform validate` for air-gapped runners: the AWS provider schema comes from the jsii
assembly of the PyPI package `cdktf-cdktf-provider-aws`, the HCL parser from Checkov (`bc-python-hcl2`).

    python -m policies.tfvalidate infra
"""

from policies.tfvalidate.checker import validate_directory
from policies.tfvalidate.modules import Finding
from policies.tfvalidate.schema import load_schema

__all__ = ["Finding", "load_schema", "validate_directory"]
