"""boto3 clients shared by a function's invocations (created once per execution environment).

boto3 reads `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` itself, which is how the local emulator points
these clients at moto's server. Timeouts are short and retries bounded so that a slow dependency turns into a
5xx answer (and a provider retry) well before API Gateway's 29-second integration timeout.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

CLIENT_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard", "max_attempts": 3},
)


def client(service_name: str) -> Any:
    return boto3.client(service_name, config=CLIENT_CONFIG)
