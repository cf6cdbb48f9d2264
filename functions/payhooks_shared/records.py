"""The webhook record shared by both functions: DynamoDB item statuses and the SQS message body."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

QUEUED = "QUEUED"
PROCESSED = "PROCESSED"


@dataclass(frozen=True)
class QueuedWebhook:
    """Body of the FIFO message (metadata only, never the payload)."""

    webhook_id: str
    provider: str
    event_type: str
    object_id: str | None
    received_at: str

    @property
    def ordering_key(self) -> str:
        """The business object when known, else the webhook itself (its own FIFO group)."""
        return self.object_id if self.object_id is not None else self.webhook_id

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)


def string_attribute(item: Mapping[str, Any], name: str) -> str | None:
    """A DynamoDB `S` attribute value from a low-level (typed) item."""
    value = item.get(name)
    if isinstance(value, Mapping) and isinstance(value.get("S"), str):
        return value["S"]
    return None
