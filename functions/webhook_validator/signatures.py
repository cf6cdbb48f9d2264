"""Signature verification for the two supported schemes, over the exact raw body bytes.

- `stripe`: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 keyed with the secret string
  as-is (UTF-8, `whsec_` prefix included) over `"{t}.{body}"`.
- `standard_webhooks`: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> [v1,<base64> ...]`,
  HMAC-SHA256 keyed with the base64-decoded secret (after stripping `whsec_`) over
  `"{id}.{timestamp}.{body}"`.

A request is valid when any presented signature matches any active key (several keys during rotation) and its
timestamp is within the tolerance in either direction (replays and far-future timestamps are rejected).
Digests are compared with `hmac.compare_digest`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from webhook_validator.request import Headers

STRIPE = "stripe"
STANDARD_WEBHOOKS = "standard_webhooks"
SCHEMES = (STRIPE, STANDARD_WEBHOOKS)

STRIPE_SIGNATURE_HEADER = "stripe-signature"
WEBHOOK_ID_HEADER = "webhook-id"
WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp"
WEBHOOK_SIGNATURE_HEADER = "webhook-signature"

# Unix seconds stay below 12 digits for millennia; the cap keeps int() away from huge inputs.
_MAX_TIMESTAMP_DIGITS = 12
_SECRET_PREFIX = "whsec_"  # noqa: S105  (a format prefix, not a secret)


class SignatureRejected(Exception):
    """The request is not authenticated; `reason` is a short, log-safe code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Verified:
    provider: str
    header_webhook_id: str | None = None


def stripe_key(secret: str) -> bytes:
    return secret.encode("utf-8")


def standard_webhooks_key(secret: str) -> bytes:
    """Key of a Standard Webhooks secret: the base64 after `whsec_`, decoded (ValueError if not base64)."""
    encoded = secret[len(_SECRET_PREFIX) :] if secret.startswith(_SECRET_PREFIX) else secret
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("secret is not base64 after the whsec_ prefix") from None
    if not key:
        raise ValueError("secret decodes to an empty key")
    return key


def detect_scheme(headers: Headers) -> str:
    has_stripe = headers.has(STRIPE_SIGNATURE_HEADER)
    has_standard = headers.has(WEBHOOK_SIGNATURE_HEADER)
    if has_stripe and has_standard:
        raise SignatureRejected("ambiguous_signature_headers")
    if has_stripe:
        return STRIPE
    if has_standard:
        return STANDARD_WEBHOOKS
    raise SignatureRejected("missing_signature")


def parse_timestamp(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > _MAX_TIMESTAMP_DIGITS:
        raise SignatureRejected("malformed_timestamp")
    return int(raw)


def check_freshness(timestamp: int, now: float, tolerance_seconds: int) -> None:
    if abs(now - timestamp) > tolerance_seconds:
        raise SignatureRejected("stale_timestamp")


def matches_any(message: bytes, keys: Iterable[bytes], candidates: Sequence[bytes]) -> bool:
    matched = False
    for key in keys:
        expected = hmac.new(key, message, hashlib.sha256).digest()
        for candidate in candidates:
            matched |= hmac.compare_digest(expected, candidate)
    return matched


def parse_stripe_header(value: str) -> tuple[str, list[bytes]]:
    timestamps: list[str] = []
    signatures: list[bytes] = []
    for item in value.split(","):
        name, _, item_value = item.strip().partition("=")
        if name == "t":
            timestamps.append(item_value)
        elif name == "v1":
            try:
                signatures.append(bytes.fromhex(item_value))
            except ValueError:
                continue
    if len(timestamps) != 1 or not signatures:
        raise SignatureRejected("malformed_signature_header")
    return timestamps[0], signatures


def verify_stripe(
    headers: Headers, body: bytes, keys: Sequence[bytes], now: float, tolerance: int
) -> Verified:
    value = headers.get(STRIPE_SIGNATURE_HEADER)
    if value is None:
        raise SignatureRejected("malformed_signature_header")
    raw_timestamp, signatures = parse_stripe_header(value)
    check_freshness(parse_timestamp(raw_timestamp), now, tolerance)
    if not matches_any(raw_timestamp.encode("ascii") + b"." + body, keys, signatures):
        raise SignatureRejected("invalid_signature")
    return Verified(provider=STRIPE)


def parse_standard_signatures(value: str) -> list[bytes]:
    signatures = []
    for entry in value.split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue
        try:
            signatures.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    if not signatures:
        raise SignatureRejected("malformed_signature_header")
    return signatures


def verify_standard_webhooks(
    headers: Headers, body: bytes, keys: Sequence[bytes], now: float, tolerance: int
) -> Verified:
    webhook_id = headers.get(WEBHOOK_ID_HEADER)
    raw_timestamp = headers.get(WEBHOOK_TIMESTAMP_HEADER)
    value = headers.get(WEBHOOK_SIGNATURE_HEADER)
    if not webhook_id or raw_timestamp is None or value is None:
        raise SignatureRejected("malformed_signature_header")
    signatures = parse_standard_signatures(value)
    check_freshness(parse_timestamp(raw_timestamp), now, tolerance)
    try:
        encoded_id = webhook_id.encode("utf-8")
    except UnicodeEncodeError:
        raise SignatureRejected("malformed_signature_header") from None
    message = encoded_id + b"." + raw_timestamp.encode("ascii") + b"." + body
    if not matches_any(message, keys, signatures):
        raise SignatureRejected("invalid_signature")
    return Verified(provider=STANDARD_WEBHOOKS, header_webhook_id=webhook_id)


def verify(
    headers: Headers, body: bytes, keys_by_scheme: Mapping[str, Sequence[bytes]], now: float, tolerance: int
) -> Verified:
    """Authenticate the request with the scheme its headers name, or raise SignatureRejected."""
    scheme = detect_scheme(headers)
    keys = keys_by_scheme.get(scheme)
    if not keys:
        raise SignatureRejected("scheme_not_configured")
    if scheme == STRIPE:
        return verify_stripe(headers, body, keys, now, tolerance)
    return verify_standard_webhooks(headers, body, keys, now, tolerance)
