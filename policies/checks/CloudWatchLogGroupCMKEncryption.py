from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck
from checkov.common.models.enums import CheckCategories, CheckResult


class CloudWatchLogGroupCMKEncryption(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure CloudWatch log groups are encrypted with a customer-managed KMS key"
        id = "CKV_PCI_004"
        supported_resources = ["aws_cloudwatch_log_group"]
        categories = [CheckCategories.ENCRYPTION]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["kms_key_id"]
        return self.cmk_result(conf, "kms_key_id")


check = CloudWatchLogGroupCMKEncryption()
