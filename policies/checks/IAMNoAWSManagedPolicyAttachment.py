"""CKV_PCI_022 (rule 15): no AWS managed policy (arn:<partition>:iam::aws:policy/...) attached to a role.

Covers aws_iam_role_policy_attachment, aws_iam_policy_attachment (its roles, users and groups alike),
aws_iam_role_policy_attachments_exclusive and aws_iam_role.managed_policy_arns. A customer-managed policy
passes this rule: a literal ARN in an account, or a reference to an aws_iam_policy declared in the
configuration, whose document CKV_PCI_020/021 check. Anything else (a variable, a module output, a
data.aws_iam_policy lookup) cannot be shown not to be AWS managed and fails closed. An explicit empty list
(exclusive management removing every managed policy) passes; a list variable without a value, which Checkov
also renders as [], fails.
"""

from __future__ import annotations

import re
from typing import Any

from _iam_policy_statements import IamPolicyCheck, resource_label, variables_without_value
from checkov.common.models.enums import CheckResult

# attribute holding the ARN(s), and whether it is a list
ATTACHMENT_ATTRIBUTES: dict[str, tuple[str, bool]] = {
    "aws_iam_role_policy_attachment": ("policy_arn", False),
    "aws_iam_policy_attachment": ("policy_arn", False),
    "aws_iam_role_policy_attachments_exclusive": ("policy_arns", True),
    "aws_iam_role": ("managed_policy_arns", True),
}

_AWS_MANAGED = re.compile(r"^arn:[^:]+:iam::aws:policy/")
_CUSTOMER_MANAGED = re.compile(r"^arn:[^:]+:iam::[^:]+:policy/")
_POLICY_REFERENCE = re.compile(r"^(\$\{)?aws_iam_policy\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.(arn|id)\}?$")


class IAMNoAWSManagedPolicyAttachment(IamPolicyCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no AWS managed policy is attached to a role",
            id="CKV_PCI_022",
            supported_resources=list(ATTACHMENT_ATTRIBUTES),
        )

    def scan_block_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        subject = resource_label(conf, entity_type)
        attribute, is_list = ATTACHMENT_ATTRIBUTES[entity_type]
        self.evaluated_keys = [attribute]
        if attribute not in conf:
            if is_list:
                return self.conclude([], f"{subject} does not manage managed policy attachments.")
            return self.conclude(
                [f"{subject} has no {attribute}, so the attached policy cannot be verified."]
            )
        value = conf[attribute]
        arns = _flatten(value)
        if is_list and not arns:
            missing = variables_without_value(self, conf, attribute)
            if missing is None or missing:
                named = f" (from variable {', '.join(missing)})" if missing else ""
                return self.conclude(
                    [
                        f"{subject}: {attribute} renders as an empty list{named}, which is what Checkov "
                        "shows for a list variable without a value, so the attached policies cannot be "
                        "verified."
                    ]
                )
            return self.conclude(
                [], f"{subject}: {attribute} is explicitly empty; no managed policy is attached."
            )
        failures = []
        for arn in arns:
            if not isinstance(arn, str) or not arn.strip():
                failures.append(f"{subject}: {attribute} holds {arn!r}, which is not a policy ARN.")
            elif _AWS_MANAGED.match(arn):
                failures.append(
                    f"{subject} attaches the AWS managed policy {arn}; replace it with an inline policy "
                    "built from an aws_iam_policy_document that names only the needed actions and resources."
                )
            elif not (_CUSTOMER_MANAGED.match(arn) or _POLICY_REFERENCE.match(arn)):
                failures.append(
                    f"{subject}: {attribute} is {arn!r}, which Checkov could not resolve to a policy ARN (a "
                    "variable, module output or data source lookup), so it may be an AWS managed policy."
                )
        return self.conclude(
            failures, f"{subject} attaches only customer-managed policies ({', '.join(arns)})."
        )


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return [item for element in value for item in _flatten(element)]
    return [value]


check = IAMNoAWSManagedPolicyAttachment()
