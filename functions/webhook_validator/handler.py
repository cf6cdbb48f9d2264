"""Lambda entry point `webhook_validator.handler.lambda_handler` (API Gateway REST proxy integration).

verify signature -> store (conditional PutItem) -> enqueue (SQS FIFO) -> 200. Every failure becomes a JSON
answer: 4xx for bad input (nothing stored or queued), 5xx when a dependency fails (the provider retries);
never a 2xx before the webhook is durably stored and enqueued, now or in an earlier delivery.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from payhooks_shared.clients import client
from payhooks_shared.config import ConfigError, ValidatorConfig
from payhooks_shared.errors import AWS_ERRORS, error_code
from payhooks_shared.jsonlog import get_logger
from payhooks_shared.records import QueuedWebhook
from payhooks_shared.timeutil import elapsed_ms, iso_utc, now_epoch
from payhooks_shared.tracing import span
from webhook_validator import responses
from webhook_validator.request import BadRequest, parse_request
from webhook_validator.signatures import SignatureRejected, detect_scheme, verify
from webhook_validator.signing_secrets import SecretFormatError, SigningKeyCache
from webhook_validator.storage import DependencyFailure, build_item, enqueue, store
from webhook_validator.webhook import InvalidPayload, describe

logger = get_logger("webhook_validator")
dynamodb = client("dynamodb")
sqs = client("sqs")
secretsmanager = client("secretsmanager")
signing_keys = SigningKeyCache(secretsmanager)

_BODY_ERRORS = {"malformed_json": "malformed body", "payload_not_object": "malformed body"}


@dataclass
class Result:
    response: dict[str, Any]
    outcome: str
    log_fields: dict[str, Any] = field(default_factory=dict)


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    with span("webhook_validator") as trace:
        result = handle(event)
        trace.annotate(
            webhook_id=result.log_fields.get("webhook_id"),
            provider=result.log_fields.get("provider"),
            outcome=result.outcome,
        )
    logger.info(
        "webhook_validated",
        extra={
            "request_id": getattr(context, "aws_request_id", None),
            "outcome": result.outcome,
            "status_code": result.response["statusCode"],
            "latency_ms": elapsed_ms(started),
            **result.log_fields,
        },
    )
    return result.response


def handle(event: Any) -> Result:
    """Never raises: an unexpected error is a 500 so the provider retries (and no unhandled 502)."""
    try:
        return process(event, ValidatorConfig.from_env(), now_epoch())
    except ConfigError as error:
        return Result(responses.error(500, "internal error"), "config_error", {"reason": str(error)})
    except Exception:
        logger.exception("webhook_validator_unexpected_error")
        return Result(responses.error(500, "internal error"), "internal_error")


def process(event: Any, config: ValidatorConfig, now: float) -> Result:
    try:
        request = parse_request(event)
    except BadRequest:
        return Result(
            responses.error(400, "malformed request"), "bad_request", {"reason": "undecodable_body"}
        )
    if len(request.body) > config.max_body_bytes:
        return Result(responses.error(413, "body too large"), "too_large", {"body_bytes": len(request.body)})

    try:
        provider = detect_scheme(request.headers)
        keys = signing_keys.get(config.signing_secret_arn)
        verified = verify(request.headers, request.body, keys, now, config.signature_tolerance_seconds)
    except SignatureRejected as rejection:
        return Result(
            responses.error(401, "signature verification failed"),
            "unauthorized",
            {"reason": rejection.reason},
        )
    except (*AWS_ERRORS, SecretFormatError) as error:
        return Result(
            responses.error(500, "signing keys unavailable"),
            "secret_error",
            {"error_code": error_code(error), "provider": provider},
        )

    try:
        webhook = describe(verified, request.body)
    except InvalidPayload as invalid:
        message = _BODY_ERRORS.get(invalid.reason, "missing or invalid id")
        return Result(
            responses.error(400, message), "bad_request", {"reason": invalid.reason, "provider": provider}
        )

    fields: dict[str, Any] = {"webhook_id": webhook.webhook_id, "provider": webhook.provider}
    message = QueuedWebhook(
        webhook_id=webhook.webhook_id,
        provider=webhook.provider,
        event_type=webhook.event_type,
        object_id=webhook.object_id,
        received_at=iso_utc(now),
    )
    try:
        stored = store(dynamodb, config.table_name, build_item(webhook, now, config.retention_days), message)
        if not stored.needs_enqueue:
            return Result(responses.duplicate(), "duplicate_processed", fields)
        enqueue(sqs, config.queue_url, stored.message)
    except DependencyFailure as failure:
        return Result(
            responses.error(500, f"{failure.step} unavailable"),
            f"{failure.step}_error",
            {**fields, "error_code": failure.code},
        )
    if stored.created:
        return Result(responses.accepted(webhook.webhook_id), "accepted", fields)
    return Result(responses.duplicate(), "duplicate_requeued", fields)
