"""Pre-flight for `make plan/apply/destroy`: is Terraform installed, and can boto3 find AWS credentials?

    python -m payhooks_tools.deploy_preflight [--allow-instance-metadata]

Exits 2 with what is missing, 0 after printing what it found. Credentials come from boto3's own resolution
chain (environment, shared credentials/config files, SSO, assume-role, credential_process, web identity)
without calling AWS: deferred credentials are not refreshed, and the container and EC2 instance-metadata
endpoints are not contacted (the first is reported when configured, the second only with the flag).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import botocore.session
from botocore.credentials import RefreshableCredentials, create_credential_resolver
from botocore.exceptions import BotoCoreError

EXIT_MISSING = 2
# Providers in botocore's chain that reach the network just to find out whether credentials exist.
NETWORK_PROVIDERS = ("container-role", "iam-role")
CONTAINER_ENDPOINT_VARIABLES = (
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


@dataclass(frozen=True)
class Credentials:
    method: str
    access_key_hint: str | None
    profile: str | None
    region: str | None


class CredentialsError(Exception):
    """Credentials are configured but cannot be loaded (a broken profile, an unreadable file)."""


def find_terraform() -> str | None:
    return shutil.which("terraform")


def _mask(access_key: str | None) -> str | None:
    if not access_key:
        return None
    return f"{access_key[:4]}...{access_key[-4:]}" if len(access_key) > 8 else "****"


def find_credentials(allow_instance_metadata: bool = False) -> Credentials | None:
    """What boto3 would sign with, resolved locally; None when nothing is configured."""
    session = botocore.session.Session()
    try:
        resolver = create_credential_resolver(session)
        for name in NETWORK_PROVIDERS:
            if not (name == "iam-role" and allow_instance_metadata):
                resolver.remove(name)
        profile = session.get_config_variable("profile")
        region = session.get_config_variable("region")
        credentials = resolver.load_credentials()
    except BotoCoreError as exc:
        raise CredentialsError(str(exc)) from exc
    if credentials is not None:
        # Reading `access_key` of refreshable credentials triggers a refresh (an AWS call): only when static.
        static = not isinstance(credentials, RefreshableCredentials)
        access_key = credentials.access_key if static else None
        return Credentials(credentials.method, _mask(access_key), profile, region)
    if any(os.environ.get(name) for name in CONTAINER_ENDPOINT_VARIABLES):
        return Credentials("container-role (endpoint configured, not contacted)", None, profile, region)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m payhooks_tools.deploy_preflight", description=__doc__.strip().splitlines()[0]
    )
    parser.add_argument(
        "--allow-instance-metadata",
        action="store_true",
        help="also look for an EC2 instance profile (contacts the instance metadata service)",
    )
    args = parser.parse_args(argv)
    problems = []
    terraform = find_terraform()
    if terraform is None:
        problems.append(
            "terraform is not on PATH: install Terraform >= 1.6 (https://developer.hashicorp.com/terraform/install)"
        )
    credentials = None
    try:
        credentials = find_credentials(allow_instance_metadata=args.allow_instance_metadata)
    except CredentialsError as exc:
        problems.append(f"AWS credentials are configured but cannot be loaded: {exc}")
    else:
        if credentials is None:
            problems.append(
                "no AWS credentials found: set AWS_PROFILE (e.g. after `aws sso login`) or "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --allow-instance-metadata on an EC2 "
                "runner with an instance profile"
            )
    if problems or credentials is None:
        for problem in problems:
            print(f"deploy preflight: {problem}", file=sys.stderr)
        return EXIT_MISSING
    print(f"terraform: {terraform}")
    print(f"aws credentials: {describe(credentials)}")
    return 0


def describe(credentials: Credentials) -> str:
    fields = {
        "source": credentials.method,
        "access_key": credentials.access_key_hint,
        "profile": credentials.profile,
        "region": credentials.region,
    }
    return " ".join(f"{key}={value}" for key, value in fields.items() if value)


if __name__ == "__main__":
    sys.exit(main())
