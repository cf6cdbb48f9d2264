"""Environment configuration of the functions (see the function contract in README.md).

Values are read when a handler needs them, not at import, so tools and tests can import the handlers
without a deployed environment; parsing is cheap enough to repeat on every invocation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class ConfigError(Exception):
    """A required environment variable is missing or has an invalid value."""


def required(name: str, environ: Mapping[str, str]) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is required")
    return value


def positive_int(name: str, default: int, environ: Mapping[str, str]) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name} must be an integer") from None
    if value <= 0:
        raise ConfigError(f"environment variable {name} must be greater than zero")
    return value


@dataclass(frozen=True)
class ValidatorConfig:
    table_name: str
    queue_url: str
    signing_secret_arn: str
    signature_tolerance_seconds: int = 300
    retention_days: int = 30
    max_body_bytes: int = 262144

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ValidatorConfig:
        env = os.environ if environ is None else environ
        return cls(
            table_name=required("TABLE_NAME", env),
            queue_url=required("QUEUE_URL", env),
            signing_secret_arn=required("SIGNING_SECRET_ARN", env),
            signature_tolerance_seconds=positive_int("SIGNATURE_TOLERANCE_SECONDS", 300, env),
            retention_days=positive_int("RETENTION_DAYS", 30, env),
            max_body_bytes=positive_int("MAX_BODY_BYTES", 262144, env),
        )


@dataclass(frozen=True)
class ProcessorConfig:
    table_name: str
    topic_arn: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ProcessorConfig:
        env = os.environ if environ is None else environ
        return cls(table_name=required("TABLE_NAME", env), topic_arn=required("TOPIC_ARN", env))
