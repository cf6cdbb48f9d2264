"""Sign sample Stripe / Standard Webhooks events with the local stack's secret and post them.

Like a provider's "trigger" command:

    python -m payhooks_tools.sender [--scheme stripe|standard_webhooks] [--count N] [--object ID]
                                    [--bad-signature] [--stale] [--duplicate] [--poison] [--url URL]

The stack's state file (written by `make local`) gives the URL and where to read the signing secret. Exits 1
when an answer is not the one the delivery should get (200, or 401 with --bad-signature / --stale).
`--poison` does not go through the API: it puts a message on the FIFO queue for a webhook that was never
stored (as a lost item or a foreign producer would), which the real processor fails (`item_not_found`) until
SQS moves it to the DLQ after 3 receives.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError

from payhooks_tools import emulator, samples
from payhooks_tools.local_stack import DEFAULT_STATE_FILE, read_state

# Past the validator's default 300 s tolerance, with margin for clock skew.
STALE_BY_SECONDS = 600


def post(url: str, webhook: samples.SignedWebhook, timeout: float = 30) -> tuple[int, dict[str, Any]]:
    """POST one delivery; return the HTTP status and the JSON answer."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, data=webhook.body, headers=webhook.headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (scheme checked above)
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {"raw": raw.decode("utf-8", "replace")}
    return status, answer if isinstance(answer, dict) else {"raw": answer}


def poison_message(scheme: str, object_id: str, event_type: str) -> tuple[str, dict[str, Any]]:
    """A queue message in the validator's format for a webhook that has no stored item."""
    webhook_id = samples.new_webhook_id(scheme)
    now = time.time()
    body = {
        "event_type": event_type,
        "object_id": object_id,
        "provider": scheme,
        "received_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z",
        "webhook_id": webhook_id,
    }
    return webhook_id, body


def send_poison(state: dict[str, Any], scheme: str, object_id: str, event_type: str) -> dict[str, Any]:
    """Enqueue a poison message (group = object, deduplication id = webhook id, as the validator does)."""
    webhook_id, body = poison_message(scheme, object_id, event_type)
    emulator.client("sqs", state["endpoint_url"]).send_message(
        QueueUrl=state["queue_url"],
        MessageBody=json.dumps(body, separators=(",", ":"), sort_keys=True),
        MessageGroupId=object_id,
        MessageDeduplicationId=webhook_id,
    )
    return {"webhook_id": webhook_id, "group_id": object_id, "deduplication_id": webhook_id}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m payhooks_tools.sender", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--scheme", choices=samples.SCHEMES, default="stripe")
    parser.add_argument("--count", type=int, default=1, help="events to send, in order, for one object")
    parser.add_argument("--object", dest="object_id", help="business object id (default: a new pi_...)")
    parser.add_argument(
        "--bad-signature", action="store_true", help="sign with a secret the stack does not hold"
    )
    parser.add_argument("--stale", action="store_true", help=f"timestamp {STALE_BY_SECONDS} s in the past")
    parser.add_argument("--duplicate", action="store_true", help="deliver every event twice")
    parser.add_argument("--poison", action="store_true", help="enqueue messages the processor must fail")
    parser.add_argument("--url", help="webhook endpoint (default: the running local stack's)")
    parser.add_argument("--state-file", type=Path, default=DEFAULT_STATE_FILE)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")

    state = read_state(args.state_file)
    url = args.url or state["api_url"]
    object_id = args.object_id or samples.new_object_id()
    if args.poison:
        for index in range(args.count):
            event_type = samples.EVENT_TYPES[index % len(samples.EVENT_TYPES)]
            print(f"poison  {json.dumps(send_poison(state, args.scheme, object_id, event_type))}")
        return 0

    try:
        signing_secrets = emulator.read_signing_secrets(emulator.LocalResources.from_json(state))
    except BotoCoreError as error:
        raise SystemExit(
            f"cannot read the local signing secret: {error} (is `make local` running?)"
        ) from None
    expected_status = 401 if args.bad_signature or args.stale else 200
    exit_code = 0
    for index in range(args.count):
        webhook = samples.signed_webhook(
            args.scheme,
            signing_secrets,
            object_id=object_id,
            event_type=samples.EVENT_TYPES[index % len(samples.EVENT_TYPES)],
            timestamp=int(time.time()) - STALE_BY_SECONDS if args.stale else None,
            bad_signature=args.bad_signature,
        )
        for _ in range(2 if args.duplicate else 1):
            try:
                status, answer = post(url, webhook)
            except urllib.error.URLError as error:
                raise SystemExit(f"cannot reach {url}: {error.reason} (is `make local` running?)") from None
            print(f"{status} {webhook.scheme} {webhook.event_type} {webhook.webhook_id} {json.dumps(answer)}")
            if status != expected_status:
                exit_code = 1
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
