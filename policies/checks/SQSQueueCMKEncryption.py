from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_bool
from checkov.common.models.enums import CheckCategories, CheckResult


class SQSQueueCMKEncryption(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure SQS queues, dead-letter queues included, are encrypted with a customer-managed KMS key"
        id = "CKV_PCI_002"
        supported_resources = ["aws_sqs_queue"]
        categories = [CheckCategories.ENCRYPTION]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["kms_master_key_id", "sqs_managed_sse_enabled"]
        if self.unset(conf, "kms_master_key_id"):
            if as_bool(arg(conf, "sqs_managed_sse_enabled")) is not False:
                return self.fail(
                    f"{self.label} is encrypted with SQS-managed SSE only (no kms_master_key_id), "
                    "not with a customer-managed KMS key."
                )
            return self.fail(f"{self.label} is not encrypted: kms_master_key_id is not set.")
        return self.cmk_result(conf, "kms_master_key_id")


check = SQSQueueCMKEncryption()
