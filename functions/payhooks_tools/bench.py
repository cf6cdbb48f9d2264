"""Benchmarks: Lambda cold-start overhead, AWS API calls per webhook / batch, policy gate runtime.

    PYTHONPATH=functions python -m payhooks_tools.bench [--runs 7] [--no-gate]

1. Cold start: each handler's import + initialisation, timed inside fresh interpreters (interpreter start-up
   excluded), next to the floor every Lambda with the same role pays anyway: `import boto3`, creating the same
   clients, importing aws-xray-sdk. Medians over `--runs` alternating runs, after one discarded warm-up run
   (which also writes the bytecode caches).
2. AWS API calls per new webhook (signing keys cached) and per batch of 10 new messages, counted on the
   handlers' own botocore clients with `payhooks_tools.api_calls` (as the tests do) against moto in-process.
3. The policy gate (`python -m policies gate --dir infra --out <tmp>`) next to a bare Checkov run on infra/.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FUNCTIONS_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = FUNCTIONS_ROOT.parent
OFFLINE_AWS_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_EC2_METADATA_DISABLED": "true",
}
CHECKOV_OFFLINE_ENV = {"BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}

_CLIENT_CONFIG = (
    "from botocore.config import Config\n"
    "config = Config(connect_timeout=2, read_timeout=5, retries={'mode': 'standard', 'max_attempts': 3})\n"
)
COLD_START = {
    "webhook_validator": {
        "floor": "import boto3\n"
        + _CLIENT_CONFIG
        + "for name in ('dynamodb', 'sqs', 'secretsmanager'):\n"
        + "    boto3.client(name, config=config)\n"
        + "import aws_xray_sdk.core\n",
        "handler": "import webhook_validator.handler\n",
    },
    "batch_processor": {
        "floor": "import boto3\n"
        + _CLIENT_CONFIG
        + "for name in ('dynamodb', 'sns'):\n"
        + "    boto3.client(name, config=config)\n"
        + "import aws_xray_sdk.core\n",
        "handler": "import batch_processor.handler\n",
    },
}
_TIMED = (
    "import time\n_wall, _cpu = time.perf_counter(), time.process_time()\n{code}"
    "print(time.perf_counter() - _wall, time.process_time() - _cpu)\n"
)


def _subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(OFFLINE_AWS_ENV)
    env["PYTHONPATH"] = os.pathsep.join([str(FUNCTIONS_ROOT), str(REPO_ROOT)])
    env.update(extra or {})
    return env


def time_in_fresh_interpreter(code: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of running `code` in a new interpreter, start-up excluded."""
    result = subprocess.run(  # noqa: S603  (fixed argv: this interpreter and our own snippets)
        [sys.executable, "-c", _TIMED.format(code=code)],
        env=_subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    wall, cpu = result.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def cold_start(runs: int) -> list[str]:
    """Medians of CPU and wall time; the ratio uses CPU time, which other load on a shared machine barely
    moves (import and client creation are CPU-bound; a Lambda cold start has its CPU to itself)."""
    lines = [
        f"cold start: import + init, median of {runs} fresh interpreters each "
        "(floor = import boto3 + the same clients + import aws-xray-sdk)"
    ]
    for name, code in COLD_START.items():
        time_in_fresh_interpreter(code["floor"])
        time_in_fresh_interpreter(code["handler"])
        floors, handlers = [], []
        for _ in range(runs):
            floors.append(time_in_fresh_interpreter(code["floor"]))
            handlers.append(time_in_fresh_interpreter(code["handler"]))
        floor_wall, floor_cpu = (statistics.median(values) for values in zip(*floors))
        handler_wall, handler_cpu = (statistics.median(values) for values in zip(*handlers))
        ratio = handler_cpu / floor_cpu
        lines.append(
            f"  {name:<18} cpu: floor {floor_cpu * 1000:6.1f} ms, handler {handler_cpu * 1000:6.1f} ms, "
            f"ratio {ratio:.3f} (overhead {(ratio - 1) * 100:+.1f}%)   "
            f"wall: floor {floor_wall * 1000:6.1f} ms, handler {handler_wall * 1000:6.1f} ms"
        )
    return lines


def _stripe_event(webhook_id: str, object_id: str, secret: str) -> dict[str, Any]:
    body = json.dumps(
        {"id": webhook_id, "type": "payment_intent.succeeded", "data": {"object": {"id": object_id}}}
    ).encode()
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {
        "headers": {"Stripe-Signature": f"t={timestamp},v1={signature}"},
        "multiValueHeaders": None,
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def _drain(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Receive and delete every message on the queue."""
    drained: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, AttributeNames=["All"])
        if not messages.get("Messages"):
            return drained
        for message in messages["Messages"]:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            drained.append(message)


def api_calls() -> list[str]:
    """Run both handlers against moto in-process and count the API calls of their clients."""
    os.environ.update(OFFLINE_AWS_ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"  # the handlers' per-event lines would drown the report
    from moto import mock_aws  # before the handlers, so moto hooks the clients they create

    from batch_processor import handler as processor
    from payhooks_tools.api_calls import recording
    from webhook_validator import handler as validator

    secret = "whsec_bench"  # noqa: S105  (a throwaway key for moto)
    with mock_aws():
        import boto3

        ddb, sqs, sns = boto3.client("dynamodb"), boto3.client("sqs"), boto3.client("sns")
        ddb.create_table(
            TableName="bench",
            KeySchema=[{"AttributeName": "webhook_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "webhook_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        queue_url = sqs.create_queue(QueueName="bench.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        os.environ.update(
            TABLE_NAME="bench",
            QUEUE_URL=queue_url,
            TOPIC_ARN=sns.create_topic(Name="bench")["TopicArn"],
            SIGNING_SECRET_ARN=boto3.client("secretsmanager").create_secret(
                Name="bench", SecretString=json.dumps({"stripe": [secret]})
            )["ARN"],
        )
        validator.signing_keys.clear()
        validator.lambda_handler(_stripe_event("evt_warmup", "obj_warmup", secret), None)
        with recording(validator.dynamodb, validator.sqs, validator.secretsmanager) as per_webhook:
            answer = validator.lambda_handler(_stripe_event("evt_new", "obj_new", secret), None)
        assert answer["statusCode"] == 200, answer
        _drain(sqs, queue_url)
        for index in range(10):
            validator.lambda_handler(_stripe_event(f"evt_{index}", f"obj_{index % 3}", secret), None)
        batch = [
            {
                "messageId": message["MessageId"],
                "body": message["Body"],
                "attributes": {"MessageGroupId": message["Attributes"]["MessageGroupId"]},
            }
            for message in _drain(sqs, queue_url)
        ]
        with recording(processor.dynamodb, processor.sns) as per_batch:
            result = processor.lambda_handler({"Records": batch}, None)
        assert result == {"batchItemFailures": []}, result
    return [
        "AWS API calls (moto in-process, counted on the handlers' botocore clients)",
        f"  per new webhook (keys cached): {per_webhook.total} (budget <= 2)  "
        f"{dict(per_webhook.by_operation())}",
        f"  per batch of {len(batch)} new messages: {per_batch.total} (budget <= 3)  "
        f"{dict(per_batch.by_operation())}",
    ]


def _timed_command(command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603  (fixed argv: this interpreter or the venv's checkov)
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    return time.perf_counter() - started, result


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else "no output"


def gate_runtime() -> list[str]:
    lines = ["policy gate vs bare Checkov on infra/"]
    env = _subprocess_env(CHECKOV_OFFLINE_ENV)
    if not (REPO_ROOT / "policies" / "__main__.py").exists():
        lines.append("  gate: not available (policies/__main__.py is absent)")
    else:
        with tempfile.TemporaryDirectory(prefix="payhooks-bench-") as out:
            seconds, result = _timed_command(
                [sys.executable, "-m", "policies", "gate", "--dir", "infra", "--out", out], env
            )
        if result.returncode == 0:
            lines.append(f"  gate:          {seconds:6.1f} s")
        else:
            reason = _last_line(result.stderr or result.stdout)
            lines.append(f"  gate: not available (exit {result.returncode} after {seconds:.1f} s: {reason})")
    checkov = shutil.which("checkov", path=str(Path(sys.executable).parent)) or shutil.which("checkov")
    if checkov is None:
        lines.append("  bare checkov: not available (checkov not installed)")
        return lines
    seconds, result = _timed_command(
        [
            checkov,
            "-d",
            "infra",
            "--framework",
            "terraform",
            "--skip-download",
            "--quiet",
            "--compact",
            "--soft-fail",
        ],
        env,
    )
    if result.returncode == 0:
        lines.append(f"  bare checkov:  {seconds:6.1f} s")
    else:
        lines.append(f"  bare checkov: not available (exit {result.returncode}: {_last_line(result.stderr)})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m payhooks_tools.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per measurement (default 7)")
    parser.add_argument("--no-gate", action="store_true", help="skip the policy gate and Checkov timing")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sections = [cold_start(args.runs), api_calls()]
    if not args.no_gate:
        sections.append(gate_runtime())
    print("\n\n".join("\n".join(section) for section in sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
