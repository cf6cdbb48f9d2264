"""Counting the AWS API calls made through botocore clients (tests and `payhooks_tools.bench` share it).

A `before-call` hook is registered on each client's own event emitter, so a logical API call counts once
whatever its retries, and only the clients passed in are observed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_HOOK_ID = "payhooks-api-call-recorder"


class ApiCallRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def _record(self, model: Any, **_: Any) -> None:
        self.calls.append((model.service_model.service_name, model.name))

    @property
    def total(self) -> int:
        return len(self.calls)

    def by_operation(self) -> Counter[str]:
        return Counter(f"{service}:{operation}" for service, operation in self.calls)

    def reset(self) -> None:
        self.calls.clear()


@contextmanager
def recording(*clients: Any) -> Iterator[ApiCallRecorder]:
    """Record every API call the given boto3 clients make inside the block."""
    recorder = ApiCallRecorder()
    for client in clients:
        client.meta.events.register("before-call.*.*", recorder._record, unique_id=_HOOK_ID)
    try:
        yield recorder
    finally:
        for client in clients:
            client.meta.events.unregister("before-call.*.*", unique_id=_HOOK_ID)
