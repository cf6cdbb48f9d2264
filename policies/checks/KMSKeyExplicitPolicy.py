from __future__ import annotations

from typing import Any

from _pci_common import CMK_RESOURCE_TYPES, PCIResourceCheck, arg, json_object
from checkov.common.models.enums import CheckCategories, CheckResult

POLICY_DOCUMENT_ATTRIBUTES = (".json", ".minified_json")


class KMSKeyExplicitPolicy(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure KMS keys have an explicit key policy"
        id = "CKV_PCI_008"
        supported_resources = sorted(CMK_RESOURCE_TYPES)
        categories = [CheckCategories.ENCRYPTION]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def _policy_problem(self, value: Any, module: str) -> str | None:
        """None when ``value`` is an explicit key policy with statements, else why it is not."""
        if (
            isinstance(value, str)
            and value.startswith("data.aws_iam_policy_document.")
            and value.endswith(POLICY_DOCUMENT_ATTRIBUTES)
        ):
            if self.plan_mode:  # a plan carries no data sources read at apply time; the HCL scan checks it
                return None
            document = self.index().resolve(value, module)
            return None if document is not None else f"{value} is not a policy document in this configuration"
        document, problem = json_object(value)
        if document is None:
            return problem
        if not document.get("Statement"):
            return "has no Statement"
        return None

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["policy"]
        if not self.unset(conf, "policy"):
            problem = self._policy_problem(arg(conf, "policy"), self.module)
            if problem is None:
                return self.passed(f"{self.label} has an explicit key policy (policy).")
            return self.fail(f"{self.label} has no valid explicit key policy: policy {problem}.")
        index = self.index()
        me = index.get(self.address)
        for key_policy in index.of_type("aws_kms_key_policy", proving=True):
            if (
                me is None
                or index.resolve(arg(key_policy.conf, "key_id"), key_policy.module, CMK_RESOURCE_TYPES) != me
            ):
                continue
            problem = self._policy_problem(arg(key_policy.conf, "policy"), key_policy.module)
            if problem is None:
                return self.passed(f"{self.label} has an explicit key policy ({key_policy.address}).")
            return self.fail(
                f"{self.label} has no valid explicit key policy: {key_policy.address} policy {problem}."
            )
        return self.fail(
            f"{self.label} has no explicit key policy (no policy argument and no aws_kms_key_policy), so the "
            "default policy delegates all key access to IAM in the account."
        )


check = KMSKeyExplicitPolicy()
