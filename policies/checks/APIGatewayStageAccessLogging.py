from __future__ import annotations

from typing import Any

from _pci_common import GraphResource, PCIResourceCheck, ResourceIndex, arg, as_bool, block, unresolved_reason
from checkov.common.models.enums import CheckCategories, CheckResult


class APIGatewayStageAccessLogging(PCIResourceCheck):
    def __init__(self) -> None:
        name = "Ensure API Gateway stages write access logs and keep execution data tracing off"
        id = "CKV_PCI_014"
        supported_resources = ["aws_api_gateway_stage"]
        categories = [CheckCategories.LOGGING]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    @staticmethod
    def _targets_me(index: ResourceIndex, me: GraphResource, settings: GraphResource) -> bool:
        """Whether an aws_api_gateway_method_settings may apply to this stage (unknown counts as yes)."""
        stage_name = arg(settings.conf, "stage_name")
        if index.resolve(stage_name, settings.module, ["aws_api_gateway_stage"]) == me:
            return True
        if unresolved_reason(stage_name) is None and stage_name != arg(me.conf, "stage_name"):
            return False
        rest_api, my_rest_api = arg(settings.conf, "rest_api_id"), arg(me.conf, "rest_api_id")
        known = unresolved_reason(rest_api) is None and unresolved_reason(my_rest_api) is None
        return not (known and rest_api != my_rest_api)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["access_log_settings/[0]/destination_arn", "access_log_settings/[0]/format"]
        access_log = block(conf, "access_log_settings")
        if access_log is None:
            return self.fail(f"{self.label} writes no access logs (no access_log_settings).")
        destination = arg(access_log, "destination_arn")
        reason = unresolved_reason(destination) or ("is empty" if not destination else None)
        if reason:
            return self.fail(
                f"{self.label} cannot be proven to write access logs: access_log_settings.destination_arn "
                f"{reason}."
            )
        if not arg(access_log, "format"):
            return self.fail(
                f"{self.label} has no access_log_settings.format, so no access log fields are defined."
            )
        index = self.index()
        me = index.get(self.address)
        if me is None:
            return self.fail(
                f"{self.label} is not in Checkov's resource graph, so its method settings cannot be checked."
            )
        for settings in index.of_type("aws_api_gateway_method_settings"):
            if not self._targets_me(index, me, settings):
                continue
            trace = arg(block(settings.conf, "settings"), "data_trace_enabled")
            if trace is None and "data_trace_enabled" not in (block(settings.conf, "settings") or {}):
                continue
            reason = unresolved_reason(trace)
            if reason:
                return self.fail(
                    f"{self.label} cannot be proven to keep execution data tracing off: "
                    f"{settings.address} settings.data_trace_enabled {reason}."
                )
            if as_bool(trace) is not False:
                return self.fail(
                    f"{self.label} has execution data tracing on ({settings.address} "
                    "settings.data_trace_enabled "
                    "= true), which writes full request bodies to logs."
                )
        return self.passed(
            f"{self.label} writes access logs to {destination} and keeps execution data tracing off."
        )


check = APIGatewayStageAccessLogging()
