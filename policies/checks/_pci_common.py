"""Shared helpers for the payhooks PCI checks (CKV_PCI_*): value handling that fails closed, KMS
customer-managed-key recognition and a cross-resource index over Checkov's resource graph.

Loading. ``checkov --external-checks-dir policies/checks`` walks the folder (it needs ``__init__.py``),
puts the folder on ``sys.path`` and executes every ``*.py`` not starting with ``__`` as a module named
after the file. This file is therefore executed once as a "check" too: it defines classes and functions
only and instantiates nothing, so it registers nothing. The check modules import it with
``from _pci_common import ...``, which works because the folder is on ``sys.path`` while the checks load.

What Checkov passes as ``conf``. The rendered block: every argument wrapped in a one-element list
(``{"retention_in_days": [7]}``), nested blocks as lists of dicts (``{"tracing_config": [{"mode":
["Active"]}]}``), list arguments as a list inside the list (``{"alarm_actions": [["arn..."]]}``), plus
``__address__`` (``module.fn["a"].aws_lambda_function.this``), ``__start_line__`` and ``__end_line__``.
``jsonencode({...})`` arrives as a dict, ``dynamic`` blocks are expanded. Variables with a default,
locals and attributes that are written in the referenced resource are substituted by Checkov's graph
rendering. What stays unresolved keeps its source text: ``var.x`` (a variable without a default),
``aws_kms_key.data.arn`` (an attribute only known after apply), ``"${var.x}-dlq"`` (an interpolation
with an unknown part); a conditional over unknown values becomes ``None``.

Fail closed (ARCHITECTURE.md "Policy gate contract"). Checkov's declarative bases return UNKNOWN for
variable-dependent values and PASSED for any non-empty value under ``ANY_VALUE``; both would hide an
unproven control. Every PCI check derives from ``PCIResourceCheck``, which
- turns a value that is ``None``, still contains ``${``, is a bare ``var.``/``local.``/``module.``/
  ``each.``/``count.`` expression or an unevaluated function call into FAILED with a ``details``
  sentence naming the argument and why it cannot be proven (``unresolved_reason``);
- turns a PASSED whose evaluated arguments were fed by a variable without a value (no default, no
  module argument) into FAILED: Checkov renders such a ``list(...)``/``map(...)`` variable as
  ``[]``/``{}`` with no trace in the value, only in the graph's rendering breadcrumbs;
- turns any exception raised while evaluating into FAILED (Checkov itself would report UNKNOWN,
  which never shows as a failure).
Unset arguments (absent in HCL, ``null`` in a plan) are failures where the rule needs an explicit
value: a KMS deletion window relying on the implicit 30 days, a domain without ``security_policy``.

KMS customer-managed keys (CKV_PCI_001/002/003/004/005). Accepted: a reference to
``aws_kms_key``/``aws_kms_replica_key``/``aws_kms_external_key``/``aws_kms_replica_external_key``
(``.arn``/``.id``/``.key_id``) or to an ``aws_kms_alias`` (AWS refuses aliases that target AWS managed
keys); a key ARN ``arn:<partition>:kms:<region>:<account>:key/<uuid|mrk-...>``; a customer alias name
or alias ARN (not ``alias/aws/...``); a ``data.aws_kms_key``/``data.aws_kms_alias`` whose looked-up
``key_id``/``name`` is itself one of these literals. Rejected: unset, empty, ``alias/aws/*`` (AWS
managed), a bare key id (cannot be told apart from an AWS managed key), and anything unresolved.
Variables with a default are rendered by Checkov before the check runs, so ``var.key`` with a key ARN
default passes and ``var.key`` without a default fails.

Cross-resource rules (CKV_PCI_008/013/014/015/031/040). A Checkov Python resource check sees one
resource, but the registry hands every check the rendered resource graph of the scanned root before it
runs it (``BaseCheckRegistry.run_check`` sets ``check.graph``; the Terraform runner assigns the graph of
the root the scanned file belongs to). ``resource_index(self.graph)`` builds, once per graph, an index of
every resource and data block (address, type, name, module instance, rendered config). A reference such
as ``aws_sqs_queue.dlq.arn`` found in a resource is resolved to the resource of that type and name in the
same module instance, else to the only such resource in the whole graph; an ambiguous reference resolves
to nothing (so the rule fails closed). Names (queue names, ``/aws/lambda/<function_name>``, stage
names) are compared after rendering, as AWS compares them. Without a graph the cross-resource checks
fail with a sentence saying so. Evidence that makes a resource compliant (an alarm, a WAF association, a
log group, an ``aws_kms_key_policy``) must certainly exist: ``count = 0`` removes it, an unresolved
``count`` or an empty or unknown ``for_each`` makes it prove nothing; evidence against a resource (a
method setting with data tracing on) counts as soon as it may exist.

Plans (``--framework terraform_plan``, the gate's ``--plan``). The same checks run on
``terraform show -json`` output: values are resolved, ``null`` means "not set", and a value known only
after apply arrives as the first reference of its configuration expression (``aws_kms_key.data.arn``),
so references keep working; a redrive policy known only after apply fails CKV_PCI_040 closed.
"""

