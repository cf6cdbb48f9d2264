"""Lambda entry point `batch_processor.handler.lambda_handler` (SQS FIFO event source, partial batches).

A batch of up to 10 messages costs three AWS calls: BatchGetItem (statuses), PublishBatch (notifications),
BatchExecuteStatement (conditional marks).

Order: publish first, then mark PROCESSED. A notification is therefore never lost: a message is only
acknowledged once its notification was accepted by SNS and its item marked. The price is a duplicate
notification when the function crashes, times out, or the mark fails after a successful publish: the message
is redelivered, the item is still QUEUED, and the webhook is published again (as after an SDK retry of a
PublishBatch whose response was lost). Subscribers deduplicate on the notification's `webhook_id`.

FIFO: a failed message fails every later message of its group in this batch; other groups go on. Messages
behind a failure are not published. If a publish fails for a message while a later message of the same group
was published in the same PublishBatch call, the later one is still marked PROCESSED but reported as failed:
its redelivery finds it PROCESSED and is acknowledged without a second notification.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from batch_processor.messages import GroupFailures, QueueMessage, parse_record
from batch_processor.notifications import Notification, build_notification, publish
from batch_processor.table import fetch_items, mark_processed
from payhooks_shared.clients import client
from payhooks_shared.config import ConfigError, ProcessorConfig
from payhooks_shared.errors import AWS_ERRORS, error_code
from payhooks_shared.jsonlog import get_logger
from payhooks_shared.records import PROCESSED, QUEUED, string_attribute
from payhooks_shared.timeutil import elapsed_ms, iso_utc, now_epoch
from payhooks_shared.tracing import span

logger = get_logger("batch_processor")
dynamodb = client("dynamodb")
sns = client("sns")


@dataclass
class BatchResult:
    messages: list[QueueMessage]
    failures: GroupFailures
    outcomes: dict[str, str]
    providers: dict[str, str | None]

    def response(self) -> dict[str, Any]:
        return {"batchItemFailures": self.failures.batch_item_failures()}


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    request_id = getattr(context, "aws_request_id", None)
    records = event.get("Records") if isinstance(event, Mapping) else None
    messages = (
        [parse_record(r) for r in records if isinstance(r, Mapping)] if isinstance(records, list) else []
    )
    with span("batch_processor") as trace:
        result = handle(messages)
        reasons = result.failures.final_reasons()
        for message in messages:
            reason = reasons.get(message.message_id)
            outcome = "failed" if reason else result.outcomes.get(message.message_id, "unknown")
            provider = result.providers.get(message.message_id)
            with span("webhook") as message_trace:
                message_trace.annotate(webhook_id=message.webhook_id, provider=provider, outcome=outcome)
            logger.info(
                "webhook_processed",
                extra={
                    "request_id": request_id,
                    "message_id": message.message_id,
                    "webhook_id": message.webhook_id,
                    "provider": provider,
                    "outcome": outcome,
                    "reason": reason,
                    "latency_ms": elapsed_ms(started),
                },
            )
        batch_outcome = "partial_failure" if reasons else "ok"
        trace.annotate(outcome=batch_outcome, batch_size=len(messages), failures=len(reasons))
    logger.info(
        "batch_processed",
        extra={
            "request_id": request_id,
            "outcome": batch_outcome,
            "batch_size": len(messages),
            "failures": len(reasons),
            "latency_ms": elapsed_ms(started),
        },
    )
    return result.response()


def handle(messages: list[QueueMessage]) -> BatchResult:
    """Never raises: an unexpected error fails every message of the batch (redelivered, never dropped)."""
    result = BatchResult(messages, GroupFailures(messages), {}, {})
    try:
        process(result, ProcessorConfig.from_env(), now_epoch())
    except ConfigError as error:
        logger.error("batch_processor_config_error", extra={"reason": str(error)})
        fail_all(result, "config_error")
    except Exception:
        logger.exception("batch_processor_unexpected_error")
        fail_all(result, "internal_error")
    return result


def fail_all(result: BatchResult, reason: str) -> None:
    """Fail every message not yet known to be done (published and marked, or already processed)."""
    for message in result.messages:
        if result.outcomes.get(message.message_id) not in ("processed", "already_processed"):
            result.failures.fail(message, reason)


def process(result: BatchResult, config: ProcessorConfig, now: float) -> None:
    failures = result.failures
    for message in result.messages:
        if not message.readable:
            failures.fail(message, "malformed_message")

    readable = failures.pending()
    try:
        items = fetch_items(dynamodb, config.table_name, [m.webhook_id for m in readable if m.webhook_id])
    except AWS_ERRORS as error:
        for message in readable:
            failures.fail(message, f"read_failed:{error_code(error)}")
        return

    to_publish: dict[str, Notification] = {}
    processed_at = iso_utc(now)
    for message in failures.pending():
        if failures.blocked(message):
            continue
        webhook_id = message.webhook_id or ""
        item = items.get(webhook_id)
        if item is None:
            failures.fail(message, "item_not_found")
            continue
        result.providers[message.message_id] = string_attribute(item, "provider")
        status = string_attribute(item, "status")
        if status == PROCESSED:
            result.outcomes[message.message_id] = "already_processed"
        elif status != QUEUED:
            failures.fail(message, "unexpected_status")
        elif webhook_id in to_publish:
            result.outcomes[message.message_id] = "duplicate_in_batch"
        else:
            to_publish[webhook_id] = build_notification(webhook_id, item, processed_at)

    published = publish_and_mark(config, list(to_publish.values()))
    for message in failures.pending():
        webhook_id = message.webhook_id or ""
        if webhook_id not in to_publish:
            continue
        error = published.get(webhook_id)
        if error is None:
            result.outcomes.setdefault(message.message_id, "processed")
        else:
            failures.fail(message, error)


def publish_and_mark(config: ProcessorConfig, notifications: list[Notification]) -> dict[str, str | None]:
    """Failure reason per webhook id (None when published and marked). Publish strictly before mark."""
    if not notifications:
        return {}
    try:
        published = publish(sns, config.topic_arn, notifications)
    except AWS_ERRORS as error:
        return {n.webhook_id: f"publish_failed:{error_code(error)}" for n in notifications}
    outcome: dict[str, str | None] = {
        webhook_id: f"publish_failed:{code}" for webhook_id, code in published.items() if code is not None
    }
    to_mark = [webhook_id for webhook_id, code in published.items() if code is None]
    if not to_mark:
        return outcome
    try:
        marked = mark_processed(dynamodb, config.table_name, to_mark)
    except AWS_ERRORS as error:
        outcome.update({webhook_id: f"mark_failed:{error_code(error)}" for webhook_id in to_mark})
        return outcome
    for webhook_id in to_mark:
        code = marked.get(webhook_id, "MissingResult")
        outcome[webhook_id] = None if code is None else f"mark_failed:{code}"
    return outcome
