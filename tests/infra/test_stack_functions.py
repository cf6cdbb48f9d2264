"""Both Lambdas (modules/function), their event source mapping and the signing secret."""

from __future__ import annotations

import re

import pytest
from stack_hcl import Module, block, expr, resolve, unwrap

HANDLERS = {
    "validator": "webhook_validator.handler.lambda_handler",
    "processor": "batch_processor.handler.lambda_handler",
}
ZIPS = {"validator": "webhook_validator.zip", "processor": "batch_processor.zip"}
ENVIRONMENT = {
    "validator": {
        "TABLE_NAME",
        "QUEUE_URL",
        "SIGNING_SECRET_ARN",
        "SIGNATURE_TOLERANCE_SECONDS",
        "RETENTION_DAYS",
        "MAX_BODY_BYTES",
    },
    "processor": {"TABLE_NAME", "TOPIC_ARN"},
}


def function(module: Module) -> dict:
    return module.resource("aws_lambda_function", "this")


@pytest.mark.parametrize("name", ["validator", "processor"])
def test_module_call_wires_the_mission_settings(root: Module, name: str) -> None:
    call = root.modules[name]
    assert unwrap(call["handler"]) == HANDLERS[name]
    assert unwrap(call["runtime"]) == "${var.lambda_runtime}"
    assert unwrap(call["memory_size_mb"]) == "${var.lambda_memory_size_mb}"
    assert unwrap(call["reserved_concurrent_executions"]) == "${var.lambda_reserved_concurrency}"
    assert unwrap(call["kms_key_arn"]) == "${aws_kms_key.data.arn}"
    assert unwrap(call["log_kms_key_arn"]) == "${aws_kms_key.logs.arn}"
    assert unwrap(call["log_retention_in_days"]) == "${var.log_retention_in_days}"
    assert unwrap(call["filename"]) == "${local.build_dir}/" + ZIPS[name]
    assert set(unwrap(call["environment_variables"])) == ENVIRONMENT[name]


def test_build_dir_defaults_to_repository_build(root: Module) -> None:
    assert (
        root.locals["build_dir"]
        == '${var.lambda_build_dir != "" ? var.lambda_build_dir : "${path.root}/../build"}'
    )


def test_validator_environment_follows_the_contract(root: Module) -> None:
    env = unwrap(root.modules["validator"]["environment_variables"])
    assert env["TABLE_NAME"] == "${aws_dynamodb_table.webhooks.name}"
    assert env["QUEUE_URL"] == "${aws_sqs_queue.webhooks.url}"
    assert env["SIGNING_SECRET_ARN"] == "${aws_secretsmanager_secret.signing.arn}"
    assert env["RETENTION_DAYS"] == "${tostring(var.webhook_retention_in_days)}"
    assert env["SIGNATURE_TOLERANCE_SECONDS"] == "${tostring(var.signature_tolerance_seconds)}"
    assert env["MAX_BODY_BYTES"] == "${tostring(var.max_body_bytes)}"
    processor_env = unwrap(root.modules["processor"]["environment_variables"])
    assert processor_env == {
        "TABLE_NAME": "${aws_dynamodb_table.webhooks.name}",
        "TOPIC_ARN": "${aws_sns_topic.events.arn}",
    }


def test_timeouts(root: Module) -> None:
    assert unwrap(root.modules["validator"]["timeout_seconds"]) == "${var.validator_timeout_seconds}"
    assert unwrap(root.modules["processor"]["timeout_seconds"]) == "${var.processor_timeout_seconds}"
    assert root.default("validator_timeout_seconds") <= 10
    visibility = unwrap(root.resource("aws_sqs_queue", "webhooks")["visibility_timeout_seconds"])
    assert visibility == 300
    assert 6 * root.default("processor_timeout_seconds") <= visibility
    assert root.default("processor_timeout_seconds") <= 50


def test_defaults_give_512_mb_and_concurrency_100(root: Module) -> None:
    assert root.default("lambda_memory_size_mb") == 512
    assert root.default("lambda_reserved_concurrency") == 100


def test_function_resource_settings(function_module: Module) -> None:
    conf = function(function_module)
    assert unwrap(conf["runtime"]) == "${var.runtime}"
    assert unwrap(conf["memory_size"]) == "${var.memory_size_mb}"
    assert unwrap(conf["timeout"]) == "${var.timeout_seconds}"
    assert unwrap(conf["reserved_concurrent_executions"]) == "${var.reserved_concurrent_executions}"
    assert unwrap(conf["kms_key_arn"]) == "${var.kms_key_arn}"
    assert unwrap(block(conf["tracing_config"])["mode"]) == "Active"
    assert unwrap(conf["filename"]) == "${var.filename}"
    assert unwrap(conf["source_code_hash"]) == "${filebase64sha256(var.filename)}"
    assert unwrap(block(conf["environment"])["variables"]) == "${var.environment_variables}"
    assert unwrap(conf["role"]) == "${aws_iam_role.this.arn}"


