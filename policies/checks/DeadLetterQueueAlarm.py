from __future__ import annotations

from typing import Any

from _pci_common import (
    GraphResource,
    PCIResourceCheck,
    ResourceIndex,
    arg,
    dead_letter_reasons,
    unresolved_reason,
    unwrap,
)
from checkov.common.models.enums import CheckCategories, CheckResult

NAMESPACE = "AWS/SQS"
METRIC = "ApproximateNumberOfMessagesVisible"


def _metrics(alarm: GraphResource) -> list[dict[str, Any]]:
    """The alarm's own metric plus every metric_query metric, as confs."""
    metrics = [alarm.conf]
    for query in alarm.conf.get("metric_query") or []:
        if isinstance(query, dict):
            metrics.extend(m for m in (query.get("metric") or []) if isinstance(m, dict))
    return metrics


class DeadLetterQueueAlarm(PCIResourceCheck):
    def __init__(self) -> None:
        name = (
            "Ensure every dead-letter queue has a CloudWatch alarm on visible messages with an alarm action"
        )
        id = "CKV_PCI_015"
        supported_resources = ["aws_sqs_queue"]
        categories = [CheckCategories.LOGGING]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    @staticmethod
    def _watches(index: ResourceIndex, alarm: GraphResource, queue: GraphResource) -> bool:
        for metric in _metrics(alarm):
            if arg(metric, "namespace") != NAMESPACE or arg(metric, "metric_name") != METRIC:
                continue
            dimensions = arg(metric, "dimensions")
            queue_name = unwrap(dimensions.get("QueueName")) if isinstance(dimensions, dict) else None
            if index.resolve(queue_name, alarm.module, ["aws_sqs_queue"]) == queue:
                return True
            own_name = arg(queue.conf, "name")
            if (
                unresolved_reason(queue_name) is None
                and unresolved_reason(own_name) is None
                and queue_name == own_name
            ):
                return True
        return False

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["name", "redrive_allow_policy"]
        index = self.index()
        me = index.get(self.address)
        if me is None:
            return self.fail(
                f"{self.label} is not in Checkov's resource graph, so its alarms cannot be checked."
            )
        reasons = dead_letter_reasons(index, me)
        if not reasons:
            return self.passed(
                f"{self.label} is not a dead-letter queue (no queue redrives to it), so it needs no DLQ "
                "alarm."
            )
        why = "; ".join(reasons)
        silent = []
        for alarm in index.of_type("aws_cloudwatch_metric_alarm", proving=True):
            if not self._watches(index, alarm, me):
                continue
            actions = unwrap(alarm.conf.get("alarm_actions"))
            actions = actions if isinstance(actions, list) else [actions]
            usable = [a for a in actions if a and unresolved_reason(a) is None]
            if usable:
                return self.passed(
                    f"{self.label} is a dead-letter queue ({why}) with alarm {alarm.address} on {METRIC} "
                    f"notifying {', '.join(map(str, usable))}."
                )
            problems = [unresolved_reason(a) for a in actions if a and unresolved_reason(a)]
            silent.append(
                f"{alarm.address} alarm_actions " + ("; ".join(problems) if problems else "is empty")
            )
        if silent:
            return self.fail(
                f"{self.label} is a dead-letter queue ({why}) whose alarms notify nobody: "
                f"{'; '.join(silent)}."
            )
        return self.fail(
            f"{self.label} is a dead-letter queue ({why}) without a CloudWatch alarm on {NAMESPACE} {METRIC} "
            "with dimension QueueName for it."
        )


check = DeadLetterQueueAlarm()
