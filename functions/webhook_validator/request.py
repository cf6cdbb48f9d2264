"""Reading an API Gateway REST (proxy integration) event: case-insensitive headers and the raw body bytes."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class BadRequest(Exception):
    """The event cannot be read as an HTTP request (e.g. a body flagged base64 that is not base64)."""


@dataclass(frozen=True)
class Headers:
    """Header values by lower-cased name, from both `headers` and `multiValueHeaders`."""

    values: Mapping[str, tuple[str, ...]]

    def get(self, name: str) -> str | None:
        """The header's value when it is present with exactly one distinct value, else None.

        Two different values for one signature header (repeated header, or names differing only in case)
        are ambiguous, and ambiguity is treated as absence: the request then fails closed.
        """
        distinct = set(self.values.get(name.lower(), ()))
        return distinct.pop() if len(distinct) == 1 else None

    def has(self, name: str) -> bool:
        return bool(self.values.get(name.lower()))


@dataclass(frozen=True)
class RawRequest:
    headers: Headers
    body: bytes


def parse_headers(event: Mapping[str, Any]) -> Headers:
    collected: dict[str, list[str]] = {}
    single = event.get("headers")
    if isinstance(single, Mapping):
        for name, value in single.items():
            if isinstance(name, str) and isinstance(value, str):
                collected.setdefault(name.lower(), []).append(value)
    multi = event.get("multiValueHeaders")
    if isinstance(multi, Mapping):
        for name, values in multi.items():
            if isinstance(name, str) and isinstance(values, (list, tuple)):
                collected.setdefault(name.lower(), []).extend(v for v in values if isinstance(v, str))
    return Headers({name: tuple(values) for name, values in collected.items()})


def parse_body(event: Mapping[str, Any]) -> bytes:
    """The exact bytes the provider sent (API Gateway base64-encodes binary media types)."""
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise BadRequest("body is not a string")
    try:
        if event.get("isBase64Encoded") is True:
            return base64.b64decode(body, validate=True)
        return body.encode("utf-8")
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise BadRequest("body cannot be decoded") from None


def parse_request(event: Any) -> RawRequest:
    if not isinstance(event, Mapping):
        raise BadRequest("event is not an object")
    return RawRequest(headers=parse_headers(event), body=parse_body(event))
