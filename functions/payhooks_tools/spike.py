"""Spike scenario against the local stack: N webhooks over M business objects, posted concurrently.

    python -m payhooks_tools.spike [--webhooks 400] [--objects 40] [--duplicates 0.1] [--bad-signatures 0.05]
                                   [--poison 4] [--concurrency 8] [--state-file .local/stack.json] [--json]

Without `--state-file` it starts a private stack (child process, free ports) and stops it afterwards.
Each object's webhooks are delivered in order by one sender thread, objects in parallel; redeliveries repeat
an earlier delivery byte for byte; bad signatures are signed with a secret the stack does not hold; poison
messages (each on its own object) are queue messages for webhooks that were never stored (`sender --poison`).
Notifications are counted on a queue of its own subscribed to the topic.

Prints accepted / duplicate / rejected / processed / dead-lettered counts, end-to-end latency percentiles
(post sent -> notification received) and throughput, then checks the invariants; exits 1 when one fails.
The figures are those of moto on this machine, not of AWS.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from payhooks_tools import emulator, local_stack, samples
from payhooks_tools import local_settings as settings
from payhooks_tools.sender import post, send_poison

VALID = "valid"
DUPLICATE = "duplicate"
BAD_SIGNATURE = "bad_signature"
POISON = "poison"


@dataclass(frozen=True)
class SpikeConfig:
    webhooks: int = 400
    objects: int = 40
    duplicate_share: float = 0.1
    bad_signature_share: float = 0.05
    poison: int = 4
    concurrency: int = 8
    timeout_seconds: float = 120.0
    settle_seconds: float = 1.5
    seed: int | None = None


@dataclass
class Delivery:
    kind: str
    object_id: str
    webhook_id: str
    webhook: samples.SignedWebhook | None = None
    sent_at: float = 0.0
    answered_at: float = 0.0
    status: int = 0
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class SpikeReport:
    config: SpikeConfig
    counts: dict[str, int]
    end_to_end_ms: dict[str, float]
    http_ms: dict[str, float]
    duration_seconds: float
    processed_per_second: float
    deliveries_per_second: float
    checks: list[Check]
    poison: list[dict[str, str]]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def percentiles(values: list[float]) -> dict[str, float]:
    """Nearest-rank p50/p95/p99 and max, in the values' unit."""
    if not values:
        return {}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1]}


def plan(
    config: SpikeConfig, signing_secrets: dict[str, list[str]], rng: random.Random
) -> list[list[Delivery]]:
    """One ordered stream of deliveries per object; poison messages each on an object of their own."""
    duplicates = round(config.webhooks * config.duplicate_share)
    bad = round(config.webhooks * config.bad_signature_share)
    valid = config.webhooks - duplicates - bad - config.poison
    if valid < 1 or config.objects < 1 or duplicates < 0 or bad < 0 or config.poison < 0:
        raise ValueError("the shares leave no valid webhook: lower --duplicates/--bad-signatures/--poison")
    run = secrets.token_hex(3)
    objects = [f"pi_spike{run}o{index:03d}" for index in range(config.objects)]
    streams: list[list[Delivery]] = [[] for _ in objects]
    originals: list[tuple[int, Delivery]] = []
    for index in range(valid):
        slot = index % len(objects)
        position = len(streams[slot])
        scheme = samples.SCHEMES[index % len(samples.SCHEMES)]
        webhook = samples.signed_webhook(
            scheme,
            signing_secrets,
            object_id=objects[slot],
            event_type=samples.EVENT_TYPES[position % len(samples.EVENT_TYPES)],
        )
        delivery = Delivery(VALID, objects[slot], webhook.webhook_id, webhook)
        streams[slot].append(delivery)
        originals.append((slot, delivery))
    for slot, original in rng.sample(originals, min(duplicates, len(originals))):
        after = streams[slot].index(original) + 1
        position = rng.randint(after, len(streams[slot]))
        redelivery = Delivery(DUPLICATE, original.object_id, original.webhook_id, original.webhook)
        streams[slot].insert(position, redelivery)
    for index in range(bad):
        slot = rng.randrange(len(objects))
        webhook = samples.signed_webhook(
            samples.SCHEMES[index % len(samples.SCHEMES)],
            signing_secrets,
            object_id=objects[slot],
            bad_signature=True,
        )
        streams[slot].insert(
            rng.randint(0, len(streams[slot])),
            Delivery(BAD_SIGNATURE, objects[slot], webhook.webhook_id, webhook),
        )
    for index in range(config.poison):
        streams.append([Delivery(POISON, f"pi_spike{run}p{index:03d}", "")])
    return streams


