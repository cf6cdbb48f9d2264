from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, block, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class LambdaEnvironmentCMKEncryption(PCIResourceCheck):
    def __init__(self) -> None:
        name = (
            "Ensure Lambda functions with environment variables encrypt them with a customer-managed KMS key"
        )
        id = "CKV_PCI_005"
        supported_resources = ["aws_lambda_function"]
        categories = [CheckCategories.ENCRYPTION]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["environment/[0]/variables", "kms_key_arn"]
        environment = block(conf, "environment")
        variables = arg(environment, "variables") if environment is not None else {}
        if environment is not None and self.unset(environment, "variables"):
            variables = {}
        reason = unresolved_reason(variables)
        if reason:
            return self.fail(
                f"{self.label} cannot be proven free of plain environment variables: variables {reason}."
            )
        if not variables:
            return self.passed(f"{self.label} has no environment variables, so no key is needed for them.")
        return self.cmk_result(conf, "kms_key_arn")


check = LambdaEnvironmentCMKEncryption()
