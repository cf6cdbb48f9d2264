from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_bool, block, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult

# Arguments that make AWS refuse the delete that `terraform destroy` issues.
DELETION_PROTECTION = {
    "aws_dynamodb_table": "deletion_protection_enabled",
    "aws_db_instance": "deletion_protection",
    "aws_rds_cluster": "deletion_protection",
    "aws_lb": "enable_deletion_protection",
    "aws_alb": "enable_deletion_protection",
}


class StackDestroyable(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure nothing prevents the stack from being destroyed"
        id = "CKV_PCI_043"
        supported_resources = ["*"]
        categories = [CheckCategories.GENERAL_SECURITY]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["lifecycle/[0]/prevent_destroy"]
        problems, unknown = [], []
        lifecycle = block(conf, "lifecycle")
        if not self.unset(lifecycle, "prevent_destroy"):
            prevent = arg(lifecycle, "prevent_destroy")
            if unresolved_reason(prevent):
                unknown.append(f"lifecycle.prevent_destroy {unresolved_reason(prevent)}")
            elif as_bool(prevent) is not False:
                problems.append(
                    "lifecycle.prevent_destroy is true, so terraform destroy refuses to remove it"
                )
        protection = DELETION_PROTECTION.get(self.entity_type)
        if protection:
            self.evaluated_keys.append(protection)
            if protection in conf:
                value = arg(conf, protection)
                if unresolved_reason(value):
                    unknown.append(f"{protection} {unresolved_reason(value)}")
                elif as_bool(value) is not False:
                    problems.append(f"{protection} is true, so AWS refuses to delete it")
        if problems:
            return self.fail(f"{self.label} prevents the stack from being destroyed: {'; '.join(problems)}.")
        if unknown:
            return self.fail(f"{self.label} cannot be proven destroyable: {'; '.join(unknown)}.")
        return self.passed(f"{self.label} does not prevent the stack from being destroyed.")


check = StackDestroyable()
