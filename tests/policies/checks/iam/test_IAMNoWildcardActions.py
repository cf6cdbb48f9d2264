"""CKV_PCI_020: no wildcard action, NotAction or NotResource in an Allow statement of any IAM policy form."""

from __future__ import annotations

import pytest
from iam_check_runner import run_check

CHECK_ID = "CKV_PCI_020"

PASSING = {
    "aws_iam_policy_document.pass",
    "aws_iam_policy_document.pass_variable_default",
    "aws_iam_policy_document.pass_kms_key_policy",
    "aws_kms_key.pass",
    "aws_iam_role_policy.pass_document_reference",
    "aws_iam_policy.pass_jsonencode",
    "aws_iam_role_policy.pass_heredoc",
    "aws_iam_role.pass_inline_policy",
    "aws_sqs_queue_policy.pass_queue_policy",
    "aws_sqs_queue.pass_without_policy",
    "aws_iam_policy_document.pass_dynamic",
    "module.pass_module_document.aws_iam_role_policy.this",
    "module.pass_module_wide_document.aws_iam_role_policy.this",
}

# address -> a phrase its details must contain
FAILING = {
    "aws_iam_policy_document.fail": "wildcard actions ['dynamodb:*']",
    "aws_iam_policy_document.fail_prefix": "wildcard actions ['kms:GenerateDataKey*']",
    "aws_iam_policy_document.fail_bare_star": "wildcard actions ['*']",
    "aws_iam_policy_document.fail_question_mark": "wildcard actions ['dynamodb:?etItem']",
    "aws_iam_policy_document.fail_not_action": "allows NotAction ['dynamodb:DeleteTable']",
    "aws_iam_policy_document.fail_not_resource": "on NotResource",
    "aws_iam_policy_document.fail_unresolved_actions": "empty action list",
    "aws_iam_policy_document.fail_kms_key_policy": "wildcard actions ['kms:*']",
    "aws_iam_policy.fail_jsonencode": "wildcard actions ['sqs:*']",
    "aws_iam_role_policy.fail_role_policy": "wildcard actions ['dynamodb:Get*']",
    "aws_iam_role.fail_inline_policy": 'statement "AllQueueActions" of inline_policy "queue"',
    "aws_iam_role.fail_trust_policy": 'statement "AnyStsAction" of assume_role_policy',
    "aws_iam_role_policy.fail_heredoc": 'statement "Admin" of policy allows wildcard actions',
    "aws_iam_user_policy.fail_user_policy": "wildcard actions ['logs:*']",
    "aws_iam_group_policy.fail_group_policy": "allows NotAction ['iam:*']",
    "aws_sqs_queue_policy.fail_queue_policy": 'statement "OwnerDoesAnything"',
    "aws_iam_role_policy.fail_unresolved_policy": "'var.unset_policy_json', which Checkov could not evaluate",
    "aws_iam_role_policy.fail_unresolved_effect": 'Effect of statement "EffectFromAnUnsetVariable"',
    "aws_iam_policy.fail_file_policy": "could not evaluate to a JSON policy",
    "aws_iam_role_policy.fail_undeclared_document": "not a policy document declared in this configuration",
    "aws_iam_policy_document.fail_dynamic": '"AllOfTheTable" of the policy document allows wildcard',
    "aws_iam_policy_document.fail_dynamic_unresolved": "for_each of a dynamic statement block is []",
}


def test_exact_passing_and_failing_resources() -> None:
    result = run_check("IAMNoWildcardActions", CHECK_ID)

    assert result.parsing_errors == 0
    assert result.passed == PASSING
    assert result.failed == set(FAILING)


@pytest.mark.parametrize(("address", "phrase"), sorted(FAILING.items()))
def test_failure_details_name_the_resource_and_the_reason(address: str, phrase: str) -> None:
    details = run_check("IAMNoWildcardActions", CHECK_ID).details[address]

    assert details, f"{address} failed without details"
    assert all(sentence.startswith(("data." + address, address)) for sentence in details)
    assert any(phrase in sentence for sentence in details), details


def test_evaluated_keys_point_at_the_statements() -> None:
    keys = run_check("IAMNoWildcardActions", CHECK_ID).evaluated_keys

    assert keys["aws_iam_policy_document.fail_not_action"] == ("statement/[0]",)
    assert keys["aws_iam_policy.fail_jsonencode"] == ("policy", "policy/Statement/[0]")
    assert "inline_policy/[0]/policy/Statement/[0]" in keys["aws_iam_role.fail_inline_policy"]
