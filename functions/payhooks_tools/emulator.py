"""moto's AWS API server on loopback, and the pipeline's resources created on it with `infra/`'s settings."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from payhooks_tools import local_settings as settings

# Any non-empty key pair is accepted by moto; real credentials must never reach the emulator.
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass(frozen=True)
class LocalResources:
    """Where the local stack's resources live; written to the state file the sender and spike read."""

    endpoint_url: str
    region: str
    table_name: str
    queue_url: str
    queue_arn: str
    dlq_url: str
    dlq_arn: str
    topic_arn: str
    signing_secret_arn: str
    notifications_queue_url: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LocalResources:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def client(service: str, endpoint_url: str, region: str = settings.REGION) -> Any:
    """A boto3 client bound to the emulator explicitly, whatever the process environment says."""
    return boto3.client(service, endpoint_url=endpoint_url, region_name=region, **FAKE_CREDENTIALS)


def start_server(port: int = 0) -> tuple[ThreadedMotoServer, str]:
    """Start moto's server on 127.0.0.1 (`port` 0 picks a free one); return it and its endpoint URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound_port = server.get_host_and_port()
    return server, f"http://{host}:{bound_port}"


def generate_signing_secrets() -> dict[str, list[str]]:
    """Fresh random secrets per run, in the Secrets Manager JSON shape the validator reads."""
    return {
        "stripe": [f"whsec_{secrets.token_hex(24)}"],
        "standard_webhooks": [f"whsec_{base64.b64encode(secrets.token_bytes(24)).decode()}"],
    }


def create_resources(endpoint_url: str, signing_secrets: dict[str, list[str]]) -> LocalResources:
    """Create table, FIFO queue + FIFO DLQ, topic, signing secret and a notifications queue on the topic."""
    dynamodb = client("dynamodb", endpoint_url)
    sqs = client("sqs", endpoint_url)
    sns = client("sns", endpoint_url)
    secretsmanager = client("secretsmanager", endpoint_url)

    dynamodb.create_table(
        TableName=settings.TABLE_NAME,
        AttributeDefinitions=[{"AttributeName": settings.TABLE_HASH_KEY, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": settings.TABLE_HASH_KEY, "KeyType": "HASH"}],
        BillingMode=settings.TABLE_BILLING_MODE,
    )
    dynamodb.update_time_to_live(
        TableName=settings.TABLE_NAME,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": settings.TABLE_TTL_ATTRIBUTE},
    )

    dlq_url = sqs.create_queue(
        QueueName=settings.DLQ_NAME,
        Attributes={"FifoQueue": "true", "MessageRetentionPeriod": str(settings.DLQ_RETENTION_SECONDS)},
    )["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    queue_url = sqs.create_queue(
        QueueName=settings.QUEUE_NAME,
        Attributes={
            "FifoQueue": "true",
            "DeduplicationScope": settings.DEDUPLICATION_SCOPE,
            "FifoThroughputLimit": settings.FIFO_THROUGHPUT_LIMIT,
            "VisibilityTimeout": str(settings.VISIBILITY_TIMEOUT_SECONDS),
            "MessageRetentionPeriod": str(settings.QUEUE_RETENTION_SECONDS),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": settings.MAX_RECEIVE_COUNT}
            ),
        },
    )["QueueUrl"]

    topic_arn = sns.create_topic(Name=settings.TOPIC_NAME)["TopicArn"]
    notifications_queue_url, _ = subscribe_queue(
        endpoint_url, topic_arn, f"queue-notifications-watch-{settings.ENVIRONMENT_SUFFIX}"
    )

    secret_arn = secretsmanager.create_secret(
        Name=settings.SIGNING_SECRET_NAME, SecretString=json.dumps(signing_secrets)
    )["ARN"]

    return LocalResources(
        endpoint_url=endpoint_url,
        region=settings.REGION,
        table_name=settings.TABLE_NAME,
        queue_url=queue_url,
        queue_arn=_queue_arn(sqs, queue_url),
        dlq_url=dlq_url,
        dlq_arn=dlq_arn,
        topic_arn=topic_arn,
        signing_secret_arn=secret_arn,
        notifications_queue_url=notifications_queue_url,
    )


def subscribe_queue(endpoint_url: str, topic_arn: str, queue_name: str) -> tuple[str, str]:
    """A standard queue receiving the topic's notifications as raw JSON: its URL and subscription ARN."""
    sqs = client("sqs", endpoint_url)
    queue_url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    subscription_arn = client("sns", endpoint_url).subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=_queue_arn(sqs, queue_url),
        Attributes={"RawMessageDelivery": "true"},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return queue_url, subscription_arn


@contextmanager
def subscribed_queue(endpoint_url: str, topic_arn: str, queue_name: str) -> Iterator[str]:
    """A temporary subscriber queue, unsubscribed before it is deleted.

    The order matters on moto: PublishBatch leaves an entry out of both its Successful and Failed lists when a
    subscribed queue no longer exists, which the processor rightly treats as a failed publish.
    """
    queue_url, subscription_arn = subscribe_queue(endpoint_url, topic_arn, queue_name)
    try:
        yield queue_url
    finally:
        client("sns", endpoint_url).unsubscribe(SubscriptionArn=subscription_arn)
        client("sqs", endpoint_url).delete_queue(QueueUrl=queue_url)


def read_signing_secrets(resources: LocalResources) -> dict[str, list[str]]:
    secret = client("secretsmanager", resources.endpoint_url).get_secret_value(
        SecretId=resources.signing_secret_arn
    )
    return json.loads(secret["SecretString"])


def _queue_arn(sqs: Any, queue_url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
