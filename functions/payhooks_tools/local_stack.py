"""The whole pipeline on moto's server with the real handlers, until interrupted (`make local`).

    python -m payhooks_tools.local_stack [--port 8787] [--state-file .local/stack.json]

Prints one line per accepted, duplicate, rejected, processed, retried and dead-lettered webhook, and each SNS
notification as it arrives on a queue subscribed to the topic. The state file tells the sender and the spike
where the stack is; it holds no secret (they read the signing secret from the emulator's Secrets Manager).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from payhooks_tools import emulator
from payhooks_tools import local_settings as settings
from payhooks_tools.local_api import LocalApi
from payhooks_tools.poller import Outcome, Poller

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STATE_FILE = REPO_ROOT / ".local" / "stack.json"
DEFAULT_PORT = 8787


def handler_environment(resources: emulator.LocalResources) -> dict[str, str]:
    """What the deployed functions get from Terraform, plus what points boto3 and X-Ray at nothing real."""
    return {
        "TABLE_NAME": resources.table_name,
        "QUEUE_URL": resources.queue_url,
        "SIGNING_SECRET_ARN": resources.signing_secret_arn,
        "TOPIC_ARN": resources.topic_arn,
        "SIGNATURE_TOLERANCE_SECONDS": str(settings.SIGNATURE_TOLERANCE_SECONDS),
        "RETENTION_DAYS": str(settings.RETENTION_DAYS),
        "MAX_BODY_BYTES": str(settings.MAX_BODY_BYTES),
        "AWS_ENDPOINT_URL": resources.endpoint_url,
        "AWS_DEFAULT_REGION": resources.region,
        "AWS_REGION": resources.region,
        "AWS_ACCESS_KEY_ID": emulator.FAKE_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": emulator.FAKE_CREDENTIALS["aws_secret_access_key"],
        "AWS_XRAY_SDK_ENABLED": "false",
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
    }


def load_handlers(resources: emulator.LocalResources, handler_logs: bool = False) -> tuple[Any, Any]:
    """Import the real handlers after the environment is set: they create their clients at import.

    Their JSON logs (INFO) would drown the one-line-per-webhook view, so only warnings show unless asked for.
    """
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(handler_environment(resources))
    os.environ["LOG_LEVEL"] = "INFO" if handler_logs else "WARNING"
    return _entry_point(settings.VALIDATOR_HANDLER), _entry_point(settings.PROCESSOR_HANDLER)


def _entry_point(dotted: str) -> Any:
    module, function = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), function)


class EventLog:
    """One line per pipeline event, safe to call from several threads."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout
        self._lock = threading.Lock()

    def line(self, kind: str, text: str) -> None:
        now = time.time()
        stamp = time.strftime("%H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1000):03d}"
        with self._lock:
            self._stream.write(f"{stamp} {kind:<13} {text}\n")
            self._stream.flush()

    def api_call(self, event: dict, response: dict, seconds: float) -> None:
        status = int(response.get("statusCode", 0))
        try:
            answer = json.loads(response.get("body") or "{}")
        except ValueError:
            answer = {}
        claimed = _claimed_webhook_id(event)
        timing = f"{status} in {seconds * 1000:.0f} ms"
        if status == 200 and answer.get("status") == "duplicate":
            self.line("DUPLICATE", f"{claimed} {timing}")
        elif status == 200:
            self.line("ACCEPTED", f"{answer.get('webhook_id', claimed)} {timing}")
        else:
            reason = answer.get("message") or answer.get("error") or ""
            self.line("REJECTED", f"{claimed} {timing} {reason}".rstrip())

    def batch_outcome(self, outcome: Outcome) -> None:
        where = (
            f"group {outcome.group_id}, dedup {outcome.deduplication_id}, "
            f"receive {outcome.receive_count}/{settings.MAX_RECEIVE_COUNT}, "
            f"batch of {outcome.batch_size} in {outcome.duration_seconds * 1000:.0f} ms"
        )
        if outcome.succeeded:
            self.line("PROCESSED", f"{outcome.webhook_id} ({where})")
        elif outcome.dead_lettered:
            self.line(
                "DEAD-LETTERED",
                f"{outcome.webhook_id} ({where}): SQS moves it to the DLQ on its next receive",
            )
        else:
            self.line("FAILED", f"{outcome.webhook_id} ({where}): stays on the queue for a retry")

    def notification(self, body: str) -> None:
        self.line("NOTIFIED", body)


def _claimed_webhook_id(event: dict) -> str:
    """The id the request claims (display only: a rejected request's claim is unverified)."""
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    if "webhook-id" in headers:
        return headers["webhook-id"]
    try:
        document = json.loads(event.get("body") or "")
    except ValueError:
        return "-"
    return str(document.get("id", "-")) if isinstance(document, dict) else "-"


class NotificationWatcher:
    """Prints SNS notifications as they arrive on the queue subscribed to the topic."""

    def __init__(self, sqs: Any, queue_url: str, log: EventLog) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._log = log
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notifications", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                messages = self._sqs.receive_message(
                    QueueUrl=self._queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
                ).get("Messages", [])
            except Exception as error:
                if not self._stopping.is_set():
                    self._log.line(
                        "ERROR", f"notifications receive failed ({type(error).__name__}), retrying"
                    )
                    time.sleep(0.5)
                continue
            for message in messages:
                self._log.notification(message["Body"])
                self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])


