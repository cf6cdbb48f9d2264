"""Fixtures for the Lambda function tests: moto in-process AWS, events from JSON files, a fake Lambda context.

AWS settings are fixed before the handlers are imported, because the handlers create their boto3 clients at
import time (as they do at a Lambda cold start).
"""

from __future__ import annotations

import os

for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_LAMBDA_FUNCTION_NAME", "AWS_XRAY_SDK_ENABLED"):
    os.environ.pop(_name, None)
os.environ.update(
    {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }
)

import pytest  # noqa: E402
from fn_testkit import FUZZ_STATS, FakeLambdaContext, Stack, aws_mock, launch_stack  # noqa: E402


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture(scope="module")
def mocked_aws() -> None:
    with aws_mock():
        yield


@pytest.fixture
def stack(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Stack:
    with launch_stack(monkeypatch) as running:
        yield running


def pytest_terminal_summary(terminalreporter) -> None:
    if FUZZ_STATS:
        for name, count in FUZZ_STATS.items():
            terminalreporter.write_line(f"hypothesis: {name} ran {count} cases")
