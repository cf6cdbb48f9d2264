"""Storage, enqueue, duplicates, injected AWS failures and the API budget of the validator."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from fn_testkit import (
    failing,
    response_json,
    signed_standard_event,
    signed_stripe_event,
    standard_payload,
    stripe_payload,
    validator,
)
from payhooks_tools.api_calls import recording
from webhook_validator.storage import fifo_safe_id

STRIPE_ID = "evt_3PqRsT2eZvKYlo2C1a2b3c4d"


def invoke(event, context):
    response = validator.lambda_handler(event, context)
    return response["statusCode"], response_json(response)


def test_new_webhook_is_stored_with_the_contract_item(stack, lambda_context):
    # GIVEN a signed Stripe event
    before = int(time.time())
    # WHEN it is delivered
    invoke(signed_stripe_event(), lambda_context)
    # THEN the item holds exactly the contract attributes (plus the ordering key), status QUEUED
    item = stack.item(STRIPE_ID)
    assert set(item) == {
        "webhook_id",
        "expiry_time",
        "status",
        "received_at",
        "provider",
        "event_type",
        "payload",
        "object_id",
    }
    assert item["status"] == {"S": "QUEUED"}
    assert item["provider"] == {"S": "stripe"}
    assert item["event_type"] == {"S": "payment_intent.succeeded"}
    assert item["object_id"] == {"S": "pi_3PqRsT2eZvKYlo2C0xYz1234"}
    assert json.loads(item["payload"]["S"]) == stripe_payload()
    assert item["received_at"]["S"].endswith("Z") and item["received_at"]["S"][:4] == time.strftime("%Y")
    expiry = int(item["expiry_time"]["N"])
    assert before + 30 * 86400 <= expiry <= int(time.time()) + 30 * 86400


def test_retention_days_sets_the_expiry(stack, lambda_context, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "7")
    invoke(signed_stripe_event(), lambda_context)
    expiry = int(stack.item(STRIPE_ID)["expiry_time"]["N"])
    assert abs(expiry - (time.time() + 7 * 86400)) < 5


def test_new_webhook_is_enqueued_with_object_group_and_webhook_dedup_id(stack, lambda_context):
    invoke(signed_stripe_event(), lambda_context)
    [message] = stack.receive_queued()
    assert message["Attributes"]["MessageGroupId"] == "pi_3PqRsT2eZvKYlo2C0xYz1234"
    assert message["Attributes"]["MessageDeduplicationId"] == STRIPE_ID
    body = json.loads(message["Body"])
    assert body["webhook_id"] == STRIPE_ID
    assert "payload" not in body and "data" not in body


def test_standard_webhooks_group_is_data_id(stack, lambda_context):
    invoke(signed_standard_event(webhook_id="msg_1"), lambda_context)
    [message] = stack.receive_queued()
    assert message["Attributes"]["MessageGroupId"] == "inv_01JDX9Q7W3M4N5P6R7S8T9V0W1"
    assert message["Attributes"]["MessageDeduplicationId"] == "msg_1"


@pytest.mark.parametrize("scheme", ["stripe", "standard_webhooks"])
def test_without_ordering_key_the_webhook_id_is_the_group(stack, lambda_context, scheme):
    if scheme == "stripe":
        invoke(signed_stripe_event(stripe_payload(data={"object": {"amount": 1}})), lambda_context)
        expected = STRIPE_ID
    else:
        invoke(
            signed_standard_event(standard_payload(data={"amount": 1}), webhook_id="msg_2"), lambda_context
        )
        expected = "msg_2"
    [message] = stack.receive_queued()
    assert message["Attributes"]["MessageGroupId"] == expected
    assert "object_id" not in stack.item(expected)


def test_unsafe_object_and_webhook_ids_are_hashed_for_sqs(stack, lambda_context):
    # GIVEN ids with characters SQS does not allow in group / deduplication ids
    object_id = "obj with spaces é"
    webhook_id = "msg ünïcode"
    invoke(
        signed_standard_event(standard_payload(data={"id": object_id}), webhook_id=webhook_id), lambda_context
    )
    [message] = stack.receive_queued()
    assert message["Attributes"]["MessageGroupId"] == hashlib.sha256(object_id.encode()).hexdigest()
    assert message["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(webhook_id.encode()).hexdigest()
    # AND the item keeps the real id
    assert stack.item(webhook_id)["status"] == {"S": "QUEUED"}


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("pi_123", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", True),
        ("with space", False),
        ("tab\t", False),
        ("ümlaut", False),
        ("", False),
    ],
)
def test_fifo_safe_id(value, kept):
    result = fifo_safe_id(value)
    assert (result == value) is kept
    assert 1 <= len(result) <= 128


# ---- duplicates -----------------------------------------------------------------------------------


def test_redelivery_of_a_queued_webhook_re_enqueues_without_overwriting(stack, lambda_context):
    # GIVEN a stored, not yet processed webhook whose queue message is gone (e.g. consumed and lost)
    invoke(signed_stripe_event(), lambda_context)
    stored = stack.item(STRIPE_ID)
    stack.receive_queued()
    # WHEN the provider delivers it again with a different body (same id)
    changed = stripe_payload(type="payment_intent.updated")
    status, answer = invoke(signed_stripe_event(changed), lambda_context)
    # THEN the answer is duplicate, the first item is untouched and the webhook is enqueued again
    assert (status, answer) == (200, {"status": "duplicate"})
    assert stack.item(STRIPE_ID) == stored
    [message] = stack.receive_queued()
    assert message["Attributes"]["MessageDeduplicationId"] == STRIPE_ID
    assert json.loads(message["Body"])["event_type"] == "payment_intent.succeeded"


def test_redelivery_of_a_processed_webhook_has_no_side_effects(stack, lambda_context):
    # GIVEN a processed webhook
    invoke(signed_stripe_event(), lambda_context)
    stack.receive_queued()
    stack.set_status(STRIPE_ID, "PROCESSED")
    stored = stack.item(STRIPE_ID)
    # WHEN it is delivered again
    with recording(validator.dynamodb, validator.sqs) as calls:
        status, answer = invoke(signed_stripe_event(), lambda_context)
    # THEN duplicate, one conditional PutItem and nothing else
    assert (status, answer) == (200, {"status": "duplicate"})
    assert calls.calls == [("dynamodb", "PutItem")]
    assert stack.item(STRIPE_ID) == stored
    assert stack.receive_queued() == []


# ---- API budget -----------------------------------------------------------------------------------


def test_new_webhook_costs_two_api_calls_once_the_secret_is_cached(stack, lambda_context):
    # GIVEN the signing keys are cached
    invoke(signed_stripe_event(stripe_payload(id="evt_warmup")), lambda_context)
    clients = (validator.dynamodb, validator.sqs, validator.secretsmanager)
    # WHEN a new webhook arrives
    with recording(*clients) as calls:
        assert invoke(signed_stripe_event(), lambda_context)[0] == 200
    # THEN exactly PutItem + SendMessage
    assert calls.calls == [("dynamodb", "PutItem"), ("sqs", "SendMessage")]


def test_cold_secret_costs_one_more_call(stack, lambda_context):
    clients = (validator.dynamodb, validator.sqs, validator.secretsmanager)
    with recording(*clients) as calls:
        invoke(signed_stripe_event(), lambda_context)
    assert calls.by_operation() == {
        "secretsmanager:GetSecretValue": 1,
        "dynamodb:PutItem": 1,
        "sqs:SendMessage": 1,
    }


def test_queued_duplicate_costs_two_calls(stack, lambda_context):
    invoke(signed_stripe_event(), lambda_context)
    with recording(validator.dynamodb, validator.sqs, validator.secretsmanager) as calls:
        invoke(signed_stripe_event(), lambda_context)
    assert calls.calls == [("dynamodb", "PutItem"), ("sqs", "SendMessage")]


# ---- injected failures and the provider's retry ---------------------------------------------------


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "InternalServerError", "AccessDenied"]
)
def test_put_item_failure_is_a_500_then_the_retry_succeeds(stack, lambda_context, code):
    # GIVEN DynamoDB fails the first PutItem
    event = signed_stripe_event()
    with failing(validator.dynamodb, "PutItem", code, times=1):
        first = invoke(event, lambda_context)
    # THEN a 5xx JSON answer, nothing stored, nothing queued
    assert first == (500, {"error": "store unavailable"})
    assert stack.items() == []
    assert stack.receive_queued() == []
    # WHEN the provider retries THEN it is accepted, stored and queued once
    assert invoke(event, lambda_context) == (200, {"webhook_id": STRIPE_ID, "status": "accepted"})
    assert len(stack.receive_queued()) == 1


def test_send_message_failure_leaves_the_item_queued_and_the_retry_enqueues(stack, lambda_context):
    # GIVEN SQS fails after the item was stored
    event = signed_stripe_event()
    with failing(validator.sqs, "SendMessage", "AWS.SimpleQueueService.ServiceUnavailable", times=1):
        first = invoke(event, lambda_context)
    # THEN a 5xx (no 2xx before enqueue), the item stays QUEUED and nothing is on the queue
    assert first == (500, {"error": "enqueue unavailable"})
    assert stack.item(STRIPE_ID)["status"] == {"S": "QUEUED"}
    assert stack.receive_queued() == []
    # WHEN the provider retries THEN the stored webhook is enqueued (answer: duplicate of the stored one)
    assert invoke(event, lambda_context) == (200, {"status": "duplicate"})
    [message] = stack.receive_queued()
    assert json.loads(message["Body"])["webhook_id"] == STRIPE_ID


def test_send_message_failure_on_a_redelivery_is_a_500(stack, lambda_context):
    event = signed_stripe_event()
    invoke(event, lambda_context)
    stack.receive_queued()
    with failing(validator.sqs, "SendMessage", "InternalError"):
        assert invoke(event, lambda_context) == (500, {"error": "enqueue unavailable"})


def test_secrets_manager_failure_is_a_500_then_the_retry_succeeds(stack, lambda_context):
    event = signed_stripe_event()
    with failing(validator.secretsmanager, "GetSecretValue", "InternalServiceError", times=1):
        assert invoke(event, lambda_context) == (500, {"error": "signing keys unavailable"})
    assert stack.items() == []
    assert invoke(event, lambda_context)[0] == 200


def test_connection_errors_are_5xx_too(stack, lambda_context):
    from botocore.exceptions import EndpointConnectionError

    def unreachable(**_):
        raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    validator.dynamodb.meta.events.register(
        "before-call.dynamodb.PutItem", unreachable, unique_id="unreachable"
    )
    try:
        assert invoke(signed_stripe_event(), lambda_context) == (500, {"error": "store unavailable"})
    finally:
        validator.dynamodb.meta.events.unregister("before-call.dynamodb.PutItem", unique_id="unreachable")


def test_unexpected_exception_is_a_json_500_not_an_unhandled_error(stack, lambda_context):
    def broken(**_):
        raise RuntimeError("bug")

    validator.sqs.meta.events.register("before-call.sqs.SendMessage", broken, unique_id="broken")
    try:
        assert invoke(signed_stripe_event(), lambda_context) == (500, {"error": "internal error"})
    finally:
        validator.sqs.meta.events.unregister("before-call.sqs.SendMessage", unique_id="broken")
