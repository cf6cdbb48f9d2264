"""The local stack (moto's server + the real handlers) in a child process on free ports, once per module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from payhooks_tools import emulator, local_stack


@pytest.fixture(scope="module")
def stack_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("local-stack") / "stack.log"


@pytest.fixture(scope="module")
def stack(stack_log: Path) -> Iterator[dict[str, Any]]:
    """State of a running local stack (URLs, ARNs); its one-line-per-event output goes to `stack_log`."""
    with stack_log.open("w") as output, local_stack.launch(output=output, handler_logs=True) as state:
        yield state


@pytest.fixture(scope="module")
def state_file(stack: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("state") / "stack.json"
    path.write_text(json.dumps(stack))
    return path


@pytest.fixture(scope="module")
def sqs(stack: dict[str, Any]) -> Any:
    return emulator.client("sqs", stack["endpoint_url"])


@pytest.fixture(scope="module")
def dynamodb(stack: dict[str, Any]) -> Any:
    return emulator.client("dynamodb", stack["endpoint_url"])
