"""Structured logs (one JSON line per event, no payload/secret/signature leaks) and X-Ray tracing."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import tempfile

import pytest
from aws_xray_sdk import global_sdk_config
from aws_xray_sdk.core import xray_recorder
from batch_processor import handler as processor
from fn_testkit import (
    ALL_SECRETS,
    STANDARD_KEY,
    STANDARD_OLD_KEY,
    apigw_event,
    failing,
    signed_standard_event,
    signed_stripe_event,
    sqs_records,
    standard_headers,
    stripe_headers,
    stripe_payload,
    to_bytes,
    validator,
)
from payhooks_shared.tracing import span

PAYLOAD_MARKERS = (
    "card ending 4242",
    "cus_QhZ8nT1hPp3sLk",
    "jane.doe@example.com",
    "billing_email",
    "order_id",
)


def log_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def secret_fragments() -> list[str]:
    fragments = list(ALL_SECRETS)
    fragments += [secret.removeprefix("whsec_") for secret in ALL_SECRETS]
    fragments += [base64.b64encode(key).decode() for key in (STANDARD_KEY, STANDARD_OLD_KEY)]
    fragments += [key.decode() for key in (STANDARD_KEY, STANDARD_OLD_KEY)]
    return fragments


def test_logs_carry_metadata_and_never_payload_secrets_or_signatures(stack, lambda_context, capsys):
    # GIVEN a mix of deliveries: accepted, duplicate, tampered, malformed, failing storage; then processing
    stripe_event = signed_stripe_event()
    standard_event = signed_standard_event()
    signature_values = [
        stripe_event["headers"]["Stripe-Signature"],
        standard_event["headers"]["webhook-signature"],
    ]
    tampered = signed_stripe_event(stripe_payload(id="evt_tampered"))
    tampered["body"] = tampered["body"].replace("2000", "1")
    malformed_body = b'{"card": "card ending 4242"'
    malformed = apigw_event(malformed_body, stripe_headers(malformed_body))
    validator.lambda_handler(stripe_event, lambda_context)
    validator.lambda_handler(stripe_event, lambda_context)
    validator.lambda_handler(standard_event, lambda_context)
    validator.lambda_handler(tampered, lambda_context)
    validator.lambda_handler(malformed, lambda_context)
    with failing(validator.dynamodb, "PutItem"):
        validator.lambda_handler(signed_stripe_event(stripe_payload(id="evt_down")), lambda_context)
    processor.lambda_handler({"Records": sqs_records(stack.receive_queued())}, lambda_context)
    # WHEN the log output is read
    raw = capsys.readouterr().out
    lines = [json.loads(line) for line in raw.splitlines()]
    # THEN every line is one JSON event with request id, outcome and latency
    validated = [line for line in lines if line["event"] == "webhook_validated"]
    processed = [line for line in lines if line["event"] == "webhook_processed"]
    assert [line["outcome"] for line in validated] == [
        "accepted",
        "duplicate_requeued",
        "accepted",
        "unauthorized",
        "bad_request",
        "store_error",
    ]
    assert [line["outcome"] for line in processed] == ["processed", "processed"]
    for line in validated + processed:
        assert line["request_id"] == lambda_context.aws_request_id
        assert isinstance(line["latency_ms"], float)
        assert {"outcome", "timestamp", "level"} <= set(line)
    assert validated[0]["webhook_id"] == "evt_3PqRsT2eZvKYlo2C1a2b3c4d"
    assert validated[0]["provider"] == "stripe"
    assert validated[2]["provider"] == "standard_webhooks"
    assert {line["provider"] for line in processed} == {"stripe", "standard_webhooks"}
    # AND nothing from payloads, secrets or signature headers appears anywhere
    forbidden = [*PAYLOAD_MARKERS, *secret_fragments(), *signature_values]
    forbidden += [value.split("v1=")[1][:16] for value in signature_values if "v1=" in value]
    leaks = [fragment for fragment in forbidden if fragment in raw]
    assert leaks == []


def test_unexpected_errors_are_logged_without_their_message(stack, lambda_context, capsys):
    # GIVEN an unexpected exception whose message quotes payload content
    def broken(**_):
        raise RuntimeError("boom: card ending 4242")

    validator.sqs.meta.events.register("before-call.sqs.SendMessage", broken, unique_id="broken")
    try:
        validator.lambda_handler(signed_stripe_event(), lambda_context)
    finally:
        validator.sqs.meta.events.unregister("before-call.sqs.SendMessage", unique_id="broken")
    raw = capsys.readouterr().out
    # THEN the type and code location are logged, not the message
    error_line = next(json.loads(line) for line in raw.splitlines() if "unexpected_error" in line)
    assert error_line["error_type"] == "RuntimeError"
    assert error_line["error_at"]
    assert "card ending" not in raw


def test_processor_logs_one_line_per_message_and_a_batch_summary(stack, lambda_context, capsys):
    validator.lambda_handler(signed_stripe_event(), lambda_context)
    records = sqs_records(stack.receive_queued())
    capsys.readouterr()
    processor.lambda_handler({"Records": records}, lambda_context)
    lines = log_lines(capsys)
    assert [line["event"] for line in lines] == ["webhook_processed", "batch_processed"]
    assert lines[0]["webhook_id"] == "evt_3PqRsT2eZvKYlo2C1a2b3c4d"
    assert lines[1]["batch_size"] == 1 and lines[1]["failures"] == 0


# ---- X-Ray ----------------------------------------------------------------------------------------


class CapturingEmitter:
    def __init__(self) -> None:
        self.entities: list = []

    def send_entity(self, entity) -> None:
        self.entities.append(entity)

    def set_daemon_address(self, address) -> None:
        pass

    @property
    def ip(self):
        return "127.0.0.1"

    @property
    def port(self):
        return 2000


@pytest.fixture
def tracing_segment(monkeypatch):
    """An active, sampled X-Ray segment with a capturing emitter (as the Lambda runtime would provide)."""
    global_sdk_config.set_sdk_enabled(True)
    monkeypatch.setattr(xray_recorder, "_emitter", CapturingEmitter())
    segment = xray_recorder.begin_segment("payhooks-test", sampling=1)
    try:
        yield segment
    finally:
        xray_recorder.end_segment()
        xray_recorder.clear_trace_entities()
        global_sdk_config.set_sdk_enabled(False)


def test_validator_annotates_its_subsegment_and_records_boto3_calls(stack, lambda_context, tracing_segment):
    validator.lambda_handler(signed_stripe_event(), lambda_context)
    [subsegment] = [s for s in tracing_segment.subsegments if s.name == "webhook_validator"]
    assert subsegment.annotations == {
        "webhook_id": "evt_3PqRsT2eZvKYlo2C1a2b3c4d",
        "provider": "stripe",
        "outcome": "accepted",
    }
    aws_calls = [(s.name, s.aws.get("operation")) for s in subsegment.subsegments]
    assert ("dynamodb", "PutItem") in aws_calls
    assert ("sqs", "SendMessage") in aws_calls


def test_processor_annotates_each_webhook(stack, lambda_context, tracing_segment):
    validator.lambda_handler(signed_stripe_event(), lambda_context)
    records = sqs_records(stack.receive_queued())
    processor.lambda_handler({"Records": records}, lambda_context)
    [batch] = [s for s in tracing_segment.subsegments if s.name == "batch_processor"]
    assert batch.annotations == {"outcome": "ok", "batch_size": 1, "failures": 0}
    webhooks = [s.annotations for s in batch.subsegments if s.name == "webhook"]
    assert webhooks == [
        {"webhook_id": "evt_3PqRsT2eZvKYlo2C1a2b3c4d", "provider": "stripe", "outcome": "processed"}
    ]
    assert {s.name for s in batch.subsegments} >= {"dynamodb", "sns"}


def test_annotations_never_hold_payload_content(stack, lambda_context, tracing_segment):
    validator.lambda_handler(signed_stripe_event(), lambda_context)
    serialized = tracing_segment.serialize()
    assert not any(marker in serialized for marker in PAYLOAD_MARKERS)
    assert not any(fragment in serialized for fragment in secret_fragments())


def test_no_segment_and_no_daemon_is_silent(stack, lambda_context, caplog):
    # GIVEN no segment (tests, local runs) WHEN both handlers run THEN the X-Ray SDK logs nothing
    caplog.set_level(logging.DEBUG, logger="aws_xray_sdk")
    validator.lambda_handler(signed_stripe_event(), lambda_context)
    processor.lambda_handler({"Records": sqs_records(stack.receive_queued())}, lambda_context)
    assert [
        r for r in caplog.records if r.name.startswith("aws_xray_sdk") and r.levelno >= logging.WARNING
    ] == []


def test_span_without_segment_is_inert_even_with_the_sdk_enabled(caplog):
    global_sdk_config.set_sdk_enabled(True)
    try:
        with span("anything") as trace:
            trace.annotate(webhook_id="evt_1", outcome="ok")
    finally:
        global_sdk_config.set_sdk_enabled(False)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_long_annotation_values_are_truncated(stack, lambda_context, tracing_segment):
    body = to_bytes({"type": "t", "data": {"id": "o"}})
    long_id = "msg_" + "x" * 600
    validator.lambda_handler(apigw_event(body, standard_headers(body, webhook_id=long_id)), lambda_context)
    [subsegment] = [s for s in tracing_segment.subsegments if s.name == "webhook_validator"]
    assert subsegment.annotations["webhook_id"] == long_id[:250]


LAMBDA_PROBE = """
import json
from aws_xray_sdk.core import xray_recorder
from webhook_validator import handler