class LocalStack:
    """Emulator, resources, API and poller started together; `stop()` tears them down in reverse order."""

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        *,
        emulator_port: int = 0,
        retry_after_seconds: float = 1.0,
        concurrency: int = 2,
        handler_logs: bool = False,
        log: EventLog | None = None,
    ) -> None:
        self.log = log or EventLog()
        self._server, endpoint_url = emulator.start_server(emulator_port)
        self.resources = emulator.create_resources(endpoint_url, emulator.generate_signing_secrets())
        validator, processor = load_handlers(self.resources, handler_logs)
        sqs = emulator.client("sqs", endpoint_url)
        self.api = LocalApi(validator, port, observer=self.log.api_call)
        self.poller = Poller(
            sqs,
            self.resources.queue_url,
            self.resources.queue_arn,
            processor,
            retry_after_seconds=retry_after_seconds,
            concurrency=concurrency,
            observer=self.log.batch_outcome,
        )
        self.watcher = NotificationWatcher(sqs, self.resources.notifications_queue_url, self.log)

    def start(self) -> None:
        self.watcher.start()
        self.poller.start()
        self.api.start()

    def stop(self) -> None:
        self.api.stop()
        self.poller.stop()
        self.watcher.stop()
        self._server.stop()

    def state(self) -> dict[str, Any]:
        return {"api_url": self.api.url, **self.resources.to_json()}


def read_state(path: Path = DEFAULT_STATE_FILE) -> dict[str, Any]:
    """The running stack's state file, with a hint when there is none."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise SystemExit(f"no local stack state at {path}: start one with `make local`") from None


@contextmanager
def launch(
    *,
    retry_after_seconds: float = 1.0,
    concurrency: int = 2,
    handler_logs: bool = False,
    output: TextIO | None = None,
    timeout: float = 60,
) -> Iterator[dict[str, Any]]:
    """Run a private stack in a child process on free ports; yield its state; stop it on exit.

    A separate process keeps the handlers' environment (AWS_ENDPOINT_URL, table and queue names) and their
    module-level clients out of the caller's process.
    """
    with tempfile.TemporaryDirectory(prefix="payhooks-local-") as directory:
        state_file = Path(directory) / "stack.json"
        functions_root = str(Path(__file__).resolve().parents[1])
        python_path = os.pathsep.join(filter(None, [functions_root, os.environ.get("PYTHONPATH")]))
        command = [
            sys.executable, "-m", "payhooks_tools.local_stack", "--port", "0",
            "--state-file", str(state_file),
            "--retry-after", str(retry_after_seconds),
            "--concurrency", str(concurrency),
        ] + (["--handler-logs"] if handler_logs else [])  # fmt: skip
        process = subprocess.Popen(  # noqa: S603  (our own module, fixed arguments)
            command,
            env={**os.environ, "PYTHONPATH": python_path},
            stdout=output if output is not None else subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while not state_file.exists():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"local stack exited with status {process.returncode} before it was ready"
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(f"local stack not ready after {timeout:.0f} s")
                time.sleep(0.1)
            yield json.loads(state_file.read_text())
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m payhooks_tools.local_stack", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="webhook API port (0: any free port)")
    parser.add_argument(
        "--emulator-port", type=int, default=0, help="moto server port (default: any free port)"
    )
    parser.add_argument("--state-file", type=Path, default=DEFAULT_STATE_FILE)
    parser.add_argument(
        "--retry-after",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="how long a failed message stays in flight before its retry (AWS: the 300 s visibility timeout)",
    )
    parser.add_argument("--concurrency", type=int, default=2, help="processor batches in flight")
    parser.add_argument("--handler-logs", action="store_true", help="also print the handlers' JSON logs")
    args = parser.parse_args(argv)

    try:
        stack = LocalStack(
            args.port,
            emulator_port=args.emulator_port,
            retry_after_seconds=args.retry_after,
            concurrency=args.concurrency,
            handler_logs=args.handler_logs,
        )
    except OSError as error:
        parser.exit(
            2, f"cannot listen on 127.0.0.1: {error.strerror}; choose another --port / --emulator-port\n"
        )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    stack.start()
    args.state_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.state_file.with_suffix(".tmp")
    temporary.write_text(json.dumps(stack.state(), indent=2))
    temporary.replace(args.state_file)
    resources = stack.resources
    print(
        f"payhooks local stack (moto {resources.endpoint_url})\n"
        f"  webhooks:      POST {stack.api.url}\n"
        f"  table:         {resources.table_name}\n"
        f"  queue:         {resources.queue_url}\n"
        f"  DLQ:           {resources.dlq_url}\n"
        f"  topic:         {resources.topic_arn}\n"
        f"  state file:    {args.state_file}\n"
        "Send a signed webhook: python -m payhooks_tools.sender   (Ctrl-C stops)",
        flush=True,
    )
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        args.state_file.unlink(missing_ok=True)
        stack.stop()
        print("local stack stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
