"""CKV_PCI_022: no AWS managed policy attached to a role; customer-managed attachments pass."""

from __future__ import annotations

import pytest
from iam_check_runner import run_check

CHECK_ID = "CKV_PCI_022"

PASSING = {
    "aws_iam_role.pass",
    "aws_iam_role.pass_explicit_empty",
    "aws_iam_role.pass_empty_default",
    "aws_iam_role.pass_customer_managed_list",
    "aws_iam_role_policy_attachment.pass",
    "aws_iam_role_policy_attachment.pass_customer_arn",
    "aws_iam_role_policy_attachments_exclusive.pass",
    "aws_iam_role_policy_attachments_exclusive.pass_customer_managed",
    "aws_iam_policy_attachment.pass",
}

# address -> a phrase its details must contain
FAILING = {
    "aws_iam_role_policy_attachment.fail": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasic",
    "aws_iam_role_policy_attachment.fail_other_partition": "arn:aws-us-gov:iam::aws:policy/AWSXray",
    "aws_iam_role_policy_attachment.fail_partition_reference": "AWS managed policy arn:${data.aws_partition",
    "aws_iam_role_policy_attachment.fail_data_lookup": "'data.aws_iam_policy.lambda_basic.arn'",
    "aws_iam_role_policy_attachment.fail_unresolved": "'var.unset_policy_arn'",
    "aws_iam_role.fail_managed_policy_arns": "arn:aws:iam::aws:policy/AdministratorAccess",
    "aws_iam_role.fail_unresolved_list": "empty list (from variable unset_policy_arns)",
    "aws_iam_role_policy_attachments_exclusive.fail": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "aws_iam_policy_attachment.fail": "arn:aws:iam::aws:policy/ReadOnlyAccess",
}


def test_exact_passing_and_failing_resources() -> None:
    result = run_check("IAMNoAWSManagedPolicyAttachment", CHECK_ID)

    assert result.parsing_errors == 0
    assert result.passed == PASSING
    assert result.failed == set(FAILING)


@pytest.mark.parametrize(("address", "phrase"), sorted(FAILING.items()))
def test_failure_details_name_the_resource_and_the_reason(address: str, phrase: str) -> None:
    details = run_check("IAMNoAWSManagedPolicyAttachment", CHECK_ID).details[address]

    assert len(details) == 1
    assert details[0].startswith(address)
    assert phrase in details[0]
