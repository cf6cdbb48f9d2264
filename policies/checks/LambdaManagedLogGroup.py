from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, block, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class LambdaManagedLogGroup(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure every Lambda function has a Terraform-managed log group"
        id = "CKV_PCI_013"
        supported_resources = ["aws_lambda_function"]
        categories = [CheckCategories.LOGGING]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["function_name", "logging_config/[0]/log_group"]
        index = self.index()
        log_groups = index.of_type("aws_cloudwatch_log_group", proving=True)
        logging_config = block(conf, "logging_config")
        if not self.unset(logging_config, "log_group"):
            wanted = arg(logging_config, "log_group")
            referenced = index.resolve(wanted, self.module, ["aws_cloudwatch_log_group"])
            if referenced is not None and referenced.presence == "present":
                return self.passed(
                    f"{self.label} logs to the Terraform-managed log group {referenced.address}."
                )
            reason = unresolved_reason(wanted)
            if reason:
                return self.fail(
                    f"{self.label} cannot be tied to a managed log group: logging_config.log_group {reason}."
                )
            argument = "logging_config.log_group"
        else:
            function_name = arg(conf, "function_name")
            reason = unresolved_reason(function_name)
            if reason:
                return self.fail(
                    f"{self.label} cannot be tied to a managed log group: function_name {reason}."
                )
            wanted = f"/aws/lambda/{function_name}"
            argument = "its default log group"
        for log_group in log_groups:
            if arg(log_group.conf, "name") == wanted:
                return self.passed(
                    f"{self.label} logs to the Terraform-managed log group {log_group.address} ({wanted})."
                )
        return self.fail(
            f"{self.label} has no Terraform-managed log group named {wanted} ({argument}); Lambda would "
            "create "
            "it implicitly without retention or a customer-managed key."
        )


check = LambdaManagedLogGroup()
