from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_bool, block, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class DynamoDBPITRAndTTL(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure DynamoDB tables have point-in-time recovery and TTL enabled"
        id = "CKV_PCI_042"
        supported_resources = ["aws_dynamodb_table"]
        categories = [CheckCategories.BACKUP_AND_RECOVERY]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = [
            "point_in_time_recovery/[0]/enabled",
            "ttl/[0]/enabled",
            "ttl/[0]/attribute_name",
        ]
        problems = []
        pitr = arg(block(conf, "point_in_time_recovery"), "enabled")
        if block(conf, "point_in_time_recovery") is None:
            problems.append("point-in-time recovery is not configured (no point_in_time_recovery block)")
        elif unresolved_reason(pitr):
            problems.append(f"point_in_time_recovery.enabled {unresolved_reason(pitr)}")
        elif as_bool(pitr) is not True:
            problems.append("point-in-time recovery is disabled")
        ttl = block(conf, "ttl")
        ttl_enabled, attribute = arg(ttl, "enabled"), arg(ttl, "attribute_name")
        if ttl is None:
            problems.append("TTL is not configured (no ttl block)")
        elif unresolved_reason(ttl_enabled):
            problems.append(f"ttl.enabled {unresolved_reason(ttl_enabled)}")
        elif as_bool(ttl_enabled) is not True:
            problems.append("TTL is disabled")
        elif unresolved_reason(attribute) or not attribute:
            problems.append(f"ttl.attribute_name {unresolved_reason(attribute) or 'is empty'}")
        if problems:
            return self.fail(f"{self.label} does not prove PITR and TTL: {'; '.join(problems)}.")
        return self.passed(
            f"{self.label} has point-in-time recovery on and TTL enabled on attribute {attribute}."
        )


check = DynamoDBPITRAndTTL()