from __future__ import annotations

import json
import re
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkov.common.bridgecrew.severities import get_severity
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

MAPPING_PATH = Path(__file__).resolve().parent.parent / "pci_mapping.yaml"

RESOURCE_LABELS = {
    "aws_api_gateway_domain_name": "API Gateway custom domain",
    "aws_api_gateway_stage": "API Gateway stage",
    "aws_apigatewayv2_domain_name": "API Gateway (v2) custom domain",
    "aws_cloudwatch_log_group": "CloudWatch log group",
    "aws_dynamodb_table": "DynamoDB table",
    "aws_kms_external_key": "KMS external key",
    "aws_kms_key": "KMS key",
    "aws_kms_replica_external_key": "KMS replica external key",
    "aws_kms_replica_key": "KMS replica key",
    "aws_lambda_function": "Lambda function",
    "aws_sns_topic": "SNS topic",
    "aws_sqs_queue": "SQS queue",
}

_UNRESOLVED_PREFIXES = ("var.", "local.", "module.", "each.", "count.", "self.", "path.", "terraform.")
UNCERTAIN_PRESENCE = "exists only under a count or for_each that Checkov could not resolve"
_UNRESOLVED_CAUSE = "a variable without a default or an unknown value"
_FUNCTION_CALL = re.compile(r"^[a-z][a-z0-9_]*\(.*\)$", re.DOTALL)

CMK_RESOURCE_TYPES = frozenset(
    {"aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key"}
)
_KEY_ARN = re.compile(
    r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
)
_ALIAS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(alias/.+)$")
_BARE_KEY_ID = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
)

_ADDRESS = re.compile(
    r"^(?P<module>(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)"
    r"(?P<data>data\.)?(?P<type>[A-Za-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)(?P<key>\[[^\]]*\])?$"
)
_REFERENCE = re.compile(
    r"^(?P<data>data\.)?(?P<type>aws_[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)(?P<key>\[[^\]]*\])?"
    r"(?:\.(?P<attr>[A-Za-z0-9_]+))?"
)


# --- values -----------------------------------------------------------------------------------------


