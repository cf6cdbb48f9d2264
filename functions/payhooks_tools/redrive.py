"""Move messages from the FIFO DLQ back to the source queue, keeping group and deduplication ids.

    python -m payhooks_tools.redrive --dlq-url URL --queue-url URL [--dry-run] [--max N]

Works against AWS and the local emulator alike: credentials, region and endpoint come from the standard
AWS environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...). Messages go back in DLQ order, one at a
time; each is deleted from the DLQ only after its send succeeded, and a failed send holds back the rest of
its group so that the group's order is kept. `--dry-run` lists what would move and releases it untouched.

Two SQS facts an operator should know:
- SQS accepts but silently drops a send whose deduplication id the queue saw in the last 5 minutes. In AWS a
  message reaches the DLQ only after 3 receives of 300 s visibility each, so a first redrive is safe; the
  tool warns when a message was first sent less than 5 minutes ago (moto only deduplicates against messages
  still on the queue).
- A FIFO queue hands out a group's next messages only once the earlier ones are deleted, so `--dry-run`
  lists at most 10 messages per group.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

import boto3

DEDUPLICATION_INTERVAL_SECONDS = 300


@dataclass(frozen=True)
class RedriveResult:
    listed: int
    moved: int
    failed: int


def _send_attributes(message: dict) -> dict[str, dict[str, Any]]:
    """Message attributes as SendMessage takes them (ReceiveMessage adds list fields SQS does not accept)."""
    attributes = {}
    for name, value in message.get("MessageAttributes", {}).items():
        kept = {"DataType": value["DataType"]}
        for key in ("StringValue", "BinaryValue"):
            if key in value:
                kept[key] = value[key]
        attributes[name] = kept
    return attributes


def describe(message: dict) -> str:
    attributes = message.get("Attributes", {})
    try:
        body = json.loads(message["Body"])
        webhook_id = body.get("webhook_id", "-") if isinstance(body, dict) else "-"
    except ValueError:
        webhook_id = "<unparseable body>"
    sent = int(attributes.get("SentTimestamp", "0")) / 1000
    group_id = attributes.get("MessageGroupId", "-")
    deduplication_id = attributes.get("MessageDeduplicationId", "-")
    return (
        f"{message['MessageId']} webhook {webhook_id} group {group_id} dedup {deduplication_id} "
        f"receives {attributes.get('ApproximateReceiveCount')} "
        f"sent {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(sent))}"
    )


def redrive(
    sqs: Any,
    dlq_url: str,
    queue_url: str,
    *,
    dry_run: bool = False,
    max_messages: int | None = None,
    lease_seconds: int = 60,
    wait_seconds: int = 1,
    out: TextIO | None = None,
) -> RedriveResult:
    """Move (or with `dry_run` list) up to `max_messages` DLQ messages; see the module docstring."""
    out = out or sys.stdout
    listed = moved = failed = 0
    to_release: list[dict] = []
    held_groups: set[str] = set()
    while max_messages is None or listed < max_messages:
        wanted = 10 if max_messages is None else min(10, max_messages - listed)
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=wanted,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            VisibilityTimeout=lease_seconds,
            WaitTimeSeconds=wait_seconds,
        ).get("Messages", [])
        if not messages:
            break
        listed += len(messages)
        if dry_run:
            for message in messages:
                out.write(f"would move {describe(message)}\n")
            to_release.extend(messages)
            continue
        for message in messages:
            attributes = message.get("Attributes", {})
            group_id = attributes.get("MessageGroupId")
            if group_id in held_groups:
                to_release.append(message)
                continue
            age = time.time() - int(attributes.get("SentTimestamp", "0")) / 1000
            if age < DEDUPLICATION_INTERVAL_SECONDS:
                out.write(
                    f"warning: {message['MessageId']} was first sent {age:.0f} s ago; SQS drops a send whose "
                    f"deduplication id it saw in the last {DEDUPLICATION_INTERVAL_SECONDS} s\n"
                )
            request: dict[str, Any] = {"QueueUrl": queue_url, "MessageBody": message["Body"]}
            if group_id is not None:
                request["MessageGroupId"] = group_id
            if "MessageDeduplicationId" in attributes:
                request["MessageDeduplicationId"] = attributes["MessageDeduplicationId"]
            message_attributes = _send_attributes(message)
            if message_attributes:
                request["MessageAttributes"] = message_attributes
            try:
                sqs.send_message(**request)
            except Exception as error:  # any failure keeps the message in the DLQ
                failed += 1
                out.write(f"send failed, kept in DLQ: {describe(message)}: {error}\n")
                if group_id is not None:
                    held_groups.add(group_id)
                to_release.append(message)
                continue
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
            out.write(f"moved {describe(message)}\n")
    for message in to_release:
        sqs.change_message_visibility(
            QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    verb = "would move" if dry_run else "moved"
    out.write(f"{verb} {listed if dry_run else moved} message(s), {failed} failed\n")
    return RedriveResult(listed=listed, moved=moved, failed=failed)


def sqs_client(queue_url: str) -> Any:
    """An SQS client from the standard environment; the region falls back to the one in an AWS queue URL."""
    session = boto3.session.Session()
    region = session.region_name
    if region is None:
        match = re.match(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com", queue_url)
        region = match.group(1) if match else None
    return session.client("sqs", region_name=region)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m payhooks_tools.redrive", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dlq-url", required=True, help="URL of the FIFO dead-letter queue")
    parser.add_argument("--queue-url", required=True, help="URL of the source FIFO queue")
    parser.add_argument("--dry-run", action="store_true", help="list the messages, move nothing")
    parser.add_argument("--max", type=int, default=None, metavar="N", help="stop after N messages")
    parser.add_argument(
        "--lease-seconds", type=int, default=60, help="how long a message stays hidden while it is moved"
    )
    args = parser.parse_args(argv)
    if args.max is not None and args.max < 1:
        parser.error("--max must be at least 1")
    result = redrive(
        sqs_client(args.queue_url),
        args.dlq_url,
        args.queue_url,
        dry_run=args.dry_run,
        max_messages=args.max,
        lease_seconds=args.lease_seconds,
    )
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
