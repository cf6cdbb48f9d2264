"""Move messages from the FIFO DLQ back to the source queue, keeping group and deduplication ids.

    python -m payhooks_tools.redrive --dlq-url URL --queue-url URL [--dry-run] [--max N] [--force]

Works against AWS and the local emulator alike: credentials, region and endpoint come from the standard
AWS environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...). Messages go back in DLQ order, one at a
time; each is deleted from the DLQ only after its send succeeded, and a failed send holds back the rest of
its group so that the group's order is kept. `--dry-run` lists what would move and releases it untouched.

Two SQS facts an operator should know:
- SQS accepts but silently drops a send whose deduplication id the queue saw in the last 5 minutes, so
  redriving a message first sent less than 5 minutes ago would lose it. Such a message is held: left in the
  DLQ (released at once) together with the rest of its group, to keep the group's order; the run then exits
  3 and says when to retry. `--force` sends it anyway (safe only where nothing deduplicates, e.g. moto, which
  deduplicates only against messages still on the queue). In AWS a message reaches the DLQ only after 3
  receives of 300 s visibility each, so this happens only after a manual redrive or with a shorter timeout.
- A FIFO queue hands out a group's next messages only once the earlier ones are deleted, so `--dry-run`
  lists at most 10 messages per group.

Exit codes: 0 everything listed was moved; 1 some message failed (a failed send keeps it in the DLQ; a failed
delete after a good send leaves it in both queues, which is safe: the processor skips a webhook already
PROCESSED); 3 nothing failed but some messages were held (retry after the time printed, or use `--force`).
`--dry-run` exits 0 and marks what a real run would hold.
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
from botocore.exceptions import BotoCoreError, ClientError

DEDUPLICATION_INTERVAL_SECONDS = 300
EXIT_FAILED = 1
EXIT_HELD = 3


@dataclass(frozen=True)
class RedriveResult:
    listed: int
    moved: int
    failed: int
    held: int = 0
    retry_after: float | None = None  # epoch seconds from which every held message can move


def _timestamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


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
        f"sent {_timestamp(sent)}"
    )


def redrive(
    sqs: Any,
    dlq_url: str,
    queue_url: str,
    *,
    dry_run: bool = False,
    force: bool = False,
    max_messages: int | None = None,
    lease_seconds: int = 60,
    wait_seconds: int = 1,
    out: TextIO | None = None,
) -> RedriveResult:
    """Move (or with `dry_run` list) up to `max_messages` DLQ messages; see the module docstring."""
    out = out or sys.stdout
    listed = moved = failed = held = 0
    retry_after: float | None = None
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
        for message in messages:
            attributes = message.get("Attributes", {})
            group_id = attributes.get("MessageGroupId")
            if group_id is not None and group_id in held_groups:
                held += 1
                to_release.append(message)
                out.write(f"{'would hold' if dry_run else 'held'} behind its group: {describe(message)}\n")
                continue
            sent = int(attributes.get("SentTimestamp", "0")) / 1000
            age = time.time() - sent
            if age < DEDUPLICATION_INTERVAL_SECONDS and not force:
                held += 1
                movable = sent + DEDUPLICATION_INTERVAL_SECONDS
                retry_after = movable if retry_after is None else max(retry_after, movable)
                out.write(
                    f"{'would hold' if dry_run else 'held'} (first sent {age:.0f} s ago, SQS would drop it "
                    f"as a duplicate until {_timestamp(movable)}): {describe(message)}\n"
                )
                if group_id is not None:
                    held_groups.add(group_id)
                to_release.append(message)
                continue
            if dry_run:
                out.write(f"would move {describe(message)}\n")
                to_release.append(message)
                continue
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
            try:
                sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            except (BotoCoreError, ClientError) as error:
                # Sent, so the rest of its group may follow; it reappears in the DLQ when its lease ends.
                failed += 1
                out.write(
                    f"sent but delete failed, now in both queues: {describe(message)}: {error}; a later "
                    "redrive of it is safe (the processor skips a webhook already PROCESSED)\n"
                )
                continue
            moved += 1
            out.write(f"moved {describe(message)}\n")
    for message in to_release:
        try:
            sqs.change_message_visibility(
                QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        except (BotoCoreError, ClientError) as error:
            out.write(
                f"release failed, visible again after {lease_seconds} s: {message['MessageId']}: {error}\n"
            )
    if dry_run:
        out.write(f"would move {listed - held} message(s), {held} held\n")
    else:
        out.write(f"moved {moved} message(s), {failed} failed, {held} held\n")
    if retry_after is not None:
        out.write(
            f"some messages held: retry after {_timestamp(retry_after)} (or with --force, only where nothing "
            "deduplicates: a send SQS drops as a duplicate loses the message)\n"
        )
    return RedriveResult(listed=listed, moved=moved, failed=failed, held=held, retry_after=retry_after)


def exit_code(result: RedriveResult) -> int:
    """0: all moved (or listed); 1: some message failed; 3: none failed but some were held."""
    if result.failed:
        return EXIT_FAILED
    if result.held:
        return EXIT_HELD
    return 0


def sqs_client(queue_url: str) -> Any:
    """An SQS client from the standard environment; the region falls back to the one in an AWS queue URL."""
    session = boto3.session.Session()
    region = session.region_name
    if region is None:
        match = re.match(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com", queue_url)
        region = match.group(1) if match else None
    return session.client("sqs", region_name=region)


def main(argv: list[str] | None = None, sqs: Any = None) -> int:
    """The command line; `sqs` replaces the client built from the environment."""
    parser = argparse.ArgumentParser(
        prog="python -m payhooks_tools.redrive", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dlq-url", required=True, help="URL of the FIFO dead-letter queue")
    parser.add_argument("--queue-url", required=True, help="URL of the source FIFO queue")
    parser.add_argument("--dry-run", action="store_true", help="list the messages, move nothing")
    parser.add_argument(
        "--force",
        action="store_true",
        help=f"also move messages first sent less than {DEDUPLICATION_INTERVAL_SECONDS} s ago "
        "(SQS may drop them as duplicates)",
    )
    parser.add_argument("--max", type=int, default=None, metavar="N", help="stop after N messages")
    parser.add_argument(
        "--lease-seconds", type=int, default=60, help="how long a message stays hidden while it is moved"
    )
    args = parser.parse_args(argv)
    if args.max is not None and args.max < 1:
        parser.error("--max must be at least 1")
    result = redrive(
        sqs if sqs is not None else sqs_client(args.queue_url),
        args.dlq_url,
        args.queue_url,
        dry_run=args.dry_run,
        force=args.force,
        max_messages=args.max,
        lease_seconds=args.lease_seconds,
    )
    return 0 if args.dry_run else exit_code(result)


if __name__ == "__main__":
    sys.exit(main())
