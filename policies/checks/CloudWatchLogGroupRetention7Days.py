from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_int, describe, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult

RETENTION_DAYS = 7


class CloudWatchLogGroupRetention7Days(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure CloudWatch log groups keep logs for exactly 7 days"
        id = "CKV_PCI_012"
        supported_resources = ["aws_cloudwatch_log_group"]
        categories = [CheckCategories.LOGGING]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["retention_in_days"]
        if self.unset(conf, "retention_in_days"):
            return self.fail(f"{self.label} sets no retention_in_days, so its logs are never deleted.")
        value = arg(conf, "retention_in_days")
        reason = unresolved_reason(value)
        if reason:
            return self.fail(
                f"{self.label} cannot be proven to keep logs {RETENTION_DAYS} days: retention_in_days "
                f"{reason}."
            )
        if as_int(value) == RETENTION_DAYS:
            return self.passed(f"{self.label} keeps logs for exactly {RETENTION_DAYS} days.")
        return self.fail(
            f"{self.label} keeps logs for {describe(value)} days instead of exactly {RETENTION_DAYS} days."
        )


check = CloudWatchLogGroupRetention7Days()
