"""Wall-clock helpers: epoch seconds for comparisons and TTLs, ISO-8601 UTC strings for records."""

from __future__ import annotations

import time
from datetime import datetime, timezone


def now_epoch() -> float:
    return time.time()


def iso_utc(epoch_seconds: float) -> str:
    """ISO-8601 UTC with millisecond precision and a `Z` suffix, e.g. 2026-01-31T12:00:00.000Z."""
    moment = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def elapsed_ms(started: float) -> float:
    """Milliseconds since a `time.perf_counter()` reading, rounded for logs."""
    return round((time.perf_counter() - started) * 1000, 3)