def unwrap(value: Any) -> Any:
    """The value of an argument as Checkov passes it (``[value]``), or the value itself."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def arg(conf: dict[str, Any] | None, key: str) -> Any:
    """The unwrapped value of ``key`` in a (block) conf; None when absent."""
    if not isinstance(conf, dict):
        return None
    return unwrap(conf.get(key))


def block(conf: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
    """The first nested block ``key`` (``[{...}]`` in Checkov's conf), or None."""
    value = arg(conf, key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


def unresolved_reason(value: Any) -> str | None:
    """Why a value cannot be proven (a phrase), or None when it is a concrete value."""
    if value is None:
        return "could not be evaluated by Checkov (a conditional or function over unknown values)"
    if isinstance(value, str):
        if "${" in value:
            return f"contains an unresolved expression ({value!r})"
        if value.startswith(_UNRESOLVED_PREFIXES):
            return f"is {value!r}, which Checkov could not resolve ({_UNRESOLVED_CAUSE})"
        if _FUNCTION_CALL.match(value):
            return f"is the unevaluated expression {value!r}"
    if isinstance(value, (list, tuple)):
        for item in value:
            reason = unresolved_reason(item)
            if reason:
                return reason
    return None


def as_bool(value: Any) -> bool | None:
    """A concrete boolean (``true``/``"true"``), or None when not a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def as_int(value: Any) -> int | None:
    """A concrete integer (``7``/``"7"``), or None when not an integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def describe(value: Any) -> str:
    return repr(value) if not isinstance(value, str) else f'"{value}"'


# --- the resource graph -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphResource:
    """One resource or data block of the scanned root, with its rendered configuration."""

    address: str
    type: str
    name: str
    key: str
    module: str
    is_data: bool
    conf: dict[str, Any] = field(compare=False, hash=False)
    breadcrumbs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def presence(self) -> str:
        """Whether it exists: present, absent (``count = 0``) or unknown (unresolved count or for_each)."""
        if "count" in self.conf:
            count = arg(self.conf, "count")
            if as_int(count) == 0:
                return "absent"
            if as_int(count) is None:
                return "unknown"
        if "for_each" in self.conf:
            for_each = arg(self.conf, "for_each")
            if not for_each or unresolved_reason(for_each):
                return "unknown"
        return "present"


def split_address(address: str) -> tuple[str, bool, str, str, str] | None:
    """``module.a["x"].aws_sqs_queue.q[0]`` → (module prefix, is_data, type, name, key)."""
    match = _ADDRESS.match(address or "")
    if not match:
        return None
    return (match["module"], bool(match["data"]), match["type"], match["name"], match["key"] or "")


def module_of(address: str) -> str:
    parts = split_address(address)
    return parts[0] if parts else ""


class ResourceIndex:
    """Every resource and data block of one Checkov graph, with reference resolution."""

    def __init__(
        self, resources: Iterable[GraphResource], variables_without_value: Iterable[tuple[str, str]] = ()
    ) -> None:
        self.resources = list(resources)
        self.variables_without_value = set(variables_without_value)
        self._by_address = {r.address: r for r in self.resources}
        self.cache: dict[str, Any] = {}

    def get(self, address: str) -> GraphResource | None:
        return self._by_address.get(address)

    def defaultless_variables(self, resource: GraphResource, keys: Iterable[str]) -> list[str]:
        """Variables without a value (no default, no module argument) that fed ``keys`` of ``resource``.

        Checkov renders such a variable typed ``list(...)``/``map(...)`` as ``[]``/``{}`` and leaves no
        trace in the value; only the rendering breadcrumbs tell.
        """
        wanted = [_attribute_path(k) for k in keys]
        found = []
        for attribute, crumbs in resource.breadcrumbs.items():
            path = _attribute_path(attribute)
            if not any(path == w or path.startswith(w + ".") or w.startswith(path + ".") for w in wanted):
                continue
            for crumb in crumbs if isinstance(crumbs, list) else []:
                if not isinstance(crumb, dict) or crumb.get("type") != "variable":
                    continue
                if (crumb.get("path"), crumb.get("name")) in self.variables_without_value:
                    found.append(f"var.{crumb.get('name')}")
        return sorted(set(found))

    def of_type(self, *types: str, proving: bool = False) -> list[GraphResource]:
        """Resources of ``types`` that may exist; with ``proving``, only those that certainly exist.

        Evidence that makes a resource compliant (an alarm, a WAF association) must certainly exist;
        evidence against it (data tracing on) counts as soon as it may exist.
        """
        allowed = ("present",) if proving else ("present", "unknown")
        return [r for r in self.resources if not r.is_data and r.type in types and r.presence in allowed]

    def resolve(
        self, reference: Any, from_module: str, types: Iterable[str] | None = None
    ) -> GraphResource | None:
        """The resource a reference string (``aws_sqs_queue.dlq.arn``) points to, or None.

        Same module instance first; else the only candidate in the graph (references that crossed a
        module boundary through a variable or an output); ambiguous or unknown → None.
        """
        if not isinstance(reference, str):
            return None
        match = _REFERENCE.match(reference.strip())
        if not match:
            return None
        wanted_types = set(types) if types is not None else None
        if wanted_types is not None and match["type"] not in wanted_types:
            return None
        candidates = [
            r
            for r in self.resources
            if r.type == match["type"]
            and r.name == match["name"]
            and r.is_data == bool(match["data"])
            and r.key == (match["key"] or "")
        ]
        local = [r for r in candidates if r.module == from_module]
        if len(local) == 1:
            return local[0]
        if not local and len(candidates) == 1:
            return candidates[0]
        return None


def _attribute_path(key: str) -> str:
    """``environment/[0]/variables`` and ``environment.0.variables`` → ``environment.variables``."""
    parts = re.split(r"[./]", key)
    return ".".join(p for p in parts if p and not re.fullmatch(r"\[?(\d+|\*)\]?", p))


class GraphUnavailableError(Exception):
    """Checkov handed the check no resource graph it can read."""


_INDEX_CACHE: dict[str, Any] = {"graph": None, "index": None}


def _vertex_payloads(graph: Any) -> Iterator[dict[str, Any]]:
    module_name = type(graph).__module__
    if module_name.startswith("rustworkx"):
        for payload in graph.nodes():
            attrs = payload[1] if isinstance(payload, tuple) else payload
            if isinstance(attrs, dict):
                yield attrs
    elif module_name.startswith("networkx"):
        for _, attrs in graph.nodes(data=True):
            yield attrs
    else:
        raise GraphUnavailableError(
            f"Checkov provided a {type(graph).__name__} resource graph this check cannot read"
        )


def _graph_resource(attrs: dict[str, Any]) -> GraphResource | None:
    block_type = attrs.get("block_type_")
    if block_type not in ("resource", "data"):
        return None
    address = attrs.get("__address__")
    parts = split_address(address) if isinstance(address, str) else None
    config = attrs.get("config_")
    if not parts or not isinstance(config, dict) or not config:
        return None
    by_name = next(iter(config.values()))
    conf = next(iter(by_name.values()), None) if isinstance(by_name, dict) and by_name else None
    if not isinstance(conf, dict):
        return None
    module, _, type_, name, key = parts
    is_data = block_type == "data"
    if is_data:  # Checkov's data addresses lack the "data." that references carry
        address = f"{module}data.{type_}.{name}{key}"
    breadcrumbs = attrs.get("rendering_breadcrumbs_")
    return GraphResource(
        address, type_, name, key, module, is_data, conf, breadcrumbs if isinstance(breadcrumbs, dict) else {}
    )


def _variable_without_value(attrs: dict[str, Any]) -> tuple[str, str] | None:
    if attrs.get("block_type_") != "variable" or attrs.get("default") is not None:
        return None
    return (attrs.get("file_path_"), attrs.get("block_name_"))


def resource_index(graph: Any) -> ResourceIndex:
    """The (cached) index of the graph Checkov handed the check; raises when there is none."""
    if graph is None:
        raise GraphUnavailableError("Checkov provided no resource graph")
    if _INDEX_CACHE["graph"] is not graph:
        payloads = list(_vertex_payloads(graph))
        resources = [r for r in map(_graph_resource, payloads) if r is not None]
        variables = [v for v in map(_variable_without_value, payloads) if v is not None]
        _INDEX_CACHE["graph"], _INDEX_CACHE["index"] = graph, ResourceIndex(resources, variables)
    return _INDEX_CACHE["index"]


# --- SQS redrive -----------------------------------------------------------------------------------


def json_object(value: Any) -> tuple[dict[str, Any] | None, str | None]:
    """A policy argument as a dict (``jsonencode`` or JSON text), or (None, why it is not one)."""
    value = unwrap(value)
    if isinstance(value, dict):
        return value, None
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed, None
    return None, unresolved_reason(value) or f"is {describe(value)}, not a JSON object"


@dataclass(frozen=True)
class Redrive:
    """A redrive policy of a source queue, inline or from an aws_sqs_queue_redrive_policy."""

    source: GraphResource
    declared_in: str
    policy: dict[str, Any] | None = field(compare=False, hash=False)
    problem: str | None
    target: GraphResource | None


def queue_for_arn(index: ResourceIndex, value: Any, from_module: str) -> GraphResource | None:
    """The aws_sqs_queue a deadLetterTargetArn (reference or literal ARN) designates, or None."""
    queue = index.resolve(value, from_module, ["aws_sqs_queue"])
    if queue is not None or not isinstance(value, str) or not value.startswith("arn:"):
        return queue
    name = value.rsplit(":", 1)[-1]
    named = [q for q in index.of_type("aws_sqs_queue") if arg(q.conf, "name") == name]
    return named[0] if len(named) == 1 else None


def _redrive(index: ResourceIndex, source: GraphResource, declared_in: GraphResource, value: Any) -> Redrive:
    policy, problem = json_object(value)
    target = None
    if policy is not None:
        target = queue_for_arn(index, policy.get("deadLetterTargetArn"), declared_in.module)
    else:
        # In a plan, a redrive policy known only after apply arrives as its first reference
        # (``aws_sqs_queue.dlq.arn``): the DLQ is known, maxReceiveCount is not.
        target = index.resolve(unwrap(value), declared_in.module, ["aws_sqs_queue"])
        if target is not None:
            problem = f"is known only after apply (Checkov sees only the reference {unwrap(value)!r})"
    return Redrive(source, declared_in.address, policy, problem, target)


def sqs_redrives(index: ResourceIndex) -> list[Redrive]:
    """Every redrive policy in the graph, resolved to its source and (when resolvable) target queue."""
    cached = index.cache.get("redrives")
    if cached is None:
        cached = []
        for queue in index.of_type("aws_sqs_queue"):
            if queue.conf.get("redrive_policy") not in (None, [], [None], [""]):
                cached.append(_redrive(index, queue, queue, queue.conf.get("redrive_policy")))
        for resource in index.of_type("aws_sqs_queue_redrive_policy", proving=True):
            source = index.resolve(arg(resource.conf, "queue_url"), resource.module, ["aws_sqs_queue"])
            if source is not None:
                cached.append(_redrive(index, source, resource, resource.conf.get("redrive_policy")))
        index.cache["redrives"] = cached
    return cached


def _allows_redrive(value: Any) -> bool:
    policy, _ = json_object(value)
    return policy is None or policy.get("redrivePermission") != "denyAll"


def dead_letter_reasons(index: ResourceIndex, queue: GraphResource) -> list[str]:
    """Why ``queue`` is a dead-letter queue (empty when it is not one)."""
    reasons = [
        f"{r.source.address} redrives to it (redrive_policy in {r.declared_in})"
        for r in sqs_redrives(index)
        if r.target == queue
    ]
    if queue.conf.get("redrive_allow_policy") not in (None, [], [None], [""]) and _allows_redrive(
        queue.conf.get("redrive_allow_policy")
    ):
        reasons.append("it has a redrive_allow_policy")
    for resource in index.of_type("aws_sqs_queue_redrive_allow_policy", proving=True):
        target = index.resolve(arg(resource.conf, "queue_url"), resource.module, ["aws_sqs_queue"])
        if target == queue and _allows_redrive(resource.conf.get("redrive_allow_policy")):
            reasons.append(f"{resource.address} allows redrive to it")
    return reasons


# --- KMS --------------------------------------------------------------------------------------------


def classify_kms_key(
    value: Any, index: ResourceIndex | None, module: str, depth: int = 0
) -> tuple[bool, str]:
    """(is a customer-managed key, a phrase describing the key) for a KMS key argument value."""
    if value is None or value == "" or value == []:
        return False, "no KMS key is set"
    if isinstance(value, str):
        ref = _REFERENCE.match(value)
        if ref and ref["attr"] and not ref["data"]:
            if ref["type"] in CMK_RESOURCE_TYPES and ref["attr"] in ("arn", "id", "key_id"):
                return True, f"customer-managed key {value.rsplit('.', 1)[0]}"
            if ref["type"] == "aws_kms_alias" and ref["attr"] in ("arn", "name", "id", "target_key_arn"):
                return True, f"customer alias {value.rsplit('.', 1)[0]}"
            return False, f"{value} is not a KMS key or alias resource"
        if ref and ref["data"] and ref["type"] in ("aws_kms_key", "aws_kms_alias"):
            source = index.resolve(value, module) if index is not None else None
            looked_up = (
                arg(source.conf, "key_id" if ref["type"] == "aws_kms_key" else "name") if source else None
            )
            if source is None or looked_up is None or depth > 2:
                return False, f"{value} is looked up at apply time and cannot be proven customer-managed"
            is_cmk, phrase = classify_kms_key(looked_up, index, source.module, depth + 1)
            return is_cmk, f"{value} ({phrase})"
    reason = unresolved_reason(value)
    if reason:
        return False, f"the KMS key {reason}"
    if not isinstance(value, str):
        return False, f"the KMS key {describe(value)} is not a key reference"
    alias = value
    alias_arn = _ALIAS_ARN.match(value)
    if alias_arn:
        alias = alias_arn.group(1)
    if alias.startswith("alias/aws/"):
        return False, f"{describe(value)} is an AWS managed key"
    if alias.startswith("alias/"):
        return True, f"customer alias {describe(value)}"
    if _KEY_ARN.match(value):
        return True, f"key ARN {describe(value)}"
    if _BARE_KEY_ID.match(value):
        return (
            False,
            f"{describe(value)} is a bare key id, which cannot be told apart from an AWS managed key (use "
            "the key ARN or reference the aws_kms_key)",
        )
    return False, f"{describe(value)} is not a recognisable KMS key reference"


# --- the check base ---------------------------------------------------------------------------------


def mapping_severity(check_id: str) -> Any:
    """The Checkov severity of ``check_id`` from policies/pci_mapping.yaml (None when unreadable)."""
    try:
        import yaml

        mapping = yaml.safe_load(MAPPING_PATH.read_text(encoding="utf-8"))
        return get_severity(mapping["checks"][check_id]["severity"])
    except (OSError, KeyError, TypeError, ValueError, ImportError):
        return None


class PCIResourceCheck(BaseResourceCheck):
    """A resource check whose every doubt is a failure. Subclasses implement ``evaluate``."""

    needs_graph = False

    def __init__(
        self, name: str, id: str, categories: Iterable[CheckCategories], supported_resources: Iterable[str]
    ) -> None:
        super().__init__(name=name, id=id, categories=categories, supported_resources=supported_resources)
        self.severity = mapping_severity(id)
        self.address = ""

    # subclasses --------------------------------------------------------------------------------------
    @abstractmethod
    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        """The check's own verdict on one resource; any exception becomes FAILED in scan_resource_conf."""

    # Checkov entry point -----------------------------------------------------------------------------
    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        address = conf.get("__address__")
        self.address = address if isinstance(address, str) else self.entity_path.split(":", 1)[-1]
        try:
            result = self.evaluate(conf)
            if result is CheckResult.PASSED and self.graph is not None:
                result = self._no_defaultless_variables(result)
            return result
        except GraphUnavailableError as exc:
            return self.fail(
                f"{self.label} cannot be checked against other resources: {exc}; failing closed."
            )
        except Exception as exc:  # a check that cannot decide must not become Checkov's silent UNKNOWN
            return self.fail(
                f"{self.label} could not be evaluated ({type(exc).__name__}: {exc}); failing closed."
            )

    def _no_defaultless_variables(self, result: CheckResult) -> CheckResult:
        index = self.index()
        me = index.get(self.address)
        variables = index.defaultless_variables(me, self.get_evaluated_keys()) if me is not None else []
        if not variables:
            return result
        self.details.clear()
        return self.fail(
            f"{self.label} cannot be proven compliant: {', '.join(variables)} has no value (no default and "
            "no "
            "module argument), so Checkov rendered it as an empty value; failing closed."
        )

    # helpers -----------------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return f"{RESOURCE_LABELS.get(self.entity_type, 'Resource')} {self.address}"

    @property
    def module(self) -> str:
        return module_of(self.address)

    @property
    def plan_mode(self) -> bool:
        """Whether Checkov scans a `terraform show -json` plan (where null means "not set")."""
        return self.entity_path.split(":", 1)[0].endswith(".json")

    def unset(self, container: dict[str, Any] | None, key: str) -> bool:
        """Whether argument ``key`` is not set: absent, or null in a plan (in HCL, None means unevaluable)."""
        if not isinstance(container, dict) or key not in container:
            return True
        return self.plan_mode and arg(container, key) in (None, [])

    def index(self) -> ResourceIndex:
        return resource_index(self.graph)

    def passed(self, sentence: str) -> CheckResult:
        self.details.append(sentence)
        return CheckResult.PASSED

    def fail(self, sentence: str) -> CheckResult:
        self.details.append(sentence)
        return CheckResult.FAILED

    def cmk_result(
        self, container: dict[str, Any] | None, key: str, argument: str | None = None
    ) -> CheckResult:
        """PASSED when argument ``key`` of ``container`` is a customer-managed key, else FAILED with why."""
        argument = argument or key
        value = arg(container, key)
        if not self.unset(container, key) and value is None:
            return self.fail(
                f"{self.label} cannot be proven encrypted with a customer-managed KMS key: {argument} "
                f"{unresolved_reason(None)}."
            )
        index = self.index() if isinstance(value, str) and value.startswith("data.") else None
        is_cmk, phrase = classify_kms_key(value, index, self.module)
        if is_cmk:
            return self.passed(f"{self.label} is encrypted with {phrase} ({argument}).")
        return self.fail(
            f"{self.label} is not encrypted with a customer-managed KMS key: {argument}: {phrase}."
        )
