from __future__ import annotations

from typing import Any

from _pci_common import (
    PCIResourceCheck,
    arg,
    as_bool,
    as_int,
    dead_letter_reasons,
    describe,
    sqs_redrives,
    unresolved_reason,
)
from checkov.common.models.enums import CheckCategories, CheckResult

MAX_RECEIVE_COUNT = 3


class SQSRedriveToFifoDLQ(PCIResourceCheck):
    def __init__(self) -> None:
        name = (
            "Ensure SQS source queues redrive to a dead-letter queue after exactly 3 receives, FIFO to FIFO"
        )
        id = "CKV_PCI_040"
        supported_resources = ["aws_sqs_queue"]
        categories = [CheckCategories.GENERAL_SECURITY]
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)

    def _fifo(self, conf: dict[str, Any]) -> tuple[bool | None, str | None]:
        if self.unset(conf, "fifo_queue"):
            return False, None
        value = arg(conf, "fifo_queue")
        reason = unresolved_reason(value)
        return (None, reason) if reason else (as_bool(value), None)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = [
            "redrive_policy/[0]/deadLetterTargetArn",
            "redrive_policy/[0]/maxReceiveCount",
            "fifo_queue",
        ]
        index = self.index()
        me = index.get(self.address)
        if me is None:
            return self.fail(
                f"{self.label} is not in Checkov's resource graph, so its redrive cannot be checked."
            )
        redrives = [r for r in sqs_redrives(index) if r.source == me]
        if not redrives:
            dlq_reasons = dead_letter_reasons(index, me)
            if dlq_reasons:
                return self.passed(
                    f"{self.label} is a dead-letter queue ({'; '.join(dlq_reasons)}), not a source queue."
                )
            return self.fail(
                f"{self.label} has no redrive_policy, so a poison message is never moved to a dead-letter "
                "queue."
            )
        redrive = redrives[0]
        where = (
            "redrive_policy" if redrive.declared_in == me.address else f"{redrive.declared_in} redrive_policy"
        )
        if redrive.policy is None:
            return self.fail(f"{self.label} has a {where} that cannot be evaluated: it {redrive.problem}.")
        count = redrive.policy.get("maxReceiveCount")
        reason = unresolved_reason(count)
        if reason:
            return self.fail(
                f"{self.label} cannot be proven to redrive after {MAX_RECEIVE_COUNT} receives: "
                f"maxReceiveCount {reason}."
            )
        if as_int(count) != MAX_RECEIVE_COUNT:
            return self.fail(
                f"{self.label} redrives after {describe(count)} receives instead of exactly "
                f"{MAX_RECEIVE_COUNT} ({where})."
            )
        target_arn = redrive.policy.get("deadLetterTargetArn")
        if redrive.target is None:
            reason = (
                unresolved_reason(target_arn)
                or f"is {describe(target_arn)}, not a queue in this configuration"
            )
            return self.fail(f"{self.label} has a {where} whose deadLetterTargetArn {reason}.")
        source_fifo, reason = self._fifo(conf)
        if reason:
            return self.fail(f"{self.label} cannot be proven standard or FIFO: fifo_queue {reason}.")
        target = redrive.target
        target_fifo, reason = self._fifo(target.conf)
        if reason:
            return self.fail(
                f"{self.label} cannot be matched to its dead-letter queue {target.address}: fifo_queue "
                f"{reason}."
            )
        if bool(source_fifo) != bool(target_fifo):
            kinds = ("a FIFO", "a standard") if source_fifo else ("a standard", "a FIFO")
            return self.fail(
                f"{self.label} is {kinds[0]} queue whose dead-letter queue {target.address} is {kinds[1]} "
                "queue; "
                "a queue's DLQ must be of the same type (FIFO to FIFO)."
            )
        kind = "FIFO " if source_fifo else ""
        return self.passed(
            f"{self.label} redrives to the {kind}dead-letter queue {target.address} after exactly "
            f"{MAX_RECEIVE_COUNT} receives."
        )


check = SQSRedriveToFifoDLQ()
