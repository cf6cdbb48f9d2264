"""Sample Stripe and Standard Webhooks events, signed the way each provider signs them.

Signing follows the providers' documentation (and the function contract), independently of the validator's
code, so the local pipeline checks the validator against the specification rather than against itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

SCHEMES = ("stripe", "standard_webhooks")

# A payment object's life cycle: the per-object order the pipeline must keep.
EVENT_TYPES = (
    "payment_intent.created",
    "payment_intent.processing",
    "payment_intent.succeeded",
    "charge.refund.updated",
)


@dataclass(frozen=True)
class SignedWebhook:
    """One HTTP delivery as a provider would send it."""

    scheme: str
    webhook_id: str
    object_id: str
    event_type: str
    headers: dict[str, str]
    body: bytes = field(repr=False)


def new_webhook_id(scheme: str) -> str:
    return f"evt_{secrets.token_hex(12)}" if scheme == "stripe" else f"msg_{secrets.token_hex(12)}"


def new_object_id() -> str:
    return f"pi_{secrets.token_hex(8)}"


def stripe_signature(secret: str, timestamp: int, body: bytes) -> str:
    """`Stripe-Signature` value: HMAC-SHA256 keyed with the secret string as-is over `{t}.{body}`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def standard_webhooks_signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """`webhook-signature` value: HMAC-SHA256 keyed with base64-decoded secret over `{id}.{ts}.{body}`."""
    key = base64.b64decode(secret[len("whsec_") :] if secret.startswith("whsec_") else secret)
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def wrong_secret(scheme: str) -> str:
    """A well-formed secret that the local stack does not hold."""
    if scheme == "stripe":
        return f"whsec_{secrets.token_hex(24)}"
    return f"whsec_{base64.b64encode(secrets.token_bytes(24)).decode()}"


def payload(scheme: str, webhook_id: str, object_id: str, event_type: str, created: int) -> dict[str, Any]:
    """A realistic event body without cardholder data."""
    payment = {
        "object": "payment_intent",
        "amount": 1999,
        "currency": "usd",
        "status": event_type.rsplit(".", 1)[-1],
    }
    if scheme == "stripe":
        return {
            "id": webhook_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": created,
            "livemode": False,
            "type": event_type,
            "data": {"object": {"id": object_id, **payment}},
        }
    return {
        "type": event_type,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
        "data": {"id": object_id, **payment},
    }


def signed_webhook(
    scheme: str,
    signing_secrets: dict[str, list[str]],
    *,
    object_id: str,
    event_type: str = EVENT_TYPES[0],
    webhook_id: str | None = None,
    timestamp: int | None = None,
    bad_signature: bool = False,
    body: dict[str, Any] | None = None,
) -> SignedWebhook:
    """Build and sign one delivery; `bad_signature` signs with a secret the stack does not hold."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}, expected one of {SCHEMES}")
    webhook_id = webhook_id or new_webhook_id(scheme)
    timestamp = int(time.time()) if timestamp is None else timestamp
    document = body if body is not None else payload(scheme, webhook_id, object_id, event_type, timestamp)
    raw = json.dumps(document, separators=(",", ":")).encode()
    secret = wrong_secret(scheme) if bad_signature else signing_secrets[scheme][0]
    headers = {"Content-Type": "application/json", "User-Agent": "payhooks-local-sender/1"}
    if scheme == "stripe":
        headers["Stripe-Signature"] = stripe_signature(secret, timestamp, raw)
    else:
        headers["webhook-id"] = webhook_id
        headers["webhook-timestamp"] = str(timestamp)
        headers["webhook-signature"] = standard_webhooks_signature(secret, webhook_id, timestamp, raw)
    return SignedWebhook(scheme, webhook_id, object_id, event_type, headers, raw)
