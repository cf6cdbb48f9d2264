from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class FixtureQueueCMK(BaseResourceCheck):
    """Gate fixture: SQS queues need a customer-managed key; SQS-managed SSE alone fails."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure SQS queues are encrypted with a customer-managed KMS key (fixture)",
            id="CKV_PCI_901",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_sqs_queue"],
        )

    def scan_resource_conf(self, conf: dict) -> CheckResult:
        key = (conf.get("kms_master_key_id") or [None])[0]
        if isinstance(key, str) and key and not key.startswith("alias/aws/"):
            return CheckResult.PASSED
        self.details.append("kms_master_key_id is not a customer-managed key")
        return CheckResult.FAILED


check = FixtureQueueCMK()
