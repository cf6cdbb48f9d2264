"""Structured JSON logs: one line per event on stdout, which Lambda ships to CloudWatch Logs.

Callers pass only metadata fields (request id, webhook id, provider, outcome, latency, error codes).
Payloads, signature headers and secrets are never handed to the logger, so they cannot reach the logs;
exception messages are not logged either (they may quote input), only the exception type and code
locations of the traceback.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from typing import Any

_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({key: value for key, value in record.__dict__.items() if key not in _RESERVED})
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
            entry["error_at"] = [
                f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}:{frame.name}"
                for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(entry, default=str, separators=(",", ":"))


class _StdoutHandler(logging.Handler):
    """Writes to the current `sys.stdout` (looked up per record, so output capture keeps working)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


def get_logger(name: str) -> logging.Logger:
    """A logger under `payhooks` printing JSON lines; it does not propagate to the runtime's root handler."""
    root = logging.getLogger("payhooks")
    if not root.handlers:
        handler = _StdoutHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.propagate = False
        level = os.environ.get("LOG_LEVEL", "INFO").upper()
        root.setLevel(level if isinstance(logging.getLevelName(level), int) else logging.INFO)
    return logging.getLogger(f"payhooks.{name}")
