"""Signing keys from Secrets Manager, cached in memory for at most five minutes.

The secret string is JSON mapping scheme to the list of active secrets, several during rotation:
`{"stripe": ["whsec_..."], "standard_webhooks": ["whsec_<base64>"]}`. A scheme whose list is missing or empty
(or holds no usable secret) is not accepted. Secret values never leave this module except as HMAC key bytes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

from payhooks_shared.jsonlog import get_logger
from webhook_validator.signatures import STANDARD_WEBHOOKS, STRIPE, standard_webhooks_key, stripe_key

CACHE_TTL_SECONDS = 300.0

logger = get_logger("webhook_validator.signing_secrets")

_KEY_DERIVATIONS: Mapping[str, Callable[[str], bytes]] = {
    STRIPE: stripe_key,
    STANDARD_WEBHOOKS: standard_webhooks_key,
}


class SecretFormatError(Exception):
    """The secret string is not the documented JSON document."""


def parse_signing_keys(secret_string: str) -> dict[str, tuple[bytes, ...]]:
    """HMAC keys by scheme; unusable entries are dropped (counted in the log, values never shown)."""
    try:
        document = json.loads(secret_string)
    except ValueError:
        raise SecretFormatError("signing secret is not JSON") from None
    if not isinstance(document, dict):
        raise SecretFormatError("signing secret is not a JSON object")
    keys: dict[str, tuple[bytes, ...]] = {}
    for scheme, derive in _KEY_DERIVATIONS.items():
        entries = document.get(scheme)
        if not isinstance(entries, list):
            continue
        usable = []
        for entry in entries:
            if not isinstance(entry, str) or not entry:
                continue
            try:
                usable.append(derive(entry))
            except ValueError:
                continue
        if len(usable) != len(entries):
            logger.warning(
                "signing_secret_entries_dropped",
                extra={"scheme": scheme, "dropped": len(entries) - len(usable)},
            )
        if usable:
            keys[scheme] = tuple(usable)
    if not keys:
        logger.error("signing_secret_without_usable_keys")
    return keys


@dataclass
class _Cached:
    arn: str
    fetched_at: float
    keys: dict[str, tuple[bytes, ...]]


class SigningKeyCache:
    """Keys for one secret ARN, fetched at most once per TTL (failures are not cached)."""

    def __init__(
        self, client: Any, ttl_seconds: float = CACHE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._ttl = min(ttl_seconds, CACHE_TTL_SECONDS)
        self._clock = clock
        self._cached: _Cached | None = None

    def get(self, secret_arn: str) -> dict[str, tuple[bytes, ...]]:
        now = self._clock()
        cached = self._cached
        if cached is not None and cached.arn == secret_arn and now - cached.fetched_at < self._ttl:
            return cached.keys
        response = self._client.get_secret_value(SecretId=secret_arn)
        secret_string = response.get("SecretString")
        if not isinstance(secret_string, str):
            raise SecretFormatError("signing secret has no SecretString")
        keys = parse_signing_keys(secret_string)
        self._cached = _Cached(arn=secret_arn, fetched_at=now, keys=keys)
        return keys

    def clear(self) -> None:
        self._cached = None
