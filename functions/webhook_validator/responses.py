"""API Gateway proxy responses: JSON bodies that never echo the payload, headers or secrets."""

from __future__ import annotations

import json
from typing import Any

_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}


def json_response(status_code: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status_code,
        "headers": dict(_HEADERS),
        "body": json.dumps(body, separators=(",", ":")),
    }


def accepted(webhook_id: str) -> dict[str, Any]:
    return json_response(200, {"webhook_id": webhook_id, "status": "accepted"})


def duplicate() -> dict[str, Any]:
    return json_response(200, {"status": "duplicate"})


def error(status_code: int, message: str) -> dict[str, Any]:
    return json_response(status_code, {"error": message})
