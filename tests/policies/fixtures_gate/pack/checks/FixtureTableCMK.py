from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class FixtureTableCMK(BaseResourceCheck):
    """Gate fixture: DynamoDB tables need server-side encryption with a `kms_key_arn`."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure DynamoDB tables are encrypted with a customer-managed KMS key (fixture)",
            id="CKV_PCI_902",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_dynamodb_table"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        sse = (conf.get("server_side_encryption") or [{}])[0]
        enabled = (sse.get("enabled") or [False])[0]
        key = (sse.get("kms_key_arn") or [None])[0]
        return CheckResult.PASSED if enabled is True and key else CheckResult.FAILED


check = FixtureTableCMK()
