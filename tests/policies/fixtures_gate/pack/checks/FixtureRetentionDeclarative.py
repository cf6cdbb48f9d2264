from checkov.common.models.enums import CheckCategories
from checkov.terraform.checks.resource.base_resource_value_check import BaseResourceValueCheck


class FixtureRetentionDeclarative(BaseResourceValueCheck):
    """Gate fixture: a declarative check that, like Checkov's own, returns UNKNOWN on unresolved variables."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure CloudWatch log groups keep logs for exactly 7 days (fixture)",
            id="CKV_PCI_903",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudwatch_log_group"],
        )

    def get_inspected_key(self) -> str:
        return "retention_in_days"

    def get_expected_value(self) -> int:
        return 7


check = FixtureRetentionDeclarative()
