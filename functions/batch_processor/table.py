"""Batched DynamoDB access of the processor: one BatchGetItem for statuses, one BatchExecuteStatement to mark.

Marking uses conditional PartiQL statements, `UPDATE ... SET status = PROCESSED WHERE webhook_id = ? AND
status = QUEUED`, in one BatchExecuteStatement call (up to 25): each statement succeeds or fails on its own,
unlike TransactWriteItems, whose single failure would fail the whole batch.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

from payhooks_shared.config import ConfigError
from payhooks_shared.records import PROCESSED, QUEUED

BATCH_GET_LIMIT = 100
BATCH_STATEMENT_LIMIT = 25
UNPROCESSED_KEY_ATTEMPTS = 3
# A statement whose condition no longer holds: another delivery of the same webhook marked it first.
ALREADY_MARKED = "ConditionalCheckFailed"
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_PROJECTION = "webhook_id, #status, provider, event_type, received_at, object_id"


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch_items(client: Any, table_name: str, webhook_ids: Iterable[str]) -> dict[str, Mapping[str, Any]]:
    """Stored metadata by webhook id (the payload is not read). Ids DynamoDB left unprocessed are absent;
    an API error propagates."""
    found: dict[str, Mapping[str, Any]] = {}
    for chunk in _chunks(list(dict.fromkeys(webhook_ids)), BATCH_GET_LIMIT):
        request: dict[str, Any] = {
            table_name: {
                "Keys": [{"webhook_id": {"S": webhook_id}} for webhook_id in chunk],
                "ConsistentRead": True,
                "ProjectionExpression": _PROJECTION,
                "ExpressionAttributeNames": {"#status": "status"},
            }
        }
        for attempt in range(UNPROCESSED_KEY_ATTEMPTS):
            if attempt:
                time.sleep(0.05 * 2**attempt)
            response = client.batch_get_item(RequestItems=request)
            for item in response.get("Responses", {}).get(table_name, []):
                found[item["webhook_id"]["S"]] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
    return found


def mark_statement(table_name: str) -> str:
    if not _TABLE_NAME.fullmatch(table_name):
        raise ConfigError("TABLE_NAME is not a valid DynamoDB table name")
    # A table name cannot be a parameter; the pattern above admits only DynamoDB's table name characters.
    return f'UPDATE "{table_name}" SET "status" = ? WHERE "webhook_id" = ? AND "status" = ?'  # noqa: S608


def mark_processed(client: Any, table_name: str, webhook_ids: Iterable[str]) -> dict[str, str | None]:
    """Error code per webhook id (None when marked, or already marked); an API error propagates."""
    statement = mark_statement(table_name)
    results: dict[str, str | None] = {}
    for chunk in _chunks(list(dict.fromkeys(webhook_ids)), BATCH_STATEMENT_LIMIT):
        response = client.batch_execute_statement(
            Statements=[
                {"Statement": statement, "Parameters": [{"S": PROCESSED}, {"S": webhook_id}, {"S": QUEUED}]}
                for webhook_id in chunk
            ]
        )
        answers = response.get("Responses", [])
        for index, webhook_id in enumerate(chunk):
            answer = answers[index] if index < len(answers) else {"Error": {"Code": "MissingResponse"}}
            code = (answer.get("Error") or {}).get("Code")
            results[webhook_id] = None if code in (None, ALREADY_MARKED) else str(code)
    return results
