from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_int, describe, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult

MIN_DAYS, MAX_DAYS = 7, 30


class KMSKeyDeletionWindow(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure KMS keys have a deletion window between 7 and 30 days"
        id = "CKV_PCI_007"
        supported_resources = [
            "aws_kms_key",
            "aws_kms_replica_key",
            "aws_kms_external_key",
            "aws_kms_replica_external_key",
        ]
        categories = [CheckCategories.ENCRYPTION]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["deletion_window_in_days"]
        if self.unset(conf, "deletion_window_in_days"):
            # AWS would apply 30 days, but an implicit default is no evidence of a reviewed window.
            return self.fail(
                f"{self.label} does not set deletion_window_in_days explicitly; PCI evidence needs an "
                "explicit "
                f"window between {MIN_DAYS} and {MAX_DAYS} days."
            )
        value = arg(conf, "deletion_window_in_days")
        reason = unresolved_reason(value)
        if reason:
            return self.fail(
                f"{self.label} cannot be proven to have a valid deletion window: deletion_window_in_days "
                f"{reason}."
            )
        days = as_int(value)
        if days is not None and MIN_DAYS <= days <= MAX_DAYS:
            return self.passed(f"{self.label} has a deletion window of {days} days.")
        return self.fail(
            f"{self.label} has a deletion window of {describe(value)} days, outside {MIN_DAYS}-{MAX_DAYS} "
            "days."
        )


check = KMSKeyDeletionWindow()