class Emitter:
    def __init__(self):
        self.sent = []
    def send_entity(self, entity):
        self.sent.append(entity.to_dict())
    def set_daemon_address(self, address):
        pass

emitter = Emitter()
xray_recorder._emitter = emitter
response = handler.lambda_handler({"headers": {}, "body": "{}"}, None)
print(json.dumps({
    "status": response["statusCode"],
    "context": type(xray_recorder.context).__name__,
    "sent": [[entity["name"], entity.get("annotations", {})] for entity in emitter.sent],
}))
"""


def test_inside_lambda_the_runtime_segment_receives_the_annotated_subsegment():
    # GIVEN a fresh interpreter with the Lambda runtime's environment and an active, sampled trace
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.pathsep.join(sys.path),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "LAMBDA_TASK_ROOT": tempfile.gettempdir(),
        "AWS_LAMBDA_FUNCTION_NAME": "payhooks-webhook-validator",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        "TABLE_NAME": "payhooks-webhooks",
        "QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/payhooks-webhooks.fifo",
        "SIGNING_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:payhooks-signing",
    }
    # WHEN an unsigned request is handled
    result = subprocess.run(
        [sys.executable, "-c", LAMBDA_PROBE], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    # THEN the Lambda context is used, the subsegment is emitted with its outcome, and nothing is warned
    assert probe["status"] == 401
    assert probe["context"] == "LambdaContext"
    assert probe["sent"] == [["webhook_validator", {"outcome": "unauthorized"}]]
    assert result.stderr == ""
