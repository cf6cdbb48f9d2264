from __future__ import annotations

import datetime
from typing import Any

from _pci_common import PCIResourceCheck, arg, describe, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult

# Deprecation dates from the AWS Lambda runtimes page
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html): after them a runtime gets no
# security patches, and AWS then blocks creating and later updating functions that use it.
DEPRECATED_RUNTIMES = {
    "python2.7": "2021-07-15",
    "python3.6": "2022-07-18",
    "python3.7": "2023-12-04",
    "python3.8": "2024-10-14",
    "python3.9": "2025-12-15",
    "nodejs": "2016-10-31",
    "nodejs4.3": "2020-03-05",
    "nodejs4.3-edge": "2019-04-30",
    "nodejs6.10": "2019-08-12",
    "nodejs8.10": "2020-03-06",
    "nodejs10.x": "2021-07-30",
    "nodejs12.x": "2023-03-31",
    "nodejs14.x": "2023-12-04",
    "nodejs16.x": "2024-06-12",
    "nodejs18.x": "2025-09-01",
    "java8": "2024-01-08",
    "go1.x": "2024-01-08",
    "provided": "2024-01-08",
    "ruby2.5": "2021-07-30",
    "ruby2.7": "2023-12-07",
    "dotnetcore1.0": "2019-07-30",
    "dotnetcore2.0": "2019-05-30",
    "dotnetcore2.1": "2022-01-05",
    "dotnetcore3.1": "2023-04-03",
    "dotnet5.0": "2022-05-10",
    "dotnet6": "2024-12-20",
    "dotnet7": "2024-05-14",
}


class LambdaRuntimeSupported(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure Lambda functions do not use a deprecated runtime"
        id = "CKV_PCI_044"
        supported_resources = ["aws_lambda_function"]
        categories = [CheckCategories.GENERAL_SECURITY]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["runtime", "package_type"]
        if arg(conf, "package_type") == "Image" and self.unset(conf, "runtime"):
            return self.passed(
                f"{self.label} is a container image; its runtime is patched through the image."
            )
        if self.unset(conf, "runtime"):
            return self.fail(f"{self.label} sets no runtime, so the runtime in use cannot be checked.")
        runtime = arg(conf, "runtime")
        reason = unresolved_reason(runtime)
        if reason:
            return self.fail(f"{self.label} cannot be proven to use a supported runtime: runtime {reason}.")
        deprecated_on = DEPRECATED_RUNTIMES.get(runtime) if isinstance(runtime, str) else None
        if (
            deprecated_on
            and datetime.date.fromisoformat(deprecated_on) <= datetime.datetime.now(datetime.UTC).date()
        ):
            return self.fail(
                f"{self.label} uses the runtime {runtime}, deprecated on Lambda since {deprecated_on} (no "
                "security "
                "patches; AWS blocks creating and then updating such functions); move it to a supported "
                "runtime (python3.12 or later for this stack)."
            )
        return self.passed(f"{self.label} uses the supported runtime {describe(runtime)}.")


check = LambdaRuntimeSupported()
