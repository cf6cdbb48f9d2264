"""Durable storage (conditional first write to DynamoDB) and FIFO enqueue of an accepted webhook.

One PutItem with `attribute_not_exists(webhook_id)` and `ReturnValuesOnConditionCheckFailure=ALL_OLD`: a
new webhook costs PutItem + SendMessage; a redelivery learns the stored status from the failed condition
itself, so no GetItem is needed. The first write is never overwritten. If SendMessage fails after the PutItem
succeeded, the item stays QUEUED and the 5xx answer makes the provider retry: the retry finds the QUEUED item
and enqueues it again (same deduplication id), so the webhook is never stranded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from payhooks_shared.errors import AWS_ERRORS, error_code
from payhooks_shared.records import PROCESSED, QUEUED, QueuedWebhook, string_attribute
from payhooks_shared.timeutil import iso_utc
from webhook_validator.webhook import Webhook

SECONDS_PER_DAY = 86400
MAX_FIFO_ID_CHARS = 128
_FIFO_ID_ALLOWED = re.compile(r"[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}")


class DependencyFailure(Exception):
    """DynamoDB or SQS did not do what was asked; `step` and `code` are log-safe."""

    def __init__(self, step: str, code: str) -> None:
        super().__init__(f"{step} failed: {code}")
        self.step = step
        self.code = code


def fifo_safe_id(value: str) -> str:
    """`value` when SQS accepts it as a group/deduplication id, else its SHA-256 hex (64 allowed chars)."""
    if _FIFO_ID_ALLOWED.fullmatch(value):
        return value
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def build_item(webhook: Webhook, received_epoch: float, retention_days: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "webhook_id": {"S": webhook.webhook_id},
        "status": {"S": QUEUED},
        "received_at": {"S": iso_utc(received_epoch)},
        "expiry_time": {"N": str(int(received_epoch) + retention_days * SECONDS_PER_DAY)},
        "provider": {"S": webhook.provider},
        "event_type": {"S": webhook.event_type},
        "payload": {"S": webhook.payload_text},
    }
    if webhook.object_id is not None:
        item["object_id"] = {"S": webhook.object_id}
    return item


def queued_webhook_from_item(item: Mapping[str, Any], fallback: QueuedWebhook) -> QueuedWebhook:
    """The message for a stored item (a redelivery re-enqueues what was stored first, not the new copy)."""
    return QueuedWebhook(
        webhook_id=fallback.webhook_id,
        provider=string_attribute(item, "provider") or fallback.provider,
        event_type=string_attribute(item, "event_type") or fallback.event_type,
        object_id=string_attribute(item, "object_id"),
        received_at=string_attribute(item, "received_at") or fallback.received_at,
    )


@dataclass(frozen=True)
class StoreOutcome:
    created: bool
    existing_status: str | None
    message: QueuedWebhook

    @property
    def needs_enqueue(self) -> bool:
        return self.existing_status != PROCESSED


def store(client: Any, table_name: str, item: dict[str, Any], message: QueuedWebhook) -> StoreOutcome:
    try:
        client.put_item(
            TableName=table_name,
            Item=item,
            ConditionExpression="attribute_not_exists(webhook_id)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if error_code(error) != "ConditionalCheckFailedException":
            raise DependencyFailure("store", error_code(error)) from None
        existing = error.response.get("Item") or {}
        return StoreOutcome(
            created=False,
            existing_status=string_attribute(existing, "status"),
            message=queued_webhook_from_item(existing, message) if existing else message,
        )
    except AWS_ERRORS as error:
        raise DependencyFailure("store", error_code(error)) from None
    return StoreOutcome(created=True, existing_status=None, message=message)


def enqueue(client: Any, queue_url: str, message: QueuedWebhook) -> None:
    try:
        client.send_message(
            QueueUrl=queue_url,
            MessageBody=message.to_json(),
            MessageGroupId=fifo_safe_id(message.ordering_key),
            MessageDeduplicationId=fifo_safe_id(message.webhook_id),
        )
    except AWS_ERRORS as error:
        raise DependencyFailure("enqueue", error_code(error)) from None
