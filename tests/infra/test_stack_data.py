"""DynamoDB table, SQS FIFO queue and DLQ, SNS topics: settings, CMKs and resource policies."""

from __future__ import annotations

import json
import re

import pytest
from stack_hcl import Module, block, conditions_of, expr, principals_of, statements, unwrap


def test_table(root: Module) -> None:
    table = root.resource("aws_dynamodb_table", "webhooks")
    assert unwrap(table["billing_mode"]) == "PAY_PER_REQUEST"
    assert unwrap(table["hash_key"]) == "webhook_id"
    assert "range_key" not in table
    assert [(unwrap(a["name"]), unwrap(a["type"])) for a in table["attribute"]] == [("webhook_id", "S")]
    ttl = block(table["ttl"])
    assert (unwrap(ttl["attribute_name"]), unwrap(ttl["enabled"])) == ("expiry_time", True)
    assert unwrap(block(table["point_in_time_recovery"])["enabled"]) is True
    sse = block(table["server_side_encryption"])
    assert unwrap(sse["enabled"]) is True
    assert unwrap(sse["kms_key_arn"]) == "${aws_kms_key.data.arn}"
    assert unwrap(table["deletion_protection_enabled"]) == "${var.deletion_protection_enabled}"
    assert root.default("deletion_protection_enabled") is False
    assert root.default("webhook_retention_in_days") == 30


def test_main_queue_is_high_throughput_fifo_with_cmk(root: Module) -> None:
    queue = root.resource("aws_sqs_queue", "webhooks")
    assert unwrap(queue["name"]) == "${local.names.queue}"
    assert root.locals["names"]["queue"].endswith(".fifo")
    assert unwrap(queue["fifo_queue"]) is True
    assert unwrap(queue["deduplication_scope"]) == "messageGroup"
    assert unwrap(queue["fifo_throughput_limit"]) == "perMessageGroupId"
    assert unwrap(queue["visibility_timeout_seconds"]) == 300
    assert unwrap(queue["kms_master_key_id"]) == "${aws_kms_key.data.arn}"
    assert "sqs_managed_sse_enabled" not in queue


def test_redrive_to_fifo_dlq_after_three_receives(root: Module) -> None:
    queue = root.resource("aws_sqs_queue", "webhooks")
    redrive = expr(unwrap(queue["redrive_policy"]))
    assert redrive.startswith("jsonencode(")
    assert re.search(r"'deadLetterTargetArn': '\$\{aws_sqs_queue\.webhooks_dlq\.arn\}'", redrive)
    assert re.search(r"'maxReceiveCount': '\$\{var\.max_receive_count\}'", redrive)
    assert root.default("max_receive_count") == 3


def test_dlq_is_fifo_14_days_cmk_and_accepts_only_the_main_queue(root: Module) -> None:
    dlq = root.resource("aws_sqs_queue", "webhooks_dlq")
    assert root.locals["names"]["dlq"].endswith(".fifo")
    assert unwrap(dlq["fifo_queue"]) is True
    assert unwrap(dlq["message_retention_seconds"]) == 14 * 24 * 3600
    assert unwrap(dlq["kms_master_key_id"]) == "${aws_kms_key.data.arn}"
    allow = expr(unwrap(dlq["redrive_allow_policy"]))
    assert "'redrivePermission': 'byQueue'" in allow
    assert "'sourceQueueArns': ['${local.queue_arn}']" in allow
    assert root.locals["queue_arn"] == "arn:aws:sqs:${local.region}:${local.account_id}:${local.names.queue}"


@pytest.mark.parametrize(
    ("policy", "document", "queue"),
    [
        ("webhooks", "webhooks_queue", "webhooks"),
        ("webhooks_dlq", "webhooks_dlq", "webhooks_dlq"),
    ],
)
def test_queue_policies_deny_insecure_transport(root: Module, policy: str, document: str, queue: str) -> None:
    attached = root.resource("aws_sqs_queue_policy", policy)
    assert unwrap(attached["queue_url"]) == f"${{aws_sqs_queue.{queue}.id}}"
    assert unwrap(attached["policy"]) == f"${{data.aws_iam_policy_document.{document}.json}}"
    (deny,) = [s for s in statements(root.policy_document(document)) if unwrap(s["effect"]) == "Deny"]
    assert unwrap(deny["resources"]) == [f"${{aws_sqs_queue.{queue}.arn}}"]
    assert ("Bool", "aws:SecureTransport", ["false"]) in conditions_of(deny)
    assert principals_of(deny) == [("*", ["*"])]


def test_topics_use_customer_managed_keys(root: Module) -> None:
    topics = root.of_type("aws_sns_topic")
    assert unwrap(topics["events"]["kms_master_key_id"]) == "${aws_kms_key.data.arn}"
    assert unwrap(topics["alarms"]["kms_master_key_id"]) == "${aws_kms_key.alarms.arn}"


def test_only_the_processor_role_may_publish_events(root: Module) -> None:
    policy = root.resource("aws_sns_topic_policy", "events")
    assert unwrap(policy["arn"]) == "${aws_sns_topic.events.arn}"
    docs = statements(root.policy_document("events_topic"))
    allows = [s for s in docs if unwrap(s["effect"]) == "Allow"]
    assert len(allows) == 1
    assert unwrap(allows[0]["actions"]) == ["sns:Publish"]
    assert principals_of(allows[0]) == [("AWS", ["${module.processor.role_arn}"])]
    (deny,) = [s for s in docs if unwrap(s["sid"]) == "DenyPublishExceptProcessor"]
    assert unwrap(deny["effect"]) == "Deny"
    assert conditions_of(deny) == [("ArnNotEquals", "aws:PrincipalArn", ["${module.processor.role_arn}"])]
    assert any(("Bool", "aws:SecureTransport", ["false"]) in conditions_of(s) for s in docs)


def test_alarm_topic_accepts_cloudwatch_alarms_of_this_account(root: Module) -> None:
    docs = statements(root.policy_document("alarms_topic"))
    (allow,) = [s for s in docs if unwrap(s["effect"]) == "Allow"]
    assert principals_of(allow) == [("Service", ["cloudwatch.amazonaws.com"])]
    assert conditions_of(allow) == [
        ("ArnLike", "aws:SourceArn", ["arn:aws:cloudwatch:${local.region}:${local.account_id}:alarm:*"])
    ]
    subscription = root.resource("aws_sns_topic_subscription", "alarm_email")
    assert unwrap(subscription["count"]) == '${var.alarm_email != "" ? 1 : 0}'
    assert unwrap(subscription["protocol"]) == "email"
    assert root.default("alarm_email") == ""


def test_jsonencoded_policies_are_not_hand_written_json(root: Module) -> None:
    # Policies come from aws_iam_policy_document (reviewable, a sid per statement), never raw JSON strings.
    for kind in ("aws_sqs_queue_policy", "aws_sns_topic_policy", "aws_iam_role_policy"):
        for conf in root.of_type(kind).values():
            policy = unwrap(conf["policy"])
            assert policy.startswith("${data.aws_iam_policy_document."), policy
            with pytest.raises(json.JSONDecodeError):
                json.loads(policy)
