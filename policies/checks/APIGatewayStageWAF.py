from __future__ import annotations

from typing import Any

from _pci_common import UNCERTAIN_PRESENCE, PCIResourceCheck, arg, block, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class APIGatewayStageWAF(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure public REST API stages are protected by a WAFv2 web ACL"
        id = "CKV_PCI_031"
        supported_resources = ["aws_api_gateway_stage"]
        categories = [CheckCategories.NETWORKING]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["rest_api_id"]
        index = self.index()
        me = index.get(self.address)
        if me is None:
            return self.fail(
                f"{self.label} is not in Checkov's resource graph, so its WAF association cannot be checked."
            )
        rest_api = index.resolve(arg(conf, "rest_api_id"), self.module, ["aws_api_gateway_rest_api"])
        if rest_api is not None:
            types = arg(block(rest_api.conf, "endpoint_configuration"), "types")
            if types == ["PRIVATE"] or types == "PRIVATE":
                return self.passed(
                    f"{self.label} belongs to the private REST API {rest_api.address}, which is not public."
                )
        unresolved = []
        for association in index.of_type("aws_wafv2_web_acl_association"):
            target = index.resolve(
                arg(association.conf, "resource_arn"), association.module, ["aws_api_gateway_stage"]
            )
            if target != me:
                continue
            if association.presence != "present":
                unresolved.append(f"{association.address} {UNCERTAIN_PRESENCE}")
                continue
            web_acl = arg(association.conf, "web_acl_arn")
            reason = unresolved_reason(web_acl) or ("is empty" if not web_acl else None)
            if reason is None:
                return self.passed(
                    f"{self.label} is protected by WAFv2 web ACL {web_acl} ({association.address})."
                )
            unresolved.append(f"{association.address} web_acl_arn {reason}")
        if unresolved:
            return self.fail(
                f"{self.label} cannot be proven protected by a WAFv2 web ACL: {'; '.join(unresolved)}."
            )
        return self.fail(
            f"{self.label} has no aws_wafv2_web_acl_association whose resource_arn references it, so the "
            "public "
            "stage has no automated web-attack protection."
        )


check = APIGatewayStageWAF()
