from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

DEPRECATED = {"python3.8", "python3.9"}


class FixtureRuntimeSupported(BaseResourceCheck):
    """Gate fixture: the soft-fail check (deprecated Lambda runtime)."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure Lambda functions do not use a deprecated runtime (fixture)",
            id="CKV_PCI_904",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_lambda_function"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        runtime = (conf.get("runtime") or [None])[0]
        if runtime in DEPRECATED:
            self.details.append(f"runtime {runtime} is deprecated")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = FixtureRuntimeSupported()
