"""The shared helpers: customer-managed key recognition and the fail-closed base class."""

from __future__ import annotations

import pytest
from checkov.common.checks.base_check_registry import BaseCheckRegistry
from checkov.common.models.enums import CheckResult
from pci_check_runner import pci_check_ids, pci_common_module, run_checks

common = pci_common_module()
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    ("value", "is_cmk"),
    [
        ("aws_kms_key.data.arn", True),
        ("aws_kms_key.data.key_id", True),
        ("aws_kms_replica_key.data.arn", True),
        ("aws_kms_alias.data.arn", True),
        (KEY_ARN, True),
        ("arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", True),
        ("alias/payhooks-data", True),
        ("arn:aws:kms:us-east-1:111122223333:alias/payhooks-data", True),
        ("alias/aws/sqs", False),
        ("arn:aws:kms:us-east-1:111122223333:alias/aws/dynamodb", False),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", False),
        ("var.key_arn", False),
        ("local.key_arn", False),
        ("module.kms.key_arn", False),
        ("${var.key_arn}", False),
        ("data.aws_kms_key.unknown.arn", False),
        ("aws_sns_topic.alarms.arn", False),
        (None, False),
        ("", False),
        ({"not": "a key"}, False),
    ],
)
def test_classify_kms_key(value, is_cmk: bool):
    assert common.classify_kms_key(value, None, "")[0] is is_cmk


@pytest.mark.parametrize(
    ("value", "unresolved"),
    [
        (None, True),
        ("var.x", True),
        ("${var.x}-dlq", True),
        ("lookup(var.x, 1)", True),
        (["ok", "var.x"], True),
        ("payhooks-dlq.fifo", False),
        (7, False),
        ([], False),
        ({"QueueName": "x"}, False),
    ],
)
def test_unresolved_reason(value, unresolved: bool):
    assert (common.unresolved_reason(value) is not None) is unresolved


def test_split_address_handles_module_instances_and_counts():
    assert common.split_address('module.fn["a.b"].aws_lambda_function.this') == (
        'module.fn["a.b"].',
        False,
        "aws_lambda_function",
        "this",
        "",
    )
    assert common.split_address("aws_sqs_queue.cond[0]") == ("", False, "aws_sqs_queue", "cond", "[0]")


def _loaded_check(check_id: str):
    run_checks("_no_resources", *pci_check_ids())
    return next(c for c in BaseCheckRegistry.get_all_registered_checks() if c.id == check_id)


def _run(check, conf: dict, entity_type: str):
    return check.run(
        scanned_file="/main.tf",
        entity_configuration=conf,
        entity_name=conf["__address__"].split(".", 1)[1],
        entity_type=entity_type,
        skip_info={},
    )


def test_an_exception_while_evaluating_fails_closed(monkeypatch: pytest.MonkeyPatch):
    # GIVEN a check whose evaluation raises (Checkov itself would report UNKNOWN, hidden from failures)
    check = _loaded_check("CKV_PCI_012")

    def explode(conf):
        raise ValueError("boom")

    monkeypatch.setattr(check, "evaluate", explode)
    result = _run(
        check,
        {"__address__": "aws_cloudwatch_log_group.x", "retention_in_days": [7]},
        "aws_cloudwatch_log_group",
    )
    # THEN the result is FAILED and says why
    assert result["result"] is CheckResult.FAILED
    assert "could not be evaluated (ValueError: boom)" in check.details[0]


def test_a_cross_resource_check_without_a_graph_fails_closed():
    # GIVEN a cross-resource check run without Checkov's resource graph
    check = _loaded_check("CKV_PCI_031")
    check.graph = None
    result = _run(
        check, {"__address__": "aws_api_gateway_stage.x", "stage_name": ["v1"]}, "aws_api_gateway_stage"
    )
    # THEN it fails closed instead of passing
    assert result["result"] is CheckResult.FAILED
    assert "no resource graph" in check.details[0]
