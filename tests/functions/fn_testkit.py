"""Test support for the Lambda functions: a moto stack, signed events, SQS records, botocore fault injection.

Signing here follows the providers' specifications independently of `webhook_validator.signatures`, so the
tests check the validator against the specification rather than against itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws  # imported before the handlers: moto hooks botocore for clients created later
from moto.core.base_backend import BackendDict
from webhook_validator import handler as validator

EVENTS = Path(__file__).parent / "events"
FUZZ_STATS: dict[str, int] = {}

STRIPE_SECRET = "whsec_stripeCurrentSecret0123456789abcdef"
STRIPE_OLD_SECRET = "whsec_stripePreviousSecret9876543210fedcba"
STANDARD_KEY = b"standard-webhooks-test-key-32-bytes!"
STANDARD_OLD_KEY = b"previous-standard-webhooks-key-bytes"
STANDARD_SECRET = "whsec_" + base64.b64encode(STANDARD_KEY).decode()
STANDARD_OLD_SECRET = "whsec_" + base64.b64encode(STANDARD_OLD_KEY).decode()
ALL_SECRETS = (STRIPE_SECRET, STRIPE_OLD_SECRET, STANDARD_SECRET, STANDARD_OLD_SECRET)
DEFAULT_SECRET_DOCUMENT = {"stripe": [STRIPE_SECRET], "standard_webhooks": [STANDARD_SECRET]}


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def stripe_payload(**changes: Any) -> dict[str, Any]:
    payload = load_event("stripe_payment_intent_succeeded.json")
    payload.update(changes)
    return payload


def standard_payload(**changes: Any) -> dict[str, Any]:
    payload = load_event("standard_webhooks_invoice_paid.json")
    payload.update(changes)
    return payload


def to_bytes(payload: dict[str, Any] | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def stripe_signature(body: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def stripe_headers(
    body: bytes, secrets: tuple[str, ...] = (STRIPE_SECRET,), timestamp: int | None = None
) -> dict:
    t = int(time.time()) if timestamp is None else timestamp
    signatures = ",".join(f"v1={stripe_signature(body, secret, t)}" for secret in secrets)
    return {"Stripe-Signature": f"t={t},{signatures}"}


def standard_signature(body: bytes, key: bytes, webhook_id: str, timestamp: int) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def standard_headers(
    body: bytes,
    keys: tuple[bytes, ...] = (STANDARD_KEY,),
    webhook_id: str = "msg_2Kf8vQ1xYz",
    timestamp: int | None = None,
) -> dict:
    t = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(t),
        "webhook-signature": " ".join(standard_signature(body, key, webhook_id, t) for key in keys),
    }


def apigw_event(body: bytes, headers: dict[str, str], *, base64_encoded: bool = False) -> dict[str, Any]:
    """An API Gateway REST proxy event (template from events/) carrying `body` and the extra `headers`."""
    event = load_event("apigw_rest_proxy.json")
    event["headers"].update(headers)
    event["multiValueHeaders"].update({name: [value] for name, value in headers.items()})
    if base64_encoded:
        event["body"] = base64.b64encode(body).decode()
        event["isBase64Encoded"] = True
    else:
        event["body"] = body.decode()
    return event


def signed_stripe_event(payload: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    body = to_bytes(payload if payload is not None else stripe_payload())
    return apigw_event(body, stripe_headers(body, **kwargs))


def signed_standard_event(payload: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    body = to_bytes(payload if payload is not None else standard_payload())
    return apigw_event(body, standard_headers(body, **kwargs))


def response_json(response: dict[str, Any]) -> dict[str, Any]:
    return json.loads(response["body"])


@dataclass
class FakeLambdaContext:
    function_name: str = "payhooks-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:payhooks-test"
    log_group_name: str = "/aws/lambda/payhooks-test"
    log_stream_name: str = "2026/11/29/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@dataclass
class Stack:
    """The AWS resources of the pipeline, in moto, plus readers for assertions."""

    table_name: str
    queue_url: str
    topic_arn: str
    observer_url: str
    secret_arn: str
    ddb: Any
    sqs: Any
    secrets: Any

    def item(self, webhook_id: str) -> dict[str, Any] | None:
        return self.ddb.get_item(TableName=self.table_name, Key={"webhook_id": {"S": webhook_id}}).get("Item")

    def items(self) -> list[dict[str, Any]]:
        return self.ddb.scan(TableName=self.table_name)["Items"]

    def set_status(self, webhook_id: str, status: str) -> None:
        self.ddb.update_item(
            TableName=self.table_name,
            Key={"webhook_id": {"S": webhook_id}},
            UpdateExpression="SET #s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": status}},
        )

    def receive_queued(self) -> list[dict[str, Any]]:
        """Every message on the FIFO queue (received and deleted), in queue order."""
        messages: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
            ).get("Messages", [])
            if not batch:
                return messages
            messages.extend(batch)
            for message in batch:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def notifications(self) -> list[dict[str, Any]]:
        """Notifications delivered to the topic's SQS subscriber (raw delivery: message and attributes)."""
        received: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.observer_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
            ).get("Messages", [])
            if not batch:
                return received
            for message in batch:
                received.append(message)
                self.sqs.delete_message(QueueUrl=self.observer_url, ReceiptHandle=message["ReceiptHandle"])

    def put_secret(self, document: Any) -> None:
        self.secrets.put_secret_value(SecretId=self.secret_arn, SecretString=json.dumps(document))
        validator.signing_keys.clear()


