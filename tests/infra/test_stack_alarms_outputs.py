"""CloudWatch alarms and stack outputs."""

from __future__ import annotations

import pytest
from stack_hcl import Module, expr, unwrap

ALARM_TOPIC = ["${aws_sns_topic.alarms.arn}"]


def test_dlq_alarm_on_first_visible_message(root: Module) -> None:
    alarm = root.resource("aws_cloudwatch_metric_alarm", "dlq_visible")
    assert unwrap(alarm["namespace"]) == "AWS/SQS"
    assert unwrap(alarm["metric_name"]) == "ApproximateNumberOfMessagesVisible"
    assert unwrap(alarm["dimensions"]) == {"QueueName": "${aws_sqs_queue.webhooks_dlq.name}"}
    assert unwrap(alarm["comparison_operator"]) == "GreaterThanThreshold"
    assert unwrap(alarm["threshold"]) == 0
    assert unwrap(alarm["alarm_actions"]) == ALARM_TOPIC


def test_every_dlq_has_an_alarm(root: Module) -> None:
    dlqs = {
        f"${{aws_sqs_queue.{name}.name}}"
        for name, conf in root.of_type("aws_sqs_queue").items()
        if "redrive_allow_policy" in conf
    }
    alarmed = {
        unwrap(conf["dimensions"]).get("QueueName")
        for conf in root.of_type("aws_cloudwatch_metric_alarm").values()
        if unwrap(conf.get("metric_name", [""])) == "ApproximateNumberOfMessagesVisible"
    }
    assert dlqs and dlqs <= alarmed


@pytest.mark.parametrize(
    ("key", "function", "metric"),
    [
        ("validator-errors", "validator", "Errors"),
        ("validator-throttles", "validator", "Throttles"),
        ("processor-errors", "processor", "Errors"),
        ("processor-throttles", "processor", "Throttles"),
    ],
)
def test_lambda_error_and_throttle_alarms(root: Module, key: str, function: str, metric: str) -> None:
    assert root.locals["function_alarms"][key] == {
        "function_name": f"${{module.{function}.function_name}}",
        "metric_name": metric,
    }
    alarm = root.resource("aws_cloudwatch_metric_alarm", "function")
    assert unwrap(alarm["for_each"]) == "${local.function_alarms}"
    assert unwrap(alarm["namespace"]) == "AWS/Lambda"
    assert unwrap(alarm["metric_name"]) == "${each.value.metric_name}"
    assert unwrap(alarm["dimensions"]) == {"FunctionName": "${each.value.function_name}"}
    assert unwrap(alarm["alarm_actions"]) == ALARM_TOPIC


def test_api_5xx_alarm(root: Module) -> None:
    alarm = root.resource("aws_cloudwatch_metric_alarm", "api_5xx")
    assert unwrap(alarm["namespace"]) == "AWS/ApiGateway"
    assert unwrap(alarm["metric_name"]) == "5XXError"
    assert unwrap(alarm["dimensions"]) == {
        "ApiName": "${aws_api_gateway_rest_api.webhooks.name}",
        "Stage": "${aws_api_gateway_stage.webhooks.stage_name}",
    }
    assert unwrap(alarm["alarm_actions"]) == ALARM_TOPIC


@pytest.mark.parametrize(
    ("output", "value"),
    [
        ("webhook_invoke_url", "${aws_api_gateway_stage.webhooks.invoke_url}/webhooks"),
        ("custom_domain_url", "https://${aws_api_gateway_domain_name.webhooks.domain_name}/webhooks"),
        ("regional_domain_name", "${aws_api_gateway_domain_name.webhooks.regional_domain_name}"),
        ("regional_zone_id", "${aws_api_gateway_domain_name.webhooks.regional_zone_id}"),
        ("table_name", "${aws_dynamodb_table.webhooks.name}"),
        ("queue_url", "${aws_sqs_queue.webhooks.url}"),
        ("dlq_url", "${aws_sqs_queue.webhooks_dlq.url}"),
        ("events_topic_arn", "${aws_sns_topic.events.arn}"),
        ("alarm_topic_arn", "${aws_sns_topic.alarms.arn}"),
        ("signing_secret_arn", "${aws_secretsmanager_secret.signing.arn}"),
        ("data_kms_key_arn", "${aws_kms_key.data.arn}"),
        ("logs_kms_key_arn", "${aws_kms_key.logs.arn}"),
        ("alarms_kms_key_arn", "${aws_kms_key.alarms.arn}"),
    ],
)
def test_outputs(root: Module, output: str, value: str) -> None:
    spec = root.outputs[output]
    assert unwrap(spec["value"]) == value
    assert unwrap(spec["description"]).endswith(")") or unwrap(spec["description"]).endswith(".")


def test_no_output_exposes_a_secret_value(root: Module) -> None:
    for name, spec in root.outputs.items():
        assert "secret_string" not in expr(unwrap(spec["value"])), name
        assert "sensitive" not in spec, name
