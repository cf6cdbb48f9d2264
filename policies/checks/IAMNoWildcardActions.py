"""CKV_PCI_020 (rule 13): no wildcard action, NotAction or NotResource in any Allow statement of any IAM
policy.

Applies to identity policies (aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy,
role inline_policy), resource policies (KMS key, SQS, SNS, S3, Secrets Manager, CloudWatch Logs, API Gateway,
role trust policy) and every data "aws_iam_policy_document". Deny statements are not judged: a wildcard,
NotAction or NotResource there narrows access (the usual guard-rail pattern) and grants nothing.
"""

from __future__ import annotations

from typing import Any

from _iam_policy_statements import (
    ALLOW,
    IDENTITY_POLICY_RESOURCES,
    POLICY_DOCUMENT_DATA,
    RESOURCE_POLICY_ATTRIBUTES,
    ROLE,
    IamPolicyCheck,
    has_wildcard,
    is_valid_action,
    policy_statements,
    resource_label,
)
from checkov.common.models.enums import CheckResult


class IAMNoWildcardActions(IamPolicyCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure IAM Allow statements use no wildcard actions, NotAction or NotResource",
            id="CKV_PCI_020",
            supported_resources=[*IDENTITY_POLICY_RESOURCES, ROLE, *RESOURCE_POLICY_ATTRIBUTES],
            supported_data=[POLICY_DOCUMENT_DATA],
        )

    def scan_block_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        subject = resource_label(conf, entity_type)
        parsed = policy_statements(conf, entity_type)
        self.evaluated_keys = parsed.evaluated_keys
        failures = [*parsed.unresolved, *self.document_reference_failures(conf, entity_type, parsed)]
        for statement in parsed.statements:
            if statement.effect != ALLOW:
                continue  # Deny narrows access; an unresolved Effect is already reported by policy_statements
            if statement.not_actions is not None:
                failures.append(
                    f"{subject}: {statement.label} allows NotAction {list(statement.not_actions)}, which "
                    "grants every other action, including ones AWS adds later; list the allowed actions "
                    "instead."
                )
            if statement.not_resources is not None:
                failures.append(
                    f"{subject}: {statement.label} allows its actions on NotResource "
                    f"{list(statement.not_resources)}, which grants every other resource; list the allowed "
                    "resource ARNs instead."
                )
            if statement.actions is None:
                if statement.not_actions is None:
                    failures.append(f"{subject}: {statement.label} is an Allow statement without any action.")
                continue
            if not statement.actions:
                failures.append(
                    f"{subject}: {statement.label} has an empty action list, which is what Checkov renders "
                    "for a list variable without a value; the granted actions cannot be verified."
                )
            unresolved = [action for action in statement.actions if not is_valid_action(action)]
            if unresolved:
                failures.append(
                    f"{subject}: {statement.label} has actions {unresolved} that are not service:Action "
                    "names (unresolved variables or expressions), so the granted actions cannot be verified."
                )
            wildcards = [
                action for action in statement.actions if is_valid_action(action) and has_wildcard(action)
            ]
            if wildcards:
                failures.append(
                    f"{subject}: {statement.label} allows wildcard actions {wildcards}; name each action "
                    "exactly."
                )
        return self.conclude(failures)


check = IAMNoWildcardActions()
