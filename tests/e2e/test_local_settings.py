"""The local stack's resource settings equal what infra/ deploys (with environment_suffix = "local").

Reads the root module with Checkov's HCL parser (`hcl2` from bc-python-hcl2) and resolves the few expression
forms the compared arguments use: `var.x` (its default), `local.a.b`, `tostring(...)`, `jsonencode({...})`
and string interpolation. Anything else (a resource attribute) stays unresolved and fails the comparison.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from payhooks_tools import local_settings as settings

pytestmark = pytest.mark.e2e

INFRA = Path(__file__).resolve().parents[2] / "infra"
WHOLE_EXPRESSION = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
INTERPOLATION = re.compile(r"\$\{([^${}]+)\}")
REFERENCE = re.compile(r"^(var|local)\.([A-Za-z0-9_.]+)$")
CALL = re.compile(r"^(tostring|jsonencode)\((.*)\)$", re.DOTALL)


class RootModule:
    def __init__(self, directory: Path, overrides: dict[str, Any]) -> None:
        self.blocks: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(directory.glob("*.tf")):
            with path.open() as handle:
                for kind, entries in hcl2.load(handle).items():
                    self.blocks.setdefault(kind, []).extend(entries)
        self.variables = {
            name: body for entry in self.blocks.get("variable", []) for name, body in entry.items()
        }
        self.locals = {
            name: value for entry in self.blocks.get("locals", []) for name, value in entry.items()
        }
        self.overrides = overrides

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        found = {}
        for entry in self.blocks.get("resource", []):
            for name, body in entry.get(resource_type, {}).items():
                found[name] = body
        return found

    def named(self, resource_type: str, name: str) -> tuple[str, dict[str, Any]]:
        """The resource (or module, with type "module") whose resolved name is `name`."""
        if resource_type == "module":
            candidates = {n: b for entry in self.blocks.get("module", []) for n, b in entry.items()}
            key = "function_name"
        else:
            candidates, key = self.resources(resource_type), "name"
        names = {address: self.value(body, key) for address, body in candidates.items() if key in body}
        matches = [address for address, resolved in names.items() if resolved == name]
        assert matches, (
            f"no {resource_type} named {name!r} in infra/ (names: {sorted(map(str, names.values()))})"
        )
        return matches[0], candidates[matches[0]]

    def value(self, body: dict[str, Any], *path: str) -> Any:
        """An argument of a block (path through nested blocks), resolved."""
        current: Any = body
        for key in path:
            current = current[key]
            if isinstance(current, list) and len(current) == 1:
                current = current[0]
        return self.resolve(current)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, str):
            return value
        whole = WHOLE_EXPRESSION.match(value)
        if whole and not INTERPOLATION.search(whole.group(1)):
            return self.expression(whole.group(1).strip())
        if whole and CALL.match(whole.group(1).strip()):
            return self.expression(whole.group(1).strip())
        return INTERPOLATION.sub(lambda m: str(self.expression(m.group(1).strip())), value)

    def expression(self, text: str) -> Any:
        reference = REFERENCE.match(text)
        if reference:
            kind, dotted = reference.groups()
            return self.variable(dotted) if kind == "var" else self.local(dotted)
        call = CALL.match(text)
        if call:
            function, argument = call.groups()
            if function == "tostring":
                return str(self.expression(argument.strip()))
            # Checkov's parser renders the object literal with Python quoting.
            return self.resolve(ast.literal_eval(argument))
        return f"<unresolved {text}>"

    def variable(self, name: str) -> Any:
        if name in self.overrides:
            return self.overrides[name]
        return self.value(self.variables[name], "default")

    def local(self, dotted: str) -> Any:
        first, *rest = dotted.split(".")
        current: Any = self.locals[first]
        for key in [None, *rest]:
            if isinstance(current, list) and len(current) == 1:
                current = current[0]
            if key is not None:
                current = current[key]
        return self.resolve(current)


@pytest.fixture(scope="module")
def infra() -> RootModule:
    return RootModule(INFRA, {"environment_suffix": settings.ENVIRONMENT_SUFFIX})


def test_table_matches(infra: RootModule) -> None:
    _, table = infra.named("aws_dynamodb_table", settings.TABLE_NAME)
    assert infra.value(table, "hash_key") == settings.TABLE_HASH_KEY
    assert infra.value(table, "billing_mode") == settings.TABLE_BILLING_MODE
    assert (infra.value(table, "attribute", "name"), infra.value(table, "attribute", "type")) == (
        settings.TABLE_HASH_KEY,
        "S",
    )
    assert infra.value(table, "ttl", "attribute_name") == settings.TABLE_TTL_ATTRIBUTE
    assert infra.value(table, "ttl", "enabled") is True


def test_queue_and_dlq_match(infra: RootModule) -> None:
    dlq_address, dlq = infra.named("aws_sqs_queue", settings.DLQ_NAME)
    _, queue = infra.named("aws_sqs_queue", settings.QUEUE_NAME)
    assert infra.value(queue, "fifo_queue") is True
    assert infra.value(queue, "visibility_timeout_seconds") == settings.VISIBILITY_TIMEOUT_SECONDS
    assert infra.value(queue, "message_retention_seconds") == settings.QUEUE_RETENTION_SECONDS
    assert infra.value(queue, "deduplication_scope") == settings.DEDUPLICATION_SCOPE
    assert infra.value(queue, "fifo_throughput_limit") == settings.FIFO_THROUGHPUT_LIMIT
    assert infra.value(queue, "redrive_policy") == {
        "deadLetterTargetArn": f"<unresolved aws_sqs_queue.{dlq_address}.arn>",
        "maxReceiveCount": settings.MAX_RECEIVE_COUNT,
    }
    assert infra.value(dlq, "fifo_queue") is True
    assert infra.value(dlq, "message_retention_seconds") == settings.DLQ_RETENTION_SECONDS


def test_topic_and_signing_secret_names_match(infra: RootModule) -> None:
    infra.named("aws_sns_topic", settings.TOPIC_NAME)
    infra.named("aws_secretsmanager_secret", settings.SIGNING_SECRET_NAME)


@pytest.mark.parametrize(
    ("function_name", "handler", "timeout_seconds"),
    [
        (settings.VALIDATOR_FUNCTION_NAME, settings.VALIDATOR_HANDLER, settings.VALIDATOR_TIMEOUT_SECONDS),
        (settings.PROCESSOR_FUNCTION_NAME, settings.PROCESSOR_HANDLER, settings.PROCESSOR_TIMEOUT_SECONDS),
    ],
)
def test_functions_match(infra: RootModule, function_name: str, handler: str, timeout_seconds: int) -> None:
    _, function = infra.named("module", function_name)
    assert infra.value(function, "handler") == handler
    assert infra.value(function, "timeout_seconds") == timeout_seconds
    assert infra.value(function, "memory_size_mb") == settings.FUNCTION_MEMORY_MB
    assert infra.value(function, "reserved_concurrent_executions") == settings.RESERVED_CONCURRENCY


def test_validator_optional_environment_matches(infra: RootModule) -> None:
    _, validator = infra.named("module", settings.VALIDATOR_FUNCTION_NAME)
    environment = infra.value(validator, "environment_variables")
    assert {
        name: environment[name]
        for name in ("SIGNATURE_TOLERANCE_SECONDS", "RETENTION_DAYS", "MAX_BODY_BYTES")
    } == {
        "SIGNATURE_TOLERANCE_SECONDS": str(settings.SIGNATURE_TOLERANCE_SECONDS),
        "RETENTION_DAYS": str(settings.RETENTION_DAYS),
        "MAX_BODY_BYTES": str(settings.MAX_BODY_BYTES),
    }


def test_event_source_mapping_matches(infra: RootModule) -> None:
    queue_address, _ = infra.named("aws_sqs_queue", settings.QUEUE_NAME)
    mappings = infra.resources("aws_lambda_event_source_mapping")
    assert len(mappings) == 1
    (mapping,) = mappings.values()
    assert infra.value(mapping, "event_source_arn") == f"<unresolved aws_sqs_queue.{queue_address}.arn>"
    assert infra.value(mapping, "batch_size") == settings.BATCH_SIZE
    assert tuple(infra.value(mapping, "function_response_types")) == settings.FUNCTION_RESPONSE_TYPES
