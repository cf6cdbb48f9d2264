"""Defaults and validations of infra/variables.tf: the numbers of issue #2, enforced at plan time."""

from __future__ import annotations

from typing import Any

import pytest
from stack_hcl import Module, expr, unwrap, validation_accepts

# variable, default, accepted values, rejected values
LIMITS: list[tuple[str, Any, list[Any], list[Any]]] = [
    (
        "lambda_runtime",
        "python3.9",
        ["python3.12", "python3.13", "python3.14"],
        ["python3.8", "python3.14x", "nodejs20.x", ""],
    ),
    ("lambda_memory_size_mb", 512, [512], [128, 511, 513, 1024]),
    ("lambda_reserved_concurrency", 100, [1, 50, 100], [0, 101, 1000, 50.5]),
    ("validator_timeout_seconds", 10, [1, 3, 10], [0, 11, 29]),
    ("processor_timeout_seconds", 30, [1, 30, 50], [0, 51, 60, 300]),
    ("processor_maximum_concurrency", 100, [2, 100], [1, 101, 1000]),
    ("sqs_batch_size", 10, [10], [1, 9, 11, 100]),
    ("max_receive_count", 3, [3], [1, 2, 4, 10]),
    ("log_retention_in_days", 7, [7], [1, 6, 8, 30, 365]),
    ("webhook_retention_in_days", 30, [30], [7, 29, 31, 90]),
    ("signature_tolerance_seconds", 300, [60, 300, 600], [0, 59, 601, 3600]),
    ("max_body_bytes", 262144, [1024, 262144], [0, 1023, 262145]),
    ("api_throttling_rate_limit", 100, [1, 100, 1000], [0, 1001]),
    ("api_throttling_burst_limit", 200, [1, 200, 2000], [0, 2001]),
    ("api_logging_level", "ERROR", ["ERROR", "INFO"], ["OFF", "DEBUG", "error"]),
    ("waf_rate_limit_per_5_minutes", 6000, [100, 6000, 100000], [99, 100001]),
    ("lambda_architecture", "x86_64", ["x86_64", "arm64"], ["amd64", "aarch64"]),
    ("environment_suffix", "dev", ["dev", "prod"], ["DEV", "dev_x"]),
    ("secret_recovery_window_in_days", 7, [0, 7, 30], [1, 6, 31]),
    ("hosted_zone_id", "", ["Z123456ABCDEFG"], ["z123", "example.com"]),
    ("alarm_email", "", ["oncall@example.com"], ["oncall", "a@b"]),
    ("lambda_build_dir", "", ["../build", "/tmp/build"], ["../build/"]),
]


@pytest.mark.parametrize(("variable", "default", "good", "bad"), LIMITS, ids=[row[0] for row in LIMITS])
def test_default_and_validation(
    root: Module, variable: str, default: Any, good: list[Any], bad: list[Any]
) -> None:
    assert root.default(variable) == default
    assert validation_accepts(root, variable, default), "the default must pass its own validation"
    for value in good:
        assert validation_accepts(root, variable, value), value
    for value in bad:
        assert not validation_accepts(root, variable, value), value


def test_runtime_list_makes_the_upgrade_one_variable_away(root: Module) -> None:
    (validation,) = root.variables["lambda_runtime"]["validation"]
    condition = expr(unwrap(validation["condition"]))
    listed = {
        r
        for r in ("python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14")
        if f"'{r}'" in condition
    }
    assert {"python3.9", "python3.12", "python3.13", "python3.14"} <= listed
    assert "deprecated" in unwrap(root.variables["lambda_runtime"]["description"])


@pytest.mark.parametrize(
    ("variable", "default"),
    [
        ("deletion_protection_enabled", False),
        ("waf_enabled", True),
        ("manage_api_gateway_account", True),
        ("disable_execute_api_endpoint", False),
    ],
)
def test_switches(root: Module, variable: str, default: bool) -> None:
    assert unwrap(root.variables[variable]["type"]) == "${bool}"
    assert root.default(variable) is default


def test_domain_and_certificate_are_required_and_validated(root: Module) -> None:
    for variable in ("domain_name", "certificate_arn"):
        assert "default" not in root.variables[variable]
    assert validation_accepts(root, "domain_name", "webhooks.example.com")
    assert not validation_accepts(root, "domain_name", "https://webhooks.example.com")
    assert not validation_accepts(root, "domain_name", "Webhooks.Example.com")
    assert validation_accepts(
        root,
        "certificate_arn",
        "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-0000-1111-2222-333344445555",
    )
    assert not validation_accepts(
        root,
        "certificate_arn",
        "arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-0000-1111-2222-333344445555",
    )


def test_hard_limits_are_validated_in_the_function_module_too(function_module: Module) -> None:
    assert not validation_accepts(function_module, "reserved_concurrent_executions", 101)
    assert not validation_accepts(function_module, "log_retention_in_days", 14)
    assert validation_accepts(function_module, "log_retention_in_days", 7)
    assert not validation_accepts(function_module, "runtime", "nodejs20.x")
    assert validation_accepts(function_module, "handler", "webhook_validator.handler.lambda_handler")
    assert not validation_accepts(function_module, "handler", "lambda_handler")
    assert validation_accepts(function_module, "filename", "../build/batch_processor.zip")
    assert not validation_accepts(function_module, "filename", "../build/batch_processor")
    key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    for variable in ("kms_key_arn", "log_kms_key_arn"):
        assert validation_accepts(function_module, variable, key)
        assert not validation_accepts(function_module, variable, "alias/aws/lambda")
