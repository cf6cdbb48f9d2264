"""What the validator needs from an authenticated payload: webhook id, event type and ordering key."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from webhook_validator.signatures import STRIPE, Verified

# DynamoDB allows 2048 bytes for a partition key; provider ids are a few dozen characters.
MAX_WEBHOOK_ID_BYTES = 1024
UNKNOWN_EVENT_TYPE = "unknown"


class InvalidPayload(Exception):
    """The authenticated body is not usable (400); `reason` is a short, log-safe code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Webhook:
    webhook_id: str
    provider: str
    event_type: str
    object_id: str | None
    payload_text: str


def parse_payload(body: bytes) -> tuple[str, Mapping[str, Any]]:
    try:
        text = body.decode("utf-8")
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidPayload("malformed_json") from None
    if not isinstance(document, dict):
        raise InvalidPayload("payload_not_object")
    return text, document


def _nested(document: Mapping[str, Any], *path: str) -> Any:
    value: Any = document
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _utf8_encodable(value: str) -> bool:
    """JSON escapes can produce lone surrogates, which no AWS API accepts."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value and _utf8_encodable(value) else None


def _identifier(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value)


def _valid_webhook_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidPayload("missing_id")
    if not _utf8_encodable(value):
        raise InvalidPayload("invalid_id")
    if len(value.encode("utf-8")) > MAX_WEBHOOK_ID_BYTES:
        raise InvalidPayload("id_too_long")
    return value


def describe(verified: Verified, body: bytes) -> Webhook:
    """Webhook id, event type and ordering key per scheme (see the function contract)."""
    text, document = parse_payload(body)
    if verified.provider == STRIPE:
        webhook_id = _valid_webhook_id(document.get("id"))
        object_id = _identifier(_nested(document, "data", "object", "id"))
    else:
        webhook_id = _valid_webhook_id(verified.header_webhook_id)
        object_id = _identifier(_nested(document, "data", "id"))
    return Webhook(
        webhook_id=webhook_id,
        provider=verified.provider,
        event_type=_text(document.get("type")) or UNKNOWN_EVENT_TYPE,
        object_id=object_id,
        payload_text=text,
    )
