from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_bool, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class KMSKeyRotationEnabled(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure customer-managed KMS keys have automatic rotation enabled"
        id = "CKV_PCI_006"
        supported_resources = ["aws_kms_key"]
        categories = [CheckCategories.ENCRYPTION]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["enable_key_rotation"]
        if self.unset(conf, "enable_key_rotation"):
            return self.fail(
                f"{self.label} does not enable automatic rotation (enable_key_rotation defaults to false)."
            )
        value = arg(conf, "enable_key_rotation")
        reason = unresolved_reason(value)
        if reason:
            return self.fail(f"{self.label} cannot be proven to rotate: enable_key_rotation {reason}.")
        if as_bool(value) is True:
            return self.passed(f"{self.label} has automatic key rotation enabled.")
        return self.fail(
            f"{self.label} has automatic key rotation disabled (enable_key_rotation = {str(value).lower()})."
        )


check = KMSKeyRotationEnabled()
