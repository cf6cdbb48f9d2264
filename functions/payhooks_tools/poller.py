"""A local stand-in for Lambda's SQS event source mapping on a FIFO queue (batch 10, partial batch responses).

Like the mapping, it receives up to 10 messages with their system attributes, invokes the processor with an
SQS event, deletes the messages the processor did not report and leaves the reported ones on the queue, so
that SQS moves them to the DLQ after `maxReceiveCount` receives. One difference, for speed: in AWS a failed
message stays in flight (its group blocked) until its visibility timeout (300 s) expires; the poller keeps
it in flight for `retry_after_seconds` only, then makes it visible with ChangeMessageVisibility(0), so a
poison message reaches the DLQ in seconds instead of 15 minutes. The queue's own settings stay those of
`infra/`.

Releasing explicitly (rather than setting a short visibility timeout) also matters for order: when several
in-flight messages of one FIFO group become visible by expiry, moto can hand out a later one first; after
ChangeMessageVisibility(0) it hands them out in order, as SQS does.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from payhooks_tools import local_settings as settings
from payhooks_tools.local_api import LambdaContext

Handler = Callable[[dict, Any], dict]


@dataclass(frozen=True)
class Outcome:
    """What happened to one message in one invocation."""

    webhook_id: str
    group_id: str
    deduplication_id: str
    receive_count: int
    succeeded: bool
    dead_lettered: bool
    batch_size: int
    duration_seconds: float


def sqs_event(messages: list[dict], queue_arn: str, region: str) -> dict:
    """The event Lambda builds from a ReceiveMessage answer."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes", {})),
                "messageAttributes": {
                    name: {
                        "stringValue": value.get("StringValue"),
                        "binaryValue": value.get("BinaryValue"),
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": value["DataType"],
                    }
                    for name, value in message.get("MessageAttributes", {}).items()
                },
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def failed_message_ids(response: Any, message_ids: list[str]) -> set[str]:
    """The messages to keep, read the way Lambda reads a partial batch response.

    No response or an empty `batchItemFailures` means all succeeded; a malformed response or an identifier
    that is not in the batch fails the whole batch.
    """
    if response is None:
        return set()
    if not isinstance(response, dict):
        return set(message_ids)
    failures = response.get("batchItemFailures")
    if not failures:
        return set()
    if not isinstance(failures, list):
        return set(message_ids)
    failed = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if identifier not in message_ids:
            return set(message_ids)
        failed.add(identifier)
    return failed


def webhook_id_of(body: str) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return "<unparseable body>"
    return (
        str(document.get("webhook_id", "<no webhook_id>"))
        if isinstance(document, dict)
        else "<not an object>"
    )


class Poller:
    """Receive → invoke → delete loop; `concurrency` batches in flight, like several mapping pollers."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        handler: Handler,
        *,
        region: str = settings.REGION,
        batch_size: int = settings.BATCH_SIZE,
        max_receive_count: int = settings.MAX_RECEIVE_COUNT,
        retry_after_seconds: float = 1.0,
        concurrency: int = 2,
        observer: Callable[[Outcome], None] | None = None,
    ) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._handler = handler
        self._region = region
        self._batch_size = batch_size
        self._max_receive_count = max_receive_count
        self._retry_after_seconds = retry_after_seconds
        self._observer = observer
        self._stopping = threading.Event()
        # One thread receives, `concurrency` invocations run. moto's check that a FIFO group has nothing in
        # flight is not atomic across concurrent ReceiveMessage calls (SQS's is), so receives stay serial.
        self._slots = threading.BoundedSemaphore(concurrency)
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="poller-invoke")
        self._thread = threading.Thread(target=self._run, name="poller", daemon=True)
        self._timers: set[threading.Timer] = set()
        self._timers_lock = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()
        self._executor.shutdown(wait=True)
        with self._timers_lock:
            pending, self._timers = self._timers, set()
        for timer in pending:
            timer.cancel()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._slots.acquire()
            try:
                messages = self._sqs.receive_message(
                    QueueUrl=self._queue_url,
                    MaxNumberOfMessages=self._batch_size,
                    WaitTimeSeconds=1,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
            except Exception as error:
                self._slots.release()
                if not self._stopping.is_set():
                    sys.stderr.write(f"poller: receive failed ({type(error).__name__}), retrying\n")
                    time.sleep(0.5)
                continue
            if not messages:
                self._slots.release()
                continue
            self._executor.submit(self._invoke_and_release, messages)

    def _invoke_and_release(self, messages: list[dict]) -> None:
        try:
            self.process_batch(messages)
        finally:
            self._slots.release()

    def _release_later(self, messages: list[dict]) -> None:
        """Make failed messages visible again, in batch order, after `retry_after_seconds` in flight."""

        def release() -> None:
            with self._timers_lock:
                self._timers.discard(timer)
            self._sqs.change_message_visibility_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for i, m in enumerate(messages)
                ],
            )

        timer = threading.Timer(self._retry_after_seconds, release)
        timer.daemon = True
        with self._timers_lock:
            self._timers.add(timer)
        timer.start()

    def process_batch(self, messages: list[dict]) -> list[Outcome]:
        """Invoke the processor with one batch and settle every message as the mapping would."""
        message_ids = [message["MessageId"] for message in messages]
        context = LambdaContext(settings.PROCESSOR_FUNCTION_NAME, settings.PROCESSOR_TIMEOUT_SECONDS)
        started = time.perf_counter()
        try:
            response = self._handler(sqs_event(messages, self._queue_arn, self._region), context)
            failed = failed_message_ids(response, message_ids)
        except Exception:
            failed = set(message_ids)
        duration = time.perf_counter() - started

        succeeded = [message for message in messages if message["MessageId"] not in failed]
        if succeeded:
            self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(succeeded)
                ],
            )
        retry = [message for message in messages if message["MessageId"] in failed]
        if retry:
            self._release_later(retry)

        outcomes = []
        for message in messages:
            attributes = message.get("Attributes", {})
            receive_count = int(attributes.get("ApproximateReceiveCount", "1"))
            ok = message["MessageId"] not in failed
            outcome = Outcome(
                webhook_id=webhook_id_of(message["Body"]),
                group_id=attributes.get("MessageGroupId", ""),
                deduplication_id=attributes.get("MessageDeduplicationId", ""),
                receive_count=receive_count,
                succeeded=ok,
                dead_lettered=not ok and receive_count >= self._max_receive_count,
                batch_size=len(messages),
                duration_seconds=duration,
            )
            outcomes.append(outcome)
            if self._observer is not None:
                self._observer(outcome)
        return outcomes
