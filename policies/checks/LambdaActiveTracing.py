from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, block, describe, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class LambdaActiveTracing(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure Lambda functions have X-Ray active tracing"
        id = "CKV_PCI_010"
        supported_resources = ["aws_lambda_function"]
        categories = [CheckCategories.LOGGING]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["tracing_config/[0]/mode"]
        tracing = block(conf, "tracing_config")
        if tracing is None:
            return self.fail(f"{self.label} has no tracing_config, so X-Ray active tracing is off.")
        mode = arg(tracing, "mode")
        reason = unresolved_reason(mode)
        if reason:
            return self.fail(f"{self.label} cannot be proven traced: tracing_config.mode {reason}.")
        if mode == "Active":
            return self.passed(f"{self.label} has X-Ray active tracing.")
        return self.fail(f'{self.label} has tracing_config.mode {describe(mode)}, not "Active".')


check = LambdaActiveTracing()
