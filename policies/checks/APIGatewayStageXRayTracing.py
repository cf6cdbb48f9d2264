from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_bool, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class APIGatewayStageXRayTracing(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure API Gateway stages have X-Ray tracing enabled"
        id = "CKV_PCI_011"
        supported_resources = ["aws_api_gateway_stage"]
        categories = [CheckCategories.LOGGING]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["xray_tracing_enabled"]
        if self.unset(conf, "xray_tracing_enabled"):
            return self.fail(
                f"{self.label} does not enable X-Ray tracing (xray_tracing_enabled defaults to false)."
            )
        value = arg(conf, "xray_tracing_enabled")
        reason = unresolved_reason(value)
        if reason:
            return self.fail(f"{self.label} cannot be proven traced: xray_tracing_enabled {reason}.")
        if as_bool(value) is True:
            return self.passed(f"{self.label} has X-Ray tracing enabled.")
        return self.fail(
            f"{self.label} has X-Ray tracing disabled (xray_tracing_enabled = {str(value).lower()})."
        )


check = APIGatewayStageXRayTracing()
