"""CKV_PCI_021: Resource "*" in identity policies only for actions without resource-level permissions."""

from __future__ import annotations

import pytest
from iam_check_runner import run_check

CHECK_ID = "CKV_PCI_021"

PASSING = {
    "aws_iam_policy_document.pass",
    "aws_iam_policy_document.pass_xray",
    "aws_iam_policy_document.pass_kms_key_policy",
    "aws_iam_policy_document.pass_deny",
    "aws_iam_policy_document.pass_wildcard_only_pattern",
    "aws_iam_policy.pass_jsonencode",
    "aws_iam_role_policy.pass_log_group_arn",
    "aws_iam_role_policy.pass_heredoc",
    "aws_iam_role_policy.pass_document_reference",
    "aws_iam_role.pass_inline_policy",
}

# address -> a phrase its details must contain
FAILING = {
    "aws_iam_policy_document.fail": "grants dynamodb:PutItem on Resource ['*']",
    "aws_iam_policy_document.fail_mixed_actions": "resource-level permissions exist for dynamodb:GetItem",
    "aws_iam_policy_document.fail_arn_wildcard": "Resource ['arn:aws:s3:::*']",
    "aws_iam_policy_document.fail_service_wildcard": "grants xray:* on Resource ['*']",
    "aws_iam_policy_document.fail_not_resource": "on NotResource",
    "aws_iam_policy_document.fail_not_action": "with NotAction",
    "aws_iam_policy_document.fail_unknown_action": "PutMadeUpTelemetry, which is not in the IAM definition",
    "aws_iam_policy_document.fail_unresolved_actions": "empty action list",
    "aws_iam_policy_document.fail_unresolved_resources": "['var.unset_table_arn']",
    "aws_iam_policy.fail_jsonencode": "grants sqs:SendMessage on Resource ['*']",
    "aws_iam_role_policy.fail_role_policy": "grants secretsmanager:GetSecretValue",
    "aws_iam_role.fail_inline_policy": '"PublishAnywhere" of inline_policy "topic" grants sns:Publish',
    "aws_iam_role_policy.fail_heredoc": 'statement "DecryptAnything" of policy grants kms:Decrypt',
    "aws_iam_user_policy.fail_user_policy": "grants logs:GetLogEvents",
    "aws_iam_role_policy.fail_unresolved_policy": "'var.unset_policy_json', which Checkov could not evaluate",
}


def test_exact_passing_and_failing_resources() -> None:
    result = run_check("IAMResourceWildcardOnlyWhereRequired", CHECK_ID)

    assert result.parsing_errors == 0
    assert result.passed == PASSING
    assert result.failed == set(FAILING)


@pytest.mark.parametrize(("address", "phrase"), sorted(FAILING.items()))
def test_failure_details_name_the_resource_and_the_reason(address: str, phrase: str) -> None:
    details = run_check("IAMResourceWildcardOnlyWhereRequired", CHECK_ID).details[address]

    assert details, f"{address} failed without details"
    assert all(sentence.startswith(("data." + address, address)) for sentence in details)
    assert any(phrase in sentence for sentence in details), details


def test_mixed_statement_reports_only_the_scoped_action() -> None:
    details = run_check("IAMResourceWildcardOnlyWhereRequired", CHECK_ID).details[
        "aws_iam_policy_document.fail_mixed_actions"
    ]

    assert len(details) == 1
    assert "xray:PutTraceSegments" not in details[0]