class NotificationCollector:
    """Receives the topic's notifications on the spike's own queue, in arrival order."""

    def __init__(self, sqs: Any, queue_url: str) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self.arrivals: list[tuple[float, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="spike-notifications", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()

    def snapshot(self) -> list[tuple[float, dict[str, Any]]]:
        with self._lock:
            return list(self.arrivals)

    def _run(self) -> None:
        while not self._stopping.is_set():
            messages = self._sqs.receive_message(
                QueueUrl=self._queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            ).get("Messages", [])
            now = time.monotonic()
            with self._lock:
                self.arrivals.extend((now, json.loads(message["Body"])) for message in messages)
            if messages:
                self._sqs.delete_message_batch(
                    QueueUrl=self._queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
                    ],
                )


def read_dlq(sqs: Any, dlq_url: str) -> list[dict[str, Any]]:
    """Every DLQ message (group by group, as FIFO hands them out), then released untouched."""
    leased: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            VisibilityTimeout=30,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not batch:
            break
        leased.extend(batch)
    for message in leased:
        sqs.change_message_visibility(
            QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return leased


def dlq_depth(sqs: Any, dlq_url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=dlq_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def stored_statuses(dynamodb: Any, table_name: str, webhook_ids: list[str]) -> dict[str, str | None]:
    statuses: dict[str, str | None] = dict.fromkeys(webhook_ids)
    for start in range(0, len(webhook_ids), 100):
        request: dict[str, Any] = {
            table_name: {
                "Keys": [{"webhook_id": {"S": w}} for w in webhook_ids[start : start + 100]],
                "ConsistentRead": True,
            }
        }
        while request:
            response = dynamodb.batch_get_item(RequestItems=request)
            for item in response["Responses"].get(table_name, []):
                statuses[item["webhook_id"]["S"]] = item["status"]["S"]
            request = response.get("UnprocessedKeys") or {}
    return statuses


def run_spike(state: dict[str, Any], config: SpikeConfig, out: TextIO | None = None) -> SpikeReport:
    endpoint = state["endpoint_url"]
    sqs = emulator.client("sqs", endpoint)
    dynamodb = emulator.client("dynamodb", endpoint)
    rng = random.Random(config.seed)  # noqa: S311  (scenario shuffling, not security)
    signing_secrets = emulator.read_signing_secrets(emulator.LocalResources.from_json(state))
    streams = plan(config, signing_secrets, rng)
    deliveries = [delivery for stream in streams for delivery in stream]
    dlq_before = dlq_depth(sqs, state["dlq_url"])

    def deliver(stream: list[Delivery]) -> None:
        for delivery in stream:
            delivery.sent_at = time.monotonic()
            if delivery.kind == POISON:
                scheme = samples.SCHEMES[0]
                delivery.webhook_id = send_poison(state, scheme, delivery.object_id, samples.EVENT_TYPES[0])[
                    "webhook_id"
                ]
            else:
                assert delivery.webhook is not None
                delivery.status, delivery.answer = post(state["api_url"], delivery.webhook)
            delivery.answered_at = time.monotonic()

    valid_ids = {d.webhook_id for d in deliveries if d.kind == VALID}
    watch_name = f"queue-spike-{secrets.token_hex(4)}"
    with emulator.subscribed_queue(endpoint, state["topic_arn"], watch_name) as watch_queue:
        collector = NotificationCollector(sqs, watch_queue)
        collector.start()
        started = time.monotonic()
        try:
            order = list(streams)
            rng.shuffle(order)
            with ThreadPoolExecutor(
                max_workers=config.concurrency, thread_name_prefix="spike-sender"
            ) as pool:
                list(pool.map(deliver, order))
            posted = time.monotonic()
            deadline = started + config.timeout_seconds
            while time.monotonic() < deadline:
                seen = {body.get("webhook_id") for _, body in collector.snapshot()}
                if valid_ids <= seen and dlq_depth(sqs, state["dlq_url"]) >= dlq_before + config.poison:
                    break
                time.sleep(0.2)
            time.sleep(config.settle_seconds)
        finally:
            collector.stop()

    arrivals = collector.snapshot()
    dlq_messages = read_dlq(sqs, state["dlq_url"])
    report = evaluate(config, streams, arrivals, dlq_messages, dynamodb, state["table_name"], started, posted)
    print_report(report, out or sys.stdout)
    return report


def evaluate(
    config: SpikeConfig,
    streams: list[list[Delivery]],
    arrivals: list[tuple[float, dict[str, Any]]],
    dlq_messages: list[dict[str, Any]],
    dynamodb: Any,
    table_name: str,
    started: float,
    posted: float,
) -> SpikeReport:
    deliveries = [d for stream in streams for d in stream]
    by_kind: dict[str, list[Delivery]] = {kind: [] for kind in (VALID, DUPLICATE, BAD_SIGNATURE, POISON)}
    for delivery in deliveries:
        by_kind[delivery.kind].append(delivery)
    valid_ids = [d.webhook_id for d in by_kind[VALID]]
    poison_ids = {d.webhook_id for d in by_kind[POISON]}
    ours = set(valid_ids) | poison_ids | {d.webhook_id for d in by_kind[BAD_SIGNATURE]}

    notified: dict[str, list[float]] = {}
    per_object: dict[str, list[str]] = {}
    for arrived, body in arrivals:
        webhook_id = body.get("webhook_id")
        if webhook_id not in ours:
            continue
        notified.setdefault(webhook_id, []).append(arrived)
        per_object.setdefault(str(body.get("object_id")), []).append(webhook_id)
    dead_lettered = {}
    for message in dlq_messages:
        webhook_id = json.loads(message["Body"]).get("webhook_id")
        if webhook_id in poison_ids:
            dead_lettered[webhook_id] = message["Attributes"]
    statuses = stored_statuses(
        dynamodb, table_name, valid_ids + sorted(poison_ids) + [d.webhook_id for d in by_kind[BAD_SIGNATURE]]
    )

    checks = []
    not_accepted = [
        d.webhook_id for d in by_kind[VALID] if d.status != 200 or d.answer.get("status") != "accepted"
    ]
    checks.append(
        Check("every valid webhook accepted on first delivery", not not_accepted, _ids(not_accepted))
    )
    not_duplicate = [
        d.webhook_id for d in by_kind[DUPLICATE] if d.status != 200 or d.answer.get("status") != "duplicate"
    ]
    checks.append(Check("every redelivery answered 200 duplicate", not not_duplicate, _ids(not_duplicate)))
    let_in = [
        d.webhook_id
        for d in by_kind[BAD_SIGNATURE]
        if d.status != 401 or statuses.get(d.webhook_id) is not None
    ]
    checks.append(Check("every bad signature rejected 401 and not stored", not let_in, _ids(let_in)))
    wrong_count = [w for w in valid_ids if len(notified.get(w, [])) != 1]
    leaked = [w for w in notified if w not in set(valid_ids)]
    checks.append(
        Check(
            "every valid webhook processed exactly once (one notification)",
            not wrong_count and not leaked,
            f"{_ids(wrong_count)} wrong count; {_ids(leaked)} should never be notified",
        )
    )
    expected_order = {}
    for stream in streams:
        ordered = [d.webhook_id for d in stream if d.kind == VALID]
        if ordered:
            expected_order[stream[0].object_id] = ordered
    out_of_order = [obj for obj, ids in expected_order.items() if per_object.get(obj, []) != ids]
    checks.append(
        Check(
            "per-object order kept (notification order = delivery order)",
            not out_of_order,
            _ids(out_of_order),
        )
    )
    lost = [w for w in valid_ids if statuses.get(w) != "PROCESSED" or w not in notified]
    lost += [w for w in poison_ids if w not in dead_lettered]
    checks.append(Check("nothing lost (valid: PROCESSED and notified; poison: in DLQ)", not lost, _ids(lost)))
    missing_poison = sorted(poison_ids - set(dead_lettered))
    checks.append(Check("every poison message in the DLQ", not missing_poison, _ids(missing_poison)))

    answered = [d for d in deliveries if d.kind != POISON]
    latencies = [
        (notified[d.webhook_id][0] - d.sent_at) * 1000 for d in by_kind[VALID] if d.webhook_id in notified
    ]
    last_arrival = max((times[0] for w, times in notified.items() if w in set(valid_ids)), default=posted)
    duration = max(last_arrival - started, 1e-9)
    counts = {
        "deliveries": len(deliveries),
        "accepted": sum(1 for d in answered if d.status == 200 and d.answer.get("status") == "accepted"),
        "duplicate": sum(1 for d in answered if d.status == 200 and d.answer.get("status") == "duplicate"),
        "rejected": sum(1 for d in answered if d.status != 200),
        "poison_enqueued": len(by_kind[POISON]),
        "processed": sum(1 for w in valid_ids if w in notified),
        "notifications": sum(len(times) for times in notified.values()),
        "dead_lettered": len(dead_lettered),
    }
    return SpikeReport(
        config=config,
        counts=counts,
        end_to_end_ms=percentiles(latencies),
        http_ms=percentiles([(d.answered_at - d.sent_at) * 1000 for d in answered]),
        duration_seconds=duration,
        processed_per_second=counts["processed"] / duration,
        deliveries_per_second=len(answered) / max(posted - started, 1e-9),
        checks=checks,
        poison=[
            {
                "webhook_id": w,
                "group_id": a.get("MessageGroupId", ""),
                "deduplication_id": a.get("MessageDeduplicationId", ""),
            }
            for w, a in sorted(dead_lettered.items())
        ],
    )


def _ids(values: list[str]) -> str:
    return (
        "none"
        if not values
        else f"{len(values)}: " + ", ".join(sorted(values)[:5]) + (" ..." if len(values) > 5 else "")
    )


def print_report(report: SpikeReport, out: TextIO) -> None:
    c, config = report.counts, report.config
    out.write(
        f"spike: {config.webhooks} webhooks over {config.objects} objects, concurrency {config.concurrency} "
        f"(moto on this machine, not AWS)\n"
        f"  deliveries {c['deliveries']}: accepted {c['accepted']}, duplicate {c['duplicate']}, "
        f"rejected {c['rejected']}, poison enqueued {c['poison_enqueued']}\n"
        f"  processed {c['processed']} ({c['notifications']} notifications), "
        f"dead-lettered {c['dead_lettered']}\n"
    )
    for label, values in (("end-to-end", report.end_to_end_ms), ("HTTP answer", report.http_ms)):
        if values:
            out.write(f"  {label:<11} ms: " + ", ".join(f"{k} {v:.0f}" for k, v in values.items()) + "\n")
    out.write(
        f"  throughput: {report.processed_per_second:.1f} processed/s over {report.duration_seconds:.1f} s, "
        f"{report.deliveries_per_second:.1f} deliveries/s answered\n"
    )
    for check in report.checks:
        out.write(
            f"  [{'PASS' if check.ok else 'FAIL'}] {check.name}"
            + ("" if check.ok else f": {check.detail}")
            + "\n"
        )
    out.flush()


API_LINE = re.compile(r" (?:ACCEPTED|DUPLICATE|REJECTED) +\S+ \d{3} in (\d+) ms")
BATCH_LINE = re.compile(r" (?:PROCESSED|FAILED|DEAD-LETTERED) +.*, batch of (\d+) in (\d+) ms\)")


def handler_times(stack_output: str) -> dict[str, float]:
    """Validator and processor invocation times from a local stack's event lines.

    Every message of a batch prints the batch's size k and duration t, so each line stands for t/k of
    processor time and 1/k of a batch.
    """
    validator = [float(m.group(1)) for m in API_LINE.finditer(stack_output)]
    batch_lines = [(int(m.group(1)), float(m.group(2))) for m in BATCH_LINE.finditer(stack_output)]
    if not validator or not batch_lines:
        return {}
    batches = sum(1 / size for size, _ in batch_lines)
    processor_ms = sum(duration / size for size, duration in batch_lines)
    return {
        "validator_invocations": len(validator),
        "validator_mean_ms": sum(validator) / len(validator),
        **{f"validator_{k}_ms": v for k, v in percentiles(validator).items() if k in ("p50", "p95")},
        "processor_batches": round(batches),
        "processor_mean_batch_ms": processor_ms / batches,
        "processor_mean_batch_size": len(batch_lines) / batches,
    }


def print_handler_times(timings: dict[str, float], out: TextIO) -> None:
    """Handler times and what reserved concurrency makes of them (Lambda-bound only; see README)."""
    if not timings:
        return
    validator_s = timings["validator_mean_ms"] / 1000
    batch_s = timings["processor_mean_batch_ms"] / 1000
    concurrency = settings.RESERVED_CONCURRENCY
    out.write(
        f"  handler time: validator mean {timings['validator_mean_ms']:.0f} ms "
        f"(p50 {timings['validator_p50_ms']:.0f}, p95 {timings['validator_p95_ms']:.0f}) over "
        f"{timings['validator_invocations']:.0f} invocations; processor mean {batch_s * 1000:.0f} ms "
        f"per batch of {timings['processor_mean_batch_size']:.1f} over {timings['processor_batches']:.0f} "
        "batches\n"
        f"  at these times, reserved concurrency {concurrency} sustains about "
        f"{concurrency / validator_s:.0f} webhooks/s (validator) and "
        f"{concurrency * timings['processor_mean_batch_size'] / batch_s:.0f} messages/s (processor, "
        f"with at least {concurrency} objects active)\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m payhooks_tools.spike", description=__doc__.split("\n\n")[0]
    )
    defaults = SpikeConfig()
    parser.add_argument("--webhooks", type=int, default=defaults.webhooks, help="deliveries in total")
    parser.add_argument(
        "--objects", type=int, default=defaults.objects, help="business objects (FIFO groups)"
    )
    parser.add_argument(
        "--duplicates", type=float, default=defaults.duplicate_share, help="share of redeliveries"
    )
    parser.add_argument("--bad-signatures", type=float, default=defaults.bad_signature_share, help="share")
    parser.add_argument("--poison", type=int, default=defaults.poison, help="poison messages (count)")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency, help="parallel senders")
    parser.add_argument("--timeout", type=float, default=defaults.timeout_seconds, help="seconds to wait")
    parser.add_argument("--seed", type=int, help="random seed of the scenario")
    parser.add_argument("--state-file", type=Path, help="use this running stack instead of a private one")
    parser.add_argument("--json", action="store_true", help="also print the report as JSON")
    args = parser.parse_args(argv)
    config = SpikeConfig(
        webhooks=args.webhooks,
        objects=args.objects,
        duplicate_share=args.duplicates,
        bad_signature_share=args.bad_signatures,
        poison=args.poison,
        concurrency=args.concurrency,
        timeout_seconds=args.timeout,
        seed=args.seed,
    )
    if args.state_file is not None:
        report = run_spike(local_stack.read_state(args.state_file), config)
        timings = None
    else:
        with tempfile.TemporaryFile("w+") as stack_output:
            with local_stack.launch(output=stack_output) as state:
                report = run_spike(state, config)
            stack_output.seek(0)
            timings = handler_times(stack_output.read())
        print_handler_times(timings, sys.stdout)
    if args.json:
        print(json.dumps({**report.to_json(), "handler_times": timings}, indent=2))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
