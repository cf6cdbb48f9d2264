from __future__ import annotations

from typing import Any

from _pci_common import PCIResourceCheck, arg, block, describe, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult

LEGACY_TLS12 = "TLS_1_2"
# Enhanced security policies (https://docs.aws.amazon.com/apigateway/latest/developerguide/
# apigateway-security-policies.html) all start with SecurityPolicy_TLS12_ or SecurityPolicy_TLS13_.
ENHANCED_PREFIXES = ("SecurityPolicy_TLS12_", "SecurityPolicy_TLS13_")


class APIGatewayDomainTLS12(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure API Gateway custom domains use a TLS 1.2 or stronger security policy"
        id = "CKV_PCI_030"
        supported_resources = ["aws_api_gateway_domain_name", "aws_apigatewayv2_domain_name"]
        categories = [CheckCategories.ENCRYPTION]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_apigatewayv2_domain_name":
            self.evaluated_keys = ["domain_name_configuration/[0]/security_policy"]
            container, argument = (
                block(conf, "domain_name_configuration"),
                "domain_name_configuration.security_policy",
            )
        else:
            self.evaluated_keys = ["security_policy"]
            container, argument = conf, "security_policy"
        if self.unset(container, "security_policy"):
            return self.fail(
                f"{self.label} does not set {argument} explicitly; PCI evidence needs an explicit TLS 1.2+ "
                "policy."
            )
        policy = arg(container, "security_policy")
        reason = unresolved_reason(policy)
        if reason:
            return self.fail(f"{self.label} cannot be proven to require TLS 1.2+: {argument} {reason}.")
        if policy == LEGACY_TLS12 or (isinstance(policy, str) and policy.startswith(ENHANCED_PREFIXES)):
            return self.passed(f"{self.label} uses the TLS 1.2+ security policy {policy}.")
        return self.fail(
            f"{self.label} uses the security policy {describe(policy)}, which allows TLS below 1.2."
        )


check = APIGatewayDomainTLS12()
