"""The PCI checks on a `terraform show -json` plan (the gate's `--plan` scan), where values are resolved,
null means "not set" and values known only after apply arrive as their first reference."""

from __future__ import annotations

import pytest
from pci_check_runner import pci_check_ids, run_plan_checks

PLAN = "_plan/tfplan.json"
QUEUE, DLQ = "aws_sqs_queue.webhooks", "aws_sqs_queue.webhooks_dlq"
ALL_RESOURCES = {
    "aws_kms_key.data",
    QUEUE,
    DLQ,
    "aws_cloudwatch_metric_alarm.dlq",
    "aws_sns_topic.alarms",
    "aws_dynamodb_table.webhooks",
    "aws_lambda_function.validator",
    "aws_cloudwatch_log_group.validator",
}
# check id -> (passing addresses, failing addresses)
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "CKV_PCI_001": ({"aws_dynamodb_table.webhooks"}, set()),
    # the DLQ's kms_master_key_id is null next to sqs_managed_sse_enabled = true
    "CKV_PCI_002": ({QUEUE}, {DLQ}),
    "CKV_PCI_003": (set(), {"aws_sns_topic.alarms"}),
    "CKV_PCI_004": ({"aws_cloudwatch_log_group.validator"}, set()),
    "CKV_PCI_005": ({"aws_lambda_function.validator"}, set()),
    "CKV_PCI_006": ({"aws_kms_key.data"}, set()),
    "CKV_PCI_007": ({"aws_kms_key.data"}, set()),
    "CKV_PCI_008": ({"aws_kms_key.data"}, set()),
    "CKV_PCI_010": ({"aws_lambda_function.validator"}, set()),
    "CKV_PCI_011": (set(), set()),
    "CKV_PCI_012": ({"aws_cloudwatch_log_group.validator"}, set()),
    "CKV_PCI_013": ({"aws_lambda_function.validator"}, set()),
    "CKV_PCI_014": (set(), set()),
    # the DLQ is known from the redrive policy's reference, its alarm by the rendered QueueName
    "CKV_PCI_015": ({QUEUE, DLQ}, set()),
    "CKV_PCI_030": (set(), set()),
    "CKV_PCI_031": (set(), set()),
    # maxReceiveCount of a redrive policy known only after apply cannot be proven: fail closed
    "CKV_PCI_040": ({DLQ}, {QUEUE}),
    "CKV_PCI_041": ({"aws_lambda_function.validator"}, set()),
    "CKV_PCI_042": ({"aws_dynamodb_table.webhooks"}, set()),
    "CKV_PCI_043": (ALL_RESOURCES, set()),
    "CKV_PCI_044": ({"aws_lambda_function.validator"}, set()),
}


def test_every_owned_check_has_a_plan_expectation():
    assert sorted(EXPECTED) == pci_check_ids()


@pytest.mark.parametrize("check_id", sorted(EXPECTED))
def test_check_on_the_plan(check_id: str):
    run = run_plan_checks(PLAN, *sorted(EXPECTED))
    passed, failed = EXPECTED[check_id]
    assert run.parsing_errors == 0
    assert run.passed(check_id) == passed
    assert run.failed(check_id) == failed


def test_redrive_known_only_after_apply_says_so():
    run = run_plan_checks(PLAN, *sorted(EXPECTED))
    (detail,) = run.details[("CKV_PCI_040", QUEUE)]
    assert "known only after apply" in detail and "aws_sqs_queue.webhooks_dlq.arn" in detail
