"""End to end on moto's server with the real handlers: a small spike, DLQ redrive, the sender and the API."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from payhooks_tools import emulator, redrive, samples, sender
from payhooks_tools.spike import (
    Delivery,
    SpikeConfig,
    SpikeReport,
    dlq_depth,
    evaluate,
    handler_times,
    read_dlq,
    run_spike,
    stored_statuses,
)

pytestmark = pytest.mark.e2e

# 40 deliveries over 5 objects: 6 redeliveries, 4 bad signatures, 2 poison messages, 28 valid webhooks.
SPIKE = SpikeConfig(
    webhooks=40,
    objects=5,
    duplicate_share=0.15,
    bad_signature_share=0.1,
    poison=2,
    concurrency=6,
    timeout_seconds=30,
    seed=6,
)


def wait_until(condition: Callable[[], bool], timeout: float = 20, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.fixture(scope="module")
def spike(stack: dict[str, Any]) -> SpikeReport:
    return run_spike(stack, SPIKE, out=io.StringIO())


@pytest.fixture
def aws_env(stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The standard AWS environment an operator sets, pointed at the emulator (restored after the test)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack["endpoint_url"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", stack["region"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_spike_keeps_every_invariant(spike: SpikeReport) -> None:
    assert [(check.name, check.detail) for check in spike.checks if not check.ok] == []
    assert spike.counts == {
        "deliveries": 40,
        "accepted": 28,
        "duplicate": 6,
        "rejected": 4,
        "poison_enqueued": 2,
        "processed": 28,
        "notifications": 28,
        "dead_lettered": 2,
    }
    assert set(spike.end_to_end_ms) == {"p50", "p95", "p99", "max"}
    assert 0 < spike.end_to_end_ms["p50"] <= spike.end_to_end_ms["p95"] <= spike.end_to_end_ms["p99"]


def test_poison_keeps_its_group_and_deduplication_id_in_the_dlq(spike: SpikeReport) -> None:
    assert len(spike.poison) == 2
    for poison in spike.poison:
        assert poison["deduplication_id"] == poison["webhook_id"]
        assert poison["group_id"].startswith("pi_spike")


def test_stack_prints_one_line_per_webhook_and_each_notification(spike: SpikeReport, stack_log: Path) -> None:
    def lines(kind: str) -> list[str]:
        return [line for line in stack_log.read_text().splitlines() if line.split()[1:2] == [kind]]

    assert wait_until(lambda: len(lines("NOTIFIED")) == 28)
    assert (len(lines("ACCEPTED")), len(lines("DUPLICATE")), len(lines("REJECTED"))) == (28, 6, 4)
    assert len(lines("PROCESSED")) == 28
    for poison in spike.poison:
        failures = [line for line in lines("FAILED") if poison["webhook_id"] in line]
        assert [int(line.split("receive ")[1][0]) for line in failures] == [1, 2]
        assert len([line for line in lines("DEAD-LETTERED") if poison["webhook_id"] in line]) == 1
    notified = [json.loads(line.split(None, 2)[2]) for line in lines("NOTIFIED")]
    assert all(
        set(n) >= {"webhook_id", "provider", "event_type", "object_id", "received_at", "processed_at"}
        for n in notified
    )
    assert all("payload" not in n for n in notified)
    timings = handler_times(stack_log.read_text())
    assert timings["validator_invocations"] == 38
    assert 1 <= timings["processor_mean_batch_size"] <= 10


def test_redrive_dry_run_lists_the_dlq_and_moves_nothing(
    spike: SpikeReport, stack: dict[str, Any], sqs: Any, aws_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = redrive.main(["--dlq-url", stack["dlq_url"], "--queue-url", stack["queue_url"], "--dry-run"])

    out = capsys.readouterr().out
    # Just dead-lettered, so a real run would hold them (SQS's deduplication window); a dry run still exits 0.
    assert exit_code == 0
    for poison in spike.poison:
        assert (
            f"webhook {poison['webhook_id']} group {poison['group_id']} dedup {poison['deduplication_id']}"
            in out
        )
    assert out.count("would hold (first sent") == 2
    assert "would move 0 message(s), 2 held" in out
    still_there = {json.loads(m["Body"])["webhook_id"] for m in read_dlq(sqs, stack["dlq_url"])}
    assert still_there == {poison["webhook_id"] for poison in spike.poison}


def restore_item(dynamodb: Any, table_name: str, webhook_id: str, object_id: str) -> None:
    """The fix: put back the stored webhook the poison message refers to (as restored from a PITR backup)."""
    now = time.time()
    payload = {"id": webhook_id, "type": "payment_intent.created", "data": {"object": {"id": object_id}}}
    dynamodb.put_item(
        TableName=table_name,
        Item={
            "webhook_id": {"S": webhook_id},
            "status": {"S": "QUEUED"},
            "received_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now))},
            "expiry_time": {"N": str(int(now) + 30 * 86400)},
            "provider": {"S": "stripe"},
            "event_type": {"S": "payment_intent.created"},
            "object_id": {"S": object_id},
            "payload": {"S": json.dumps(payload)},
        },
    )


def test_redrive_after_the_fix_processes_each_poison_message_once(
    spike: SpikeReport,
    stack: dict[str, Any],
    sqs: Any,
    dynamodb: Any,
    stack_log: Path,
    aws_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    poison_ids = [poison["webhook_id"] for poison in spike.poison]
    for poison in spike.poison:
        restore_item(dynamodb, stack["table_name"], poison["webhook_id"], poison["group_id"])
    notifications: list[dict[str, Any]] = []

    def drain(queue_url: str) -> list[str]:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
            notifications.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return [n["webhook_id"] for n in notifications]

    with emulator.subscribed_queue(stack["endpoint_url"], stack["topic_arn"], "queue-redrive-watch") as watch:
        # --force: the poison was first sent seconds ago; moto, unlike SQS, does not drop the resend.
        exit_code = redrive.main(
            ["--dlq-url", stack["dlq_url"], "--queue-url", stack["queue_url"], "--force"]
        )

        assert exit_code == 0
        assert "moved 2 message(s), 0 failed, 0 held" in capsys.readouterr().out
        assert wait_until(lambda: set(drain(watch)) >= set(poison_ids))
        time.sleep(1.5)
        assert sorted(drain(watch)) == sorted(poison_ids)
    assert stored_statuses(dynamodb, stack["table_name"], poison_ids) == dict.fromkeys(
        poison_ids, "PROCESSED"
    )
    assert dlq_depth(sqs, stack["dlq_url"]) == 0
    log = stack_log.read_text()
    for poison in spike.poison:
        # The poller received the redriven message with the original ids, as a new message (receive 1).
        assert (
            f"PROCESSED     {poison['webhook_id']} (group {poison['group_id']}, "
            f"dedup {poison['deduplication_id']}, receive 1/3" in log
        )


def test_webhooks_behind_a_poison_message_of_their_object_keep_their_order(
    stack: dict[str, Any], sqs: Any
) -> None:
    signing_secrets = emulator.read_signing_secrets(emulator.LocalResources.from_json(stack))
    object_id = samples.new_object_id()
    with emulator.subscribed_queue(stack["endpoint_url"], stack["topic_arn"], "queue-order-watch") as watch:
        poison = sender.send_poison(stack, "stripe", object_id, samples.EVENT_TYPES[0])
        valid = []
        for event_type in samples.EVENT_TYPES[1:]:
            webhook = samples.signed_webhook(
                "stripe", signing_secrets, object_id=object_id, event_type=event_type
            )
            assert sender.post(stack["api_url"], webhook)[0] == 200
            valid.append(webhook.webhook_id)
        notified: list[str] = []

        def settled() -> bool:
            for message in sqs.receive_message(QueueUrl=watch, MaxNumberOfMessages=10).get("Messages", []):
                notified.append(json.loads(message["Body"])["webhook_id"])
                sqs.delete_message(QueueUrl=watch, ReceiptHandle=message["ReceiptHandle"])
            in_dlq = {json.loads(m["Body"])["webhook_id"] for m in read_dlq(sqs, stack["dlq_url"])}
            return poison["webhook_id"] in in_dlq and set(notified) | in_dlq >= set(valid)

        assert wait_until(settled, timeout=30)
    dead_lettered = {json.loads(m["Body"])["webhook_id"] for m in read_dlq(sqs, stack["dlq_url"])}
    # FIFO: a message batched behind the poison every time shares its fate; whatever got through is in order.
    behind = [webhook_id for webhook_id in valid if webhook_id in dead_lettered]
    assert behind == valid[: len(behind)]
    assert notified == valid[len(behind) :]


def test_sender_signs_with_the_local_secret(state_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sender.main(["--state-file", str(state_file), "--count", "2", "--duplicate"]) == 0
    assert sender.main(["--state-file", str(state_file), "--scheme", "standard_webhooks"]) == 0
    assert sender.main(["--state-file", str(state_file), "--bad-signature"]) == 0
    assert sender.main(["--state-file", str(state_file), "--stale", "--scheme", "standard_webhooks"]) == 0

    answers = [json.loads(line.split(" ", 4)[4]) for line in capsys.readouterr().out.splitlines()]
    assert [a.get("status") or a.get("error") for a in answers] == [
        "accepted",
        "duplicate",
        "accepted",
        "duplicate",
        "accepted",
        "signature verification failed",
        "signature verification failed",
    ]


def test_sender_poison_reaches_the_dlq_after_three_receives(
    state_file: Path, stack: dict[str, Any], sqs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sender.main(["--state-file", str(state_file), "--poison"]) == 0
    poison = json.loads(capsys.readouterr().out.split(None, 1)[1])

    def dead_lettered() -> list[dict[str, Any]]:
        return [m for m in read_dlq(sqs, stack["dlq_url"]) if poison["webhook_id"] in m["Body"]]

    assert wait_until(lambda: len(dead_lettered()) == 1)
    attributes = dead_lettered()[0]["Attributes"]
    assert attributes["MessageGroupId"] == poison["group_id"]
    assert attributes["MessageDeduplicationId"] == poison["deduplication_id"]


def test_redrive_keeps_a_message_in_the_dlq_when_its_send_fails(
    stack: dict[str, Any], sqs: Any, aws_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    poison = sender.send_poison(stack, "stripe", samples.new_object_id(), samples.EVENT_TYPES[0])
    # Its own poison message, so that the test does not depend on what earlier tests left in the DLQ.
    assert wait_until(lambda: poison["webhook_id"] in webhook_ids_in(sqs, stack["dlq_url"]))
    before = sorted(m["MessageId"] for m in read_dlq(sqs, stack["dlq_url"]))
    missing_queue = stack["queue_url"].rsplit("/", 1)[0] + "/queue-does-not-exist.fifo"

    exit_code = redrive.main(
        ["--dlq-url", stack["dlq_url"], "--queue-url", missing_queue, "--max", "1", "--force"]
    )

    assert exit_code == 1
    assert "send failed, kept in DLQ" in capsys.readouterr().out
    assert sorted(m["MessageId"] for m in read_dlq(sqs, stack["dlq_url"])) == before


@pytest.fixture
def queue_pair(stack: dict[str, Any], sqs: Any) -> Iterator[tuple[str, str]]:
    """A FIFO DLQ and source queue of this test's own, which no poller reads: (dlq_url, queue_url)."""
    suffix = uuid.uuid4().hex[:12]
    urls = tuple(
        sqs.create_queue(QueueName=f"{name}-{suffix}.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        for name in ("redrive-dlq", "redrive-source")
    )
    yield urls
    for url in urls:
        sqs.delete_queue(QueueUrl=url)


def dead_letter(sqs: Any, dlq_url: str, group_id: str, count: int) -> list[str]:
    """Put `count` messages of one group straight into the DLQ (as just dead-lettered); their webhook ids."""
    webhook_ids = [f"evt_{uuid.uuid4().hex[:16]}" for _ in range(count)]
    for webhook_id in webhook_ids:
        sqs.send_message(
            QueueUrl=dlq_url,
            MessageBody=json.dumps({"webhook_id": webhook_id}),
            MessageGroupId=group_id,
            MessageDeduplicationId=webhook_id,
        )
    return webhook_ids


def webhook_ids_in(sqs: Any, queue_url: str) -> list[str]:
    return [json.loads(m["Body"])["webhook_id"] for m in read_dlq(sqs, queue_url)]


def test_redrive_holds_messages_inside_the_deduplication_window_unless_forced(
    queue_pair: tuple[str, str], sqs: Any, aws_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    dlq_url, queue_url = queue_pair
    first_group = dead_letter(sqs, dlq_url, "pi_held_a", 2)
    second_group = dead_letter(sqs, dlq_url, "pi_held_b", 1)

    exit_code = redrive.main(["--dlq-url", dlq_url, "--queue-url", queue_url])

    out = capsys.readouterr().out
    assert exit_code == 3
    # SQS would drop these sends as duplicates of the originals: nothing sent, everything still in the DLQ
    # and visible at once (released), the group's second message held behind its first.
    assert out.count("held (first sent") == 2
    assert out.count("held behind its group") == 1
    assert "moved 0 message(s), 0 failed, 3 held" in out
    assert "some messages held: retry after " in out
    assert webhook_ids_in(sqs, queue_url) == []
    assert sorted(webhook_ids_in(sqs, dlq_url)) == sorted(first_group + second_group)

    exit_code = redrive.main(["--dlq-url", dlq_url, "--queue-url", queue_url, "--force"])

    assert exit_code == 0
    assert "moved 3 message(s), 0 failed, 0 held" in capsys.readouterr().out
    moved = webhook_ids_in(sqs, queue_url)
    assert [w for w in moved if w in first_group] == first_group
    assert sorted(moved) == sorted(first_group + second_group)
    assert webhook_ids_in(sqs, dlq_url) == []


def test_redrive_counts_a_failed_delete_after_a_good_send_as_failed_and_goes_on(
    stack: dict[str, Any], queue_pair: tuple[str, str], sqs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    dlq_url, queue_url = queue_pair
    webhook_ids = dead_letter(sqs, dlq_url, "pi_delete_fails", 2)
    client = emulator.client("sqs", stack["endpoint_url"])
    deletes: list[str] = []

    def fail_first_delete(**_: Any) -> None:
        deletes.append("DeleteMessage")
        if len(deletes) == 1:
            raise ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, "DeleteMessage")

    client.meta.events.register("before-call.sqs.DeleteMessage", fail_first_delete)

    exit_code = redrive.main(
        ["--dlq-url", dlq_url, "--queue-url", queue_url, "--force", "--lease-seconds", "1"], sqs=client
    )

    out = capsys.readouterr().out
    assert exit_code == 1
    assert "sent but delete failed, now in both queues" in out
    assert "the processor skips a webhook already PROCESSED" in out
    assert "moved 1 message(s), 1 failed, 0 held" in out
    assert webhook_ids_in(sqs, queue_url) == webhook_ids
    # The undeleted one comes back to the DLQ once its lease ends.
    assert wait_until(lambda: webhook_ids_in(sqs, dlq_url) == webhook_ids[:1], timeout=5)


def test_api_answers_unknown_routes_like_api_gateway(stack: dict[str, Any]) -> None:
    base = stack["api_url"].rsplit("/webhooks", 1)[0]
    for method, path in (("GET", "/webhooks"), ("POST", "/other")):
        body = b"{}" if method == "POST" else None
        # The URL is the local stack's own http://127.0.0.1 address.
        request = urllib.request.Request(base + path, data=body, method=method)  # noqa: S310
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
        assert answer.value.code == 403


def test_spike_checks_catch_a_doubled_reordered_or_lost_webhook(stack: dict[str, Any], dynamodb: Any) -> None:
    accepted = {"status": "accepted"}
    first = Delivery("valid", "pi_check", "evt_check_first", status=200, answer=accepted)
    second = Delivery("valid", "pi_check", "evt_check_second", status=200, answer=accepted)
    poison = Delivery("poison", "pi_check_poison", "evt_check_poison")
    # The second webhook is notified before the first, and twice; the poison never reached the DLQ; nothing
    # was ever stored.
    arrivals = [
        (1.0, {"webhook_id": "evt_check_second", "object_id": "pi_check"}),
        (2.0, {"webhook_id": "evt_check_first", "object_id": "pi_check"}),
        (3.0, {"webhook_id": "evt_check_second", "object_id": "pi_check"}),
    ]

    report = evaluate(
        SPIKE, [[first, second], [poison]], arrivals, [], dynamodb, stack["table_name"], 0.0, 0.5
    )

    assert not report.ok
    assert {check.name for check in report.checks if not check.ok} == {
        "every valid webhook processed exactly once (one notification)",
        "per-object order kept (notification order = delivery order)",
        "nothing lost (valid: PROCESSED and notified; poison: in DLQ)",
        "every poison message in the DLQ",
    }


def test_api_passes_a_binary_body_byte_for_byte(stack: dict[str, Any]) -> None:
    # Not UTF-8, so the proxy event carries it base64-encoded: the signature still verifies over the exact
    # bytes (not 401), and only then does the validator find the body malformed (400).
    signing_secrets = emulator.read_signing_secrets(emulator.LocalResources.from_json(stack))
    body = b'\xff{"id": "evt_binary"}'
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/octet-stream",
        "Stripe-Signature": samples.stripe_signature(signing_secrets["stripe"][0], timestamp, body),
    }
    webhook = samples.SignedWebhook("stripe", "evt_binary", "-", "-", headers, body)

    assert sender.post(stack["api_url"], webhook) == (400, {"error": "malformed body"})
