from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, as_int, describe, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult

MIN_CONCURRENCY, MAX_CONCURRENCY = 1, 100


class LambdaReservedConcurrency(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure Lambda functions have reserved concurrency between 1 and 100"
        id = "CKV_PCI_041"
        supported_resources = ["aws_lambda_function"]
        categories = [CheckCategories.GENERAL_SECURITY]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["reserved_concurrent_executions"]
        if self.unset(conf, "reserved_concurrent_executions"):
            return self.fail(f"{self.label} has no reserved concurrency, so its concurrency is unbounded.")
        value = arg(conf, "reserved_concurrent_executions")
        reason = unresolved_reason(value)
        if reason:
            return self.fail(
                f"{self.label} cannot be proven bounded: reserved_concurrent_executions {reason}."
            )
        concurrency = as_int(value)
        if concurrency is not None and MIN_CONCURRENCY <= concurrency <= MAX_CONCURRENCY:
            return self.passed(f"{self.label} has reserved concurrency {concurrency}.")
        if concurrency == -1:
            return self.fail(
                f"{self.label} has reserved concurrency -1 (unreserved), so its concurrency is unbounded."
            )
        return self.fail(
            f"{self.label} has reserved concurrency {describe(value)}, outside "
            f"{MIN_CONCURRENCY}-{MAX_CONCURRENCY}."
        )


check = LambdaReservedConcurrency()
