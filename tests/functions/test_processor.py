"""Batch processor: notifications, FIFO group failure semantics, injected failures and retries, API budget."""

from __future__ import annotations

import json

import pytest
from batch_processor import handler as processor
from batch_processor.messages import GroupFailures, QueueMessage
from fn_testkit import (
    failed_ids,
    failing,
    failing_publish_entries,
    failing_statements,
    signed_stripe_event,
    sqs_records,
    stripe_payload,
    synthetic_record,
    validator,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from payhooks_tools.api_calls import recording

NOTIFICATION_KEYS = {"webhook_id", "provider", "event_type", "object_id", "received_at", "processed_at"}


def deliver(stack, context, *specs: tuple[str, str]) -> list[dict]:
    """Deliver Stripe webhooks (webhook id, object id) through the validator; return their SQS records."""
    for webhook_id, object_id in specs:
        payload = stripe_payload(id=webhook_id, data={"object": {"id": object_id, "amount": 1}})
        assert validator.lambda_handler(signed_stripe_event(payload), context)["statusCode"] == 200
    records = sqs_records(stack.receive_queued())
    by_webhook = {json.loads(r["body"])["webhook_id"]: r for r in records}
    return [by_webhook[webhook_id] for webhook_id, _ in specs]


def published_ids(stack) -> list[str]:
    return [json.loads(n["Body"])["webhook_id"] for n in stack.notifications()]


def status(stack, webhook_id: str) -> str:
    return stack.item(webhook_id)["status"]["S"]


def run(records, context):
    return processor.lambda_handler({"Records": records}, context)


# ---- happy path and budget ------------------------------------------------------------------------


def test_batch_of_ten_new_messages_costs_three_calls_and_publishes_each_once(stack, lambda_context):
    # GIVEN ten new webhooks on the queue, spread over three business objects
    records = deliver(stack, lambda_context, *[(f"evt_{i}", f"pi_{i % 3}") for i in range(10)])
    # WHEN the processor receives them as one batch
    with recording(processor.dynamodb, processor.sns) as calls:
        response = run(records, lambda_context)
    # THEN no failures, three API calls, one notification per webhook, all PROCESSED
    assert response == {"batchItemFailures": []}
    assert calls.calls == [
        ("dynamodb", "BatchGetItem"),
        ("sns", "PublishBatch"),
        ("dynamodb", "BatchExecuteStatement"),
    ]
    assert sorted(published_ids(stack)) == sorted(f"evt_{i}" for i in range(10))
    assert all(status(stack, f"evt_{i}") == "PROCESSED" for i in range(10))


def test_notification_is_metadata_only_with_filter_attributes(stack, lambda_context):
    records = deliver(stack, lambda_context, ("evt_meta", "pi_meta"))
    run(records, lambda_context)
    [notification] = stack.notifications()
    body = json.loads(notification["Body"])
    assert set(body) == NOTIFICATION_KEYS
    assert body["webhook_id"] == "evt_meta"
    assert body["provider"] == "stripe"
    assert body["event_type"] == "payment_intent.succeeded"
    assert body["object_id"] == "pi_meta"
    assert body["received_at"] == stack.item("evt_meta")["received_at"]["S"]
    assert body["processed_at"].endswith("Z")
    assert notification["MessageAttributes"] == {
        "event_type": {"StringValue": "payment_intent.succeeded", "DataType": "String"},
        "provider": {"StringValue": "stripe", "DataType": "String"},
    }
    assert "amount" not in notification["Body"] and "payload" not in notification["Body"]


def test_already_processed_webhook_is_not_published_again(stack, lambda_context):
    # GIVEN a webhook whose message is redelivered after it was processed
    records = deliver(stack, lambda_context, ("evt_once", "pi_once"))
    run(records, lambda_context)
    assert published_ids(stack) == ["evt_once"]
    # WHEN the same message arrives again
    with recording(processor.dynamodb, processor.sns) as calls:
        response = run(records, lambda_context)
    # THEN it is acknowledged without a notification (one read, nothing else)
    assert response == {"batchItemFailures": []}
    assert published_ids(stack) == []
    assert calls.calls == [("dynamodb", "BatchGetItem")]


def test_same_webhook_twice_in_a_batch_is_published_once(stack, lambda_context):
    [record] = deliver(stack, lambda_context, ("evt_twice", "pi_twice"))
    again = dict(record, messageId="second-delivery")
    assert run([record, again], lambda_context) == {"batchItemFailures": []}
    assert published_ids(stack) == ["evt_twice"]


def test_empty_or_odd_events_fail_nothing(stack, lambda_context):
    assert processor.lambda_handler({"Records": []}, lambda_context) == {"batchItemFailures": []}
    assert processor.lambda_handler({}, lambda_context) == {"batchItemFailures": []}
    assert processor.lambda_handler(None, None) == {"batchItemFailures": []}


# ---- FIFO group failure semantics -----------------------------------------------------------------


def test_failure_fails_later_messages_of_its_group_only(stack, lambda_context):
    # GIVEN a batch A1 B1 A2 B2 A3 where A1 has a malformed body
    a2, b1, a3, b2 = deliver(
        stack,
        lambda_context,
        ("evt_a2", "obj_a"),
        ("evt_b1", "obj_b"),
        ("evt_a3", "obj_a"),
        ("evt_b2", "obj_b"),
    )
    a1 = synthetic_record("msg-a1", a2["attributes"]["MessageGroupId"], "not json")
    batch = [a1, b1, a2, b2, a3]
    # WHEN processed
    response = run(batch, lambda_context)
    # THEN A1, A2, A3 fail (in batch order); B1 and B2 are published; A2/A3 are not published
    assert failed_ids(response) == [a1["messageId"], a2["messageId"], a3["messageId"]]
    assert sorted(published_ids(stack)) == ["evt_b1", "evt_b2"]
    assert status(stack, "evt_a2") == "QUEUED"


def test_message_without_item_fails_with_its_group(stack, lambda_context):
    b1, a2 = deliver(stack, lambda_context, ("evt_b1", "obj_b"), ("evt_a2", "obj_a"))
    a1 = synthetic_record(
        "msg-a1", a2["attributes"]["MessageGroupId"], json.dumps({"webhook_id": "evt_unknown"})
    )
    response = run([a1, b1, a2], lambda_context)
    assert failed_ids(response) == ["msg-a1", a2["messageId"]]
    assert published_ids(stack) == ["evt_b1"]


@pytest.mark.parametrize("body", ["", "[]", '{"webhook_id": 5}', '{"webhook_id": ""}', '{"id": "evt_1"}'])
def test_malformed_message_bodies_fail(stack, lambda_context, body):
    assert failed_ids(run([synthetic_record("m1", "g1", body)], lambda_context)) == ["m1"]


def test_earlier_successes_of_a_group_stand_when_a_later_message_fails(stack, lambda_context):
    a1, a2 = deliver(stack, lambda_context, ("evt_a1", "obj_a"), ("evt_a2", "obj_a"))
    a3 = synthetic_record("msg-a3", a1["attributes"]["MessageGroupId"], "{}")
    response = run([a1, a2, a3], lambda_context)
    assert failed_ids(response) == ["msg-a3"]
    assert sorted(published_ids(stack)) == ["evt_a1", "evt_a2"]


# ---- injected failures and retries ----------------------------------------------------------------


def test_batch_get_item_failure_fails_the_batch_and_the_retry_publishes_once(stack, lambda_context):
    records = deliver(stack, lambda_context, ("evt_1", "obj_a"), ("evt_2", "obj_b"))
    with failing(processor.dynamodb, "BatchGetItem", "ProvisionedThroughputExceededException"):
        response = run(records, lambda_context)
    assert failed_ids(response) == [r["messageId"] for r in records]
    assert published_ids(stack) == []
    # WHEN redelivered THEN each is published exactly once
    assert run(records, lambda_context) == {"batchItemFailures": []}
    assert sorted(published_ids(stack)) == ["evt_1", "evt_2"]


def test_publish_batch_failure_marks_nothing_and_the_retry_publishes_once(stack, lambda_context):
    records = deliver(stack, lambda_context, ("evt_1", "obj_a"), ("evt_2", "obj_b"))
    with failing(processor.sns, "PublishBatch", "KMSThrottlingException"):
        response = run(records, lambda_context)
    assert failed_ids(response) == [r["messageId"] for r in records]
    assert published_ids(stack) == []
    assert status(stack, "evt_1") == status(stack, "evt_2") == "QUEUED"
    assert run(records, lambda_context) == {"batchItemFailures": []}
    assert sorted(published_ids(stack)) == ["evt_1", "evt_2"]


def test_partial_publish_failure_maps_to_its_message_and_later_group_messages(stack, lambda_context):
    # GIVEN A1 B1 A2, and SNS fails the entry of A1 only
    a1, b1, a2 = deliver(stack, lambda_context, ("evt_a1", "obj_a"), ("evt_b1", "obj_b"), ("evt_a2", "obj_a"))
    with failing_publish_entries(processor.sns, lambda entry: '"evt_a1"' in entry["Message"]):
        response = run([a1, b1, a2], lambda_context)
    # THEN A1 fails and A2 fails behind it; B1 succeeds
    assert failed_ids(response) == [a1["messageId"], a2["messageId"]]
    assert sorted(published_ids(stack)) == ["evt_a2", "evt_b1"]
    # A2 was published in the same call, so it is marked: its redelivery must not publish it again
    assert status(stack, "evt_a1") == "QUEUED"
    assert status(stack, "evt_a2") == "PROCESSED"
    # WHEN SQS redelivers A1 and A2 THEN A1 is published once and A2 is acknowledged without a duplicate
    assert run([a1, a2], lambda_context) == {"batchItemFailures": []}
    assert published_ids(stack) == ["evt_a1"]
    assert status(stack, "evt_a1") == "PROCESSED"


def test_mark_failure_is_reported_and_the_retry_republishes_in_the_documented_window(stack, lambda_context):
    # GIVEN publishing succeeds but the whole BatchExecuteStatement call fails (same as a crash after publish)
    records = deliver(stack, lambda_context, ("evt_1", "obj_a"), ("evt_2", "obj_b"))
    with failing(processor.dynamodb, "BatchExecuteStatement", "InternalServerError"):
        response = run(records, lambda_context)
    # THEN both messages fail (never swallowed) although their notifications went out
    assert failed_ids(response) == [r["messageId"] for r in records]
    assert sorted(published_ids(stack)) == ["evt_1", "evt_2"]
    # WHEN redelivered THEN they are published a second time (the documented duplicate) and marked
    assert run(records, lambda_context) == {"batchItemFailures": []}
    assert sorted(published_ids(stack)) == ["evt_1", "evt_2"]
    assert status(stack, "evt_1") == status(stack, "evt_2") == "PROCESSED"
    # AND a further redelivery publishes nothing
    assert run(records, lambda_context) == {"batchItemFailures": []}
    assert published_ids(stack) == []


def test_failed_mark_statement_fails_its_message_and_later_group_messages(stack, lambda_context):
    a1, b1, a2 = deliver(stack, lambda_context, ("evt_a1", "obj_a"), ("evt_b1", "obj_b"), ("evt_a2", "obj_a"))
    with failing_statements(processor.dynamodb, lambda s: s["Parameters"][1] == {"S": "evt_a1"}):
        response = run([a1, b1, a2], lambda_context)
    assert failed_ids(response) == [a1["messageId"], a2["messageId"]]
    assert sorted(published_ids(stack)) == ["evt_a1", "evt_a2", "evt_b1"]
    assert [status(stack, w) for w in ("evt_a1", "evt_b1", "evt_a2")] == ["QUEUED", "PROCESSED", "PROCESSED"]
    # Retry: A1 republished (its mark failed: documented window), A2 acknowledged without a duplicate
    assert run([a1, a2], lambda_context) == {"batchItemFailures": []}
    assert published_ids(stack) == ["evt_a1"]


def test_statement_already_marked_by_another_delivery_counts_as_done(stack, lambda_context):
    records = deliver(stack, lambda_context, ("evt_1", "obj_a"), ("evt_2", "obj_a"))
    is_first = lambda statement: statement["Parameters"][1] == {"S": "evt_1"}  # noqa: E731
    with failing_statements(processor.dynamodb, is_first, code="ConditionalCheckFailed"):
        assert run(records, lambda_context) == {"batchItemFailures": []}


def test_crash_between_publish_and_mark_fails_unmarked_messages(stack, lambda_context):
    # GIVEN the function dies (an unexpected exception) right after publishing
    records = deliver(stack, lambda_context, ("evt_1", "obj_a"))

    def crash(**_):
        raise RuntimeError("runtime crashed")

    processor.dynamodb.meta.events.register(
        "before-call.dynamodb.BatchExecuteStatement", crash, unique_id="crash"
    )
    try:
        response = run(records, lambda_context)
    finally:
        processor.dynamodb.meta.events.unregister(
            "before-call.dynamodb.BatchExecuteStatement", unique_id="crash"
        )
    # THEN the message is redelivered (not lost), and the notification goes out again (documented duplicate)
    assert failed_ids(response) == [records[0]["messageId"]]
    assert published_ids(stack) == ["evt_1"]
    assert run(records, lambda_context) == {"batchItemFailures": []}
    assert published_ids(stack) == ["evt_1"]


def test_missing_topic_configuration_fails_every_message(stack, lambda_context, monkeypatch):
    records = deliver(stack, lambda_context, ("evt_1", "obj_a"))
    monkeypatch.delenv("TOPIC_ARN")
    assert failed_ids(run(records, lambda_context)) == [records[0]["messageId"]]


def test_unprocessed_keys_are_retried(stack, lambda_context):
    # GIVEN DynamoDB returns the key unprocessed on the first BatchGetItem
    [record] = deliver(stack, lambda_context, ("evt_1", "obj_a"))
    state = {"calls": 0}

    def first_unprocessed(parsed, model, **_):
        state["calls"] += 1
        if state["calls"] == 1:
            parsed["UnprocessedKeys"] = {
                name: {**request, "Keys": request["Keys"]} for name, request in state["request"].items()
            }
            parsed["Responses"] = {name: [] for name in state["request"]}

    def remember(params, **_):
        state["request"] = params["RequestItems"]

    events = processor.dynamodb.meta.events
    events.register("provide-client-params.dynamodb.BatchGetItem", remember, unique_id="remember")
    events.register("after-call.dynamodb.BatchGetItem", first_unprocessed, unique_id="unprocessed")
    try:
        assert run([record], lambda_context) == {"batchItemFailures": []}
    finally:
        events.unregister("provide-client-params.dynamodb.BatchGetItem", unique_id="remember")
        events.unregister("after-call.dynamodb.BatchGetItem", unique_id="unprocessed")
    assert state["calls"] == 2
    assert published_ids(stack) == ["evt_1"]


def test_unexpected_status_fails_the_message(stack, lambda_context):
    [record] = deliver(stack, lambda_context, ("evt_odd", "obj_a"))
    stack.set_status("evt_odd", "ARCHIVED")
    assert failed_ids(run([record], lambda_context)) == [record["messageId"]]
    assert published_ids(stack) == []


def test_records_without_group_attribute_are_their_own_group(stack, lambda_context):
    first, second = deliver(stack, lambda_context, ("evt_1", "obj_a"), ("evt_2", "obj_a"))
    broken = synthetic_record("broken", "unused", "{}")
    for record in (broken, first, second):
        del record["attributes"]["MessageGroupId"]
    assert failed_ids(run([broken, first, second], lambda_context)) == ["broken"]
    assert sorted(published_ids(stack)) == ["evt_1", "evt_2"]


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.booleans()), max_size=10))
def test_group_failure_rule_is_suffix_closed_per_group(batch):
    # GIVEN messages (group, fails itself?) in batch order
    messages = [QueueMessage(f"m{i}", group, "w") for i, (group, _) in enumerate(batch)]
    failures = GroupFailures(messages)
    for message, (_, fails) in zip(messages, batch, strict=True):
        if fails:
            failures.fail(message, "injected")
    # THEN a message is reported iff it or an earlier message of its group failed, in batch order
    expected = [
        m.message_id
        for i, m in enumerate(messages)
        if any(batch[j][1] and batch[j][0] == batch[i][0] for j in range(i + 1))
    ]
    assert [f["itemIdentifier"] for f in failures.batch_item_failures()] == expected