_AWS_CLIENTS: dict[str, Any] = {}


def aws_client(service: str) -> Any:
    """The tests' own boto3 client for `service`, created once (client creation dominates a moto test)."""
    if service not in _AWS_CLIENTS:
        _AWS_CLIENTS[service] = boto3.client(service)
    return _AWS_CLIENTS[service]


@contextmanager
def aws_mock() -> Iterator[None]:
    """moto for a whole test module; `launch_stack` resets its state for each test."""
    with mock_aws():
        yield


@contextmanager
def launch_stack(monkeypatch: Any, secret_document: Any = None) -> Iterator[Stack]:
    """Fresh pipeline resources in the active moto mock (every earlier resource is dropped first)."""
    BackendDict.reset()
    ddb, sqs, sns, secrets = (aws_client(name) for name in ("dynamodb", "sqs", "sns", "secretsmanager"))
    ddb.create_table(
        TableName="payhooks-webhooks",
        KeySchema=[{"AttributeName": "webhook_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "webhook_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    queue_url = sqs.create_queue(
        QueueName="payhooks-webhooks.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "300"}
    )["QueueUrl"]
    topic_arn = sns.create_topic(Name="payhooks-notifications")["TopicArn"]
    observer_url = sqs.create_queue(QueueName="payhooks-subscriber")["QueueUrl"]
    observer_arn = sqs.get_queue_attributes(QueueUrl=observer_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=observer_arn, Attributes={"RawMessageDelivery": "true"}
    )
    secret_arn = secrets.create_secret(
        Name="payhooks/signing-secrets",
        SecretString=json.dumps(DEFAULT_SECRET_DOCUMENT if secret_document is None else secret_document),
    )["ARN"]
    for name, value in {
        "TABLE_NAME": "payhooks-webhooks",
        "QUEUE_URL": queue_url,
        "SIGNING_SECRET_ARN": secret_arn,
        "TOPIC_ARN": topic_arn,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("SIGNATURE_TOLERANCE_SECONDS", "RETENTION_DAYS", "MAX_BODY_BYTES"):
        monkeypatch.delenv(name, raising=False)
    validator.signing_keys.clear()
    try:
        yield Stack("payhooks-webhooks", queue_url, topic_arn, observer_url, secret_arn, ddb, sqs, secrets)
    finally:
        validator.signing_keys.clear()


def sqs_records(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lambda SQS event records (template from events/) for messages received from the FIFO queue."""
    records = []
    for message in messages:
        record = load_event("sqs_fifo_record.json")
        record["messageId"] = message["MessageId"]
        record["receiptHandle"] = message["ReceiptHandle"]
        record["body"] = message["Body"]
        record["md5OfBody"] = message["MD5OfBody"]
        record["attributes"].update(
            {key: message["Attributes"][key] for key in ("MessageGroupId", "MessageDeduplicationId")}
        )
        records.append(record)
    return records


def synthetic_record(message_id: str, group_id: str, body: str) -> dict[str, Any]:
    record = load_event("sqs_fifo_record.json")
    record.update({"messageId": message_id, "body": body})
    record["attributes"] = {
        **record["attributes"],
        "MessageGroupId": group_id,
        "MessageDeduplicationId": message_id,
    }
    return record


def failed_ids(response: dict[str, Any]) -> list[str]:
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


# ---- botocore-level fault injection ---------------------------------------------------------------


def client_error(operation: str, code: str, status: int = 500) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "injected fault"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        operation,
    )


@contextmanager
def failing(
    client: Any, operation: str, code: str = "InternalServerError", times: int | None = None
) -> Iterator[list]:
    """Make `operation` on `client` raise ClientError(code) (the first `times` calls, or every call).

    Raised from botocore's `before-call` event, i.e. exactly where a real service error would surface.
    Yields the list of intercepted calls' parameters.
    """
    event = f"before-call.{client.meta.service_model.service_id.hyphenize()}.{operation}"
    intercepted: list = []

    def fail(params: Any, **_: Any) -> None:
        if times is None or len(intercepted) < times:
            intercepted.append(params)
            raise client_error(operation, code)

    client.meta.events.register(event, fail, unique_id=f"fault-{operation}")
    try:
        yield intercepted
    finally:
        client.meta.events.unregister(event, unique_id=f"fault-{operation}")


@contextmanager
def partially_failing(
    client: Any, operation: str, entries_key: str, is_failing: Callable[[dict], bool], rewrite: Callable
) -> Iterator[None]:
    """Drop the entries `is_failing` selects from a batch request before it is sent, then let `rewrite`
    report them as failed in the parsed response, as the service does for per-entry failures."""
    service = client.meta.service_model.service_id.hyphenize()
    dropped: list[tuple[int, dict]] = []

    def drop(params: dict, **_: Any) -> None:
        dropped.clear()
        kept = []
        for index, entry in enumerate(params[entries_key]):
            if is_failing(entry):
                dropped.append((index, entry))
            else:
                kept.append(entry)
        params[entries_key] = kept

    def report(parsed: dict, **_: Any) -> None:
        rewrite(parsed, list(dropped))

    client.meta.events.register(
        f"provide-client-params.{service}.{operation}", drop, unique_id="partial-drop"
    )
    client.meta.events.register(f"after-call.{service}.{operation}", report, unique_id="partial-report")
    try:
        yield
    finally:
        client.meta.events.unregister(
            f"provide-client-params.{service}.{operation}", unique_id="partial-drop"
        )
        client.meta.events.unregister(f"after-call.{service}.{operation}", unique_id="partial-report")


def failing_publish_entries(sns_client: Any, is_failing: Callable[[dict], bool]) -> Any:
    def rewrite(parsed: dict, dropped: list[tuple[int, dict]]) -> None:
        parsed.setdefault("Failed", []).extend(
            {"Id": entry["Id"], "Code": "InternalError", "SenderFault": False} for _, entry in dropped
        )

    return partially_failing(sns_client, "PublishBatch", "PublishBatchRequestEntries", is_failing, rewrite)


def failing_statements(
    ddb_client: Any, is_failing: Callable[[dict], bool], code: str = "ThrottlingError"
) -> Any:
    def rewrite(parsed: dict, dropped: list[tuple[int, dict]]) -> None:
        responses = parsed.setdefault("Responses", [])
        for index, _ in dropped:
            responses.insert(index, {"Error": {"Code": code, "Message": "injected fault"}})

    return partially_failing(ddb_client, "BatchExecuteStatement", "Statements", is_failing, rewrite)
