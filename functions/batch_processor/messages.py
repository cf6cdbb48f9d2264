"""SQS FIFO records of a batch, and the per-group failure rule of the function contract."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class QueueMessage:
    message_id: str
    group_id: str
    webhook_id: str | None

    @property
    def readable(self) -> bool:
        return self.webhook_id is not None


def parse_record(record: Mapping[str, Any]) -> QueueMessage:
    """A record without a JSON body holding a `webhook_id` is kept as unreadable, so it fails (-> DLQ)."""
    message_id = str(record.get("messageId", ""))
    attributes = record.get("attributes")
    group_id = attributes.get("MessageGroupId") if isinstance(attributes, Mapping) else None
    webhook_id = None
    try:
        body = json.loads(record.get("body") or "")
    except (TypeError, ValueError, RecursionError):
        body = None
    if isinstance(body, dict) and isinstance(body.get("webhook_id"), str) and body["webhook_id"]:
        webhook_id = body["webhook_id"]
    # Without a group attribute each message is its own group: a failure then blocks nothing else.
    return QueueMessage(
        message_id=message_id, group_id=str(group_id or f"message:{message_id}"), webhook_id=webhook_id
    )


class GroupFailures:
    """Failures of a batch in FIFO order: a failed message fails every later message of its group."""

    def __init__(self, messages: Iterable[QueueMessage]) -> None:
        self._messages = list(messages)
        self._reasons: dict[str, str] = {}

    def fail(self, message: QueueMessage, reason: str) -> None:
        self._reasons.setdefault(message.message_id, reason)

    def reason(self, message: QueueMessage) -> str | None:
        return self._reasons.get(message.message_id)

    def blocked(self, message: QueueMessage) -> bool:
        """Whether this message or an earlier message of its group has failed."""
        for earlier in self._messages:
            if earlier.group_id == message.group_id and earlier.message_id in self._reasons:
                return True
            if earlier is message:
                return False
        return False

    def pending(self) -> list[QueueMessage]:
        """Messages not failed and not behind a failure of their group, in batch order."""
        blocked: set[str] = set()
        pending = []
        for message in self._messages:
            if message.group_id in blocked or message.message_id in self._reasons:
                blocked.add(message.group_id)
                continue
            pending.append(message)
        return pending

    def final_reasons(self) -> dict[str, str]:
        """Failure reason per failed message id, including those failed only because of their group."""
        reasons: dict[str, str] = {}
        failed_groups: set[str] = set()
        for message in self._messages:
            own = self._reasons.get(message.message_id)
            if own is not None:
                reasons[message.message_id] = own
                failed_groups.add(message.group_id)
            elif message.group_id in failed_groups:
                reasons[message.message_id] = "earlier_group_failure"
        return reasons

    def batch_item_failures(self) -> list[dict[str, str]]:
        reasons = self.final_reasons()
        return [{"itemIdentifier": m.message_id} for m in self._messages if m.message_id in reasons]