def test_no_function_level_dead_letter_config(function_module: Module, root: Module) -> None:
    # The module serves both functions: neither has a dead_letter_config (SQS failures use the redrive DLQ).
    assert "dead_letter_config" not in function(function_module)
    assert "dead_letter_config" not in root.modules["processor"]
    for module in (root, function_module):
        code = [
            line
            for text in module.texts.values()
            for line in text.splitlines()
            if not line.strip().startswith("#")
        ]
        assert not any("dead_letter_config" in line for line in code)


def test_log_group_exists_before_the_function(function_module: Module) -> None:
    log_group = function_module.resource("aws_cloudwatch_log_group", "this")
    assert unwrap(log_group["name"]) == "/aws/lambda/${var.function_name}"
    assert unwrap(log_group["retention_in_days"]) == "${var.log_retention_in_days}"
    assert unwrap(log_group["kms_key_id"]) == "${var.log_kms_key_arn}"
    conf = function(function_module)
    assert "${aws_cloudwatch_log_group.this}" in unwrap(conf["depends_on"])
    assert unwrap(block(conf["logging_config"])["log_group"]) == "${aws_cloudwatch_log_group.this.name}"


def test_function_log_group_names_resolve_to_aws_lambda_prefix(root: Module) -> None:
    for name in ("validator", "processor"):
        function_name = resolve(unwrap(root.modules[name]["function_name"]), root)
        assert resolve(root.locals["log_group_names"][name], root) == f"/aws/lambda/{function_name}"


def test_event_source_mapping(root: Module) -> None:
    mapping = root.resource("aws_lambda_event_source_mapping", "webhooks")
    assert unwrap(mapping["event_source_arn"]) == "${aws_sqs_queue.webhooks.arn}"
    assert unwrap(mapping["function_name"]) == "${module.processor.function_arn}"
    assert unwrap(mapping["batch_size"]) == "${var.sqs_batch_size}"
    assert root.default("sqs_batch_size") == 10
    assert unwrap(mapping["function_response_types"]) == ["ReportBatchItemFailures"]
    maximum = unwrap(block(mapping["scaling_config"])["maximum_concurrency"])
    assert maximum == "${var.processor_maximum_concurrency}"
    assert 2 <= root.default("processor_maximum_concurrency") <= root.default("lambda_reserved_concurrency")
    # The relation survives non-default values: a precondition compares the two variables.
    (lifecycle,) = mapping["lifecycle"]
    conditions = [expr(unwrap(p["condition"])) for p in lifecycle["precondition"]]
    assert "var.processor_maximum_concurrency <= var.lambda_reserved_concurrency" in conditions
    assert "${aws_iam_role_policy.processor_queue}" in unwrap(mapping["depends_on"])


def test_signing_secret_has_cmk_and_no_value_in_terraform(root: Module) -> None:
    secret = root.resource("aws_secretsmanager_secret", "signing")
    assert unwrap(secret["kms_key_id"]) == "${aws_kms_key.data.arn}"
    assert "count" not in secret
    assert unwrap(secret["recovery_window_in_days"]) == "${var.secret_recovery_window_in_days}"
    assert root.of_type("aws_secretsmanager_secret_version") == {}
    assert not re.search(r"secret_string|whsec_", root.all_text())
    (statement,) = root.policy_document("validator_secret")["statement"]
    assert unwrap(statement["actions"]) == ["secretsmanager:GetSecretValue"]
    assert unwrap(statement["resources"]) == ["${aws_secretsmanager_secret.signing.arn}"]


def test_only_the_validator_may_read_the_signing_secret(root: Module) -> None:
    policy = root.resource("aws_secretsmanager_secret_policy", "signing")
    assert unwrap(policy["secret_arn"]) == "${aws_secretsmanager_secret.signing.arn}"
    assert unwrap(policy["block_public_policy"]) is True
    (deny,) = root.policy_document("signing_secret")["statement"]
    assert unwrap(deny["effect"]) == "Deny"
    assert unwrap(deny["actions"]) == ["secretsmanager:GetSecretValue"]
    (condition,) = deny["condition"]
    assert (unwrap(condition["test"]), unwrap(condition["variable"])) == ("ArnNotEquals", "aws:PrincipalArn")
    assert unwrap(condition["values"]) == ["${local.validator_role_arn}"]
    assert resolve(root.locals["validator_role_arn"].split("/")[-1], root) == "role-webhook-validator-dev"
