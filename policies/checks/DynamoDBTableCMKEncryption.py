from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_bool, block, classify_kms_key, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class DynamoDBTableCMKEncryption(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure DynamoDB tables are encrypted with a customer-managed KMS key"
        id = "CKV_PCI_001"
        supported_resources = ["aws_dynamodb_table"]
        categories = [CheckCategories.ENCRYPTION]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = [
            "server_side_encryption/[0]/enabled",
            "server_side_encryption/[0]/kms_key_arn",
            "replica/[*]/kms_key_arn",
        ]
        sse = block(conf, "server_side_encryption")
        if sse is None:
            return self.fail(
                f"{self.label} has no server_side_encryption block, so it is encrypted with an AWS owned key."
            )
        enabled = arg(sse, "enabled")
        reason = unresolved_reason(enabled)
        if reason:
            return self.fail(
                f"{self.label} cannot be proven encrypted: server_side_encryption.enabled {reason}."
            )
        if as_bool(enabled) is not True:
            return self.fail(
                f"{self.label} has server_side_encryption disabled, so it is encrypted with an AWS owned key."
            )
        if self.unset(sse, "kms_key_arn") or arg(sse, "kms_key_arn") == "":
            return self.fail(
                f"{self.label} sets no server_side_encryption.kms_key_arn, so it is encrypted with the "
                "AWS managed key alias/aws/dynamodb."
            )
        result = self.cmk_result(sse, "kms_key_arn", "server_side_encryption.kms_key_arn")
        if result is not CheckResult.PASSED:
            return result
        replicas = [r for r in conf.get("replica") or [] if isinstance(r, dict)]  # a plan gives [[]] for none
        for number, replica in enumerate(replicas):
            is_cmk, phrase = classify_kms_key(arg(replica, "kms_key_arn"), None, self.module)
            if not is_cmk:
                self.details.clear()
                return self.fail(
                    f"{self.label} has replica {number} ({arg(replica, 'region_name')}) not encrypted with a "
                    f"customer-managed KMS key: replica.kms_key_arn: {phrase}."
                )
        return result


check = DynamoDBTableCMKEncryption()
