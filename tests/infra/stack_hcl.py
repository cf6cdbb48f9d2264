"""Read the Terraform stack in infra/ with Checkov's HCL parser (bc-python-hcl2) and answer questions on it.

Values come back the way hcl2 renders them: literals as Python values, expressions as "${...}" strings. The
helpers unwrap hcl2's one-element lists, resolve simple templates (`${local.x}`, `${var.x}` with defaults) and
evaluate the stack's variable validation conditions so tests can assert that bad values are rejected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
MODULE_FUNCTION = INFRA / "modules" / "function"


def unwrap(value: Any) -> Any:
    """An attribute's value: hcl2 wraps every attribute value in a one-element list (blocks are lists of dicts
    and are not passed here)."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def block(value: Any) -> dict[str, Any]:
    """The single nested block of an attribute (hcl2 renders `x { ... }` as [{...}])."""
    assert isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict), value
    return value[0]


def expr(value: Any) -> str:
    """An expression without its "${...}" wrapper."""
    text = unwrap(value)
    assert isinstance(text, str), text
    return text[2:-1] if text.startswith("${") and text.endswith("}") else text


@dataclass
class Module:
    """One Terraform module directory: its blocks keyed by kind and name."""

    path: Path
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)
    providers: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Module:
        module = cls(path)
        for tf in sorted(path.glob("*.tf")):
            text = tf.read_text()
            with tf.open() as handle:
                parsed = hcl2.load(handle)
            module.files[tf.name] = parsed
            module.texts[tf.name] = text
            for entry in parsed.get("resource", []):
                for rtype, named in entry.items():
                    for name, conf in named.items():
                        assert (rtype, name) not in module.resources, (rtype, name)
                        module.resources[(rtype, name)] = conf
            for entry in parsed.get("data", []):
                for dtype, named in entry.items():
                    for name, conf in named.items():
                        module.data[(dtype, name)] = conf
            for entry in parsed.get("variable", []):
                module.variables.update(entry)
            for entry in parsed.get("output", []):
                module.outputs.update(entry)
            for entry in parsed.get("locals", []):
                module.locals.update({k: unwrap(v) for k, v in entry.items() if not k.startswith("__")})
            for entry in parsed.get("module", []):
                module.modules.update(entry)
            module.terraform.extend(parsed.get("terraform", []))
            module.providers.extend(parsed.get("provider", []))
        return module

    def resource(self, rtype: str, name: str) -> dict[str, Any]:
        assert (rtype, name) in self.resources, f"missing resource {rtype}.{name}"
        return self.resources[(rtype, name)]

    def of_type(self, rtype: str) -> dict[str, dict[str, Any]]:
        return {name: conf for (kind, name), conf in self.resources.items() if kind == rtype}

    def policy_document(self, name: str) -> dict[str, Any]:
        assert ("aws_iam_policy_document", name) in self.data, f"missing policy document {name}"
        return self.data[("aws_iam_policy_document", name)]

    def default(self, variable: str) -> Any:
        spec = self.variables[variable]
        assert "default" in spec, f"variable {variable} has no default"
        return unwrap(spec["default"])

    def all_text(self) -> str:
        return "\n".join(self.texts.values())


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(document.get("statement", []))


def actions_of(statement: dict[str, Any], locals_: dict[str, Any] | None = None) -> list[str]:
    """A statement's actions, following `actions = local.x` when locals are given."""
    actions = unwrap(statement.get("actions", []))
    if isinstance(actions, str):
        match = re.fullmatch(r"\$\{local\.(\w+)\}", actions)
        assert match and locals_ is not None, f"unresolvable actions {actions}"
        actions = locals_[match.group(1)]
    return list(actions)


def principals_of(statement: dict[str, Any]) -> list[tuple[str, list[str]]]:
    found = []
    for principal in statement.get("principals", []):
        identifiers = unwrap(principal["identifiers"])
        found.append((unwrap(principal["type"]), [str(i) for i in as_list(identifiers)]))
    return found


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def conditions_of(statement: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [
        (unwrap(c["test"]), unwrap(c["variable"]), as_list(unwrap(c["values"])))
        for c in statement.get("condition", [])
    ]


def is_wildcard_action(action: str) -> bool:
    """`*`, `service:*` and any prefix pattern such as kms:GenerateDataKey* or kms:ReEncrypt*."""
    return "*" in action or "?" in action


_TEMPLATE = re.compile(r"\$\{(local|var)\.([\w.]+)\}")


def resolve(value: str, module: Module, depth: int = 0) -> str:
    """Resolve `${local.a.b}` and `${var.x}` (by its default) inside a string template."""
    assert depth < 10, f"template too deep: {value}"

    def lookup(match: re.Match[str]) -> str:
        kind, path = match.groups()
        parts = path.split(".")
        if kind == "var":
            found: Any = module.default(parts[0])
        else:
            found = module.locals[parts[0]]
        for part in parts[1:]:
            found = found[part]
        return resolve(str(found), module, depth + 1)

    return _TEMPLATE.sub(lookup, value)


# --- Variable validations -----------------------------------------------------------------------------------


class _TerraformError(Exception):
    pass


def _regex(pattern: str, value: str) -> str:
    match = re.search(pattern, value)
    if match is None:
        raise _TerraformError(f"{pattern!r} does not match {value!r}")
    return match.group(0)


def _can(thunk: Callable[[], Any]) -> bool:
    try:
        thunk()
    except _TerraformError:
        return False
    return True


_FUNCTIONS: dict[str, Any] = {
    "contains": lambda items, value: value in items,
    "regex": _regex,
    "can": _can,
    "floor": math.floor,
    "endswith": lambda text, suffix: text.endswith(suffix),
    "startswith": lambda text, prefix: text.startswith(prefix),
    "length": len,
}


def _python_condition(condition: str, variable: str) -> str:
    """Translate the small HCL subset used in validations into a Python expression over `value`."""
    code = expr(condition)
    code = code.replace(f"var.{variable}", "value")
    assert "var." not in code, f"validation of {variable} refers to other variables: {code}"
    code = code.replace("&&", " and ").replace("||", " or ")
    code = re.sub(r"!(?!=)", " not ", code)
    code = code.replace("can(", "can(lambda: ")
    code = re.sub(r"\btrue\b", "True", code)
    code = re.sub(r"\bfalse\b", "False", code)
    return code


def validation_accepts(module: Module, variable: str, value: Any) -> bool:
    """Whether every `validation` block of `variable` accepts `value`."""
    spec = module.variables[variable]
    for validation in spec.get("validation", []):
        code = _python_condition(unwrap(validation["condition"]), variable)
        if not eval(code, {"__builtins__": {}, **_FUNCTIONS, "value": value}):  # noqa: S307 - own HCL only
            return False
    return True


def iter_strings(value: Any) -> Iterator[str]:
    """Every string anywhere inside a parsed block."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not str(key).startswith("__"):
                yield from iter_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_strings(item)
