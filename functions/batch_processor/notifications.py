"""SNS notifications: metadata of a processed webhook (never its payload), published in one PublishBatch."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from payhooks_shared.records import string_attribute

PUBLISH_BATCH_LIMIT = 10
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Notification:
    webhook_id: str
    provider: str
    event_type: str
    object_id: str | None
    received_at: str | None
    processed_at: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "webhook_id": self.webhook_id,
                "provider": self.provider,
                "event_type": self.event_type,
                "object_id": self.object_id,
                "received_at": self.received_at,
                "processed_at": self.processed_at,
            },
            separators=(",", ":"),
            sort_keys=True,
        )

    def message_attributes(self) -> dict[str, Any]:
        return {
            "event_type": {"DataType": "String", "StringValue": self.event_type},
            "provider": {"DataType": "String", "StringValue": self.provider},
        }


def build_notification(webhook_id: str, item: Mapping[str, Any], processed_at: str) -> Notification:
    # SNS rejects empty attribute values, hence the placeholder for metadata an item might lack.
    return Notification(
        webhook_id=webhook_id,
        provider=string_attribute(item, "provider") or UNKNOWN,
        event_type=string_attribute(item, "event_type") or UNKNOWN,
        object_id=string_attribute(item, "object_id"),
        received_at=string_attribute(item, "received_at"),
        processed_at=processed_at,
    )


def publish(client: Any, topic_arn: str, notifications: Sequence[Notification]) -> dict[str, str | None]:
    """Error code per webhook id (None when SNS accepted it); an API error propagates.

    An entry SNS reports neither as successful nor as failed counts as failed, so it is retried, not lost.
    """
    results: dict[str, str | None] = {}
    for start in range(0, len(notifications), PUBLISH_BATCH_LIMIT):
        chunk = notifications[start : start + PUBLISH_BATCH_LIMIT]
        entries = [
            {"Id": f"n{index}", "Message": n.to_json(), "MessageAttributes": n.message_attributes()}
            for index, n in enumerate(chunk)
        ]
        response = client.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=entries)
        successful = {entry["Id"] for entry in response.get("Successful", [])}
        failed = {entry["Id"]: str(entry.get("Code") or "Failed") for entry in response.get("Failed", [])}
        for index, notification in enumerate(chunk):
            entry_id = f"n{index}"
            if entry_id in successful and entry_id not in failed:
                results[notification.webhook_id] = None
            else:
                results[notification.webhook_id] = failed.get(entry_id, "MissingResult")
    return results
