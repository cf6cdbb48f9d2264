"""A Terraform module: the declarations of every `.tf` file in one directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from policies.tfvalidate.hcl import Attribute, Block, HclSyntaxError, parse_file


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    message: str

    def render(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.message}"


@dataclass
class Module:
    directory: Path
    files: dict[Path, Block] = field(default_factory=dict)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    provider_aliases: set[str] = field(default_factory=set)


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_module(directory: Path, findings: list[Finding]) -> Module:
    module = Module(directory=directory)
    for path in sorted(directory.glob("*.tf")):
        try:
            module.files[path] = parse_file(path)
        except HclSyntaxError as exc:
            findings.append(Finding(path, exc.line, str(exc)))
        except (OSError, UnicodeDecodeError) as exc:
            findings.append(Finding(path, 1, f"cannot read: {exc}"))
    for path, root in module.files.items():
        for block in root.blocks:
            _declare(module, path, block, findings)
    return module


def _declare(module: Module, path: Path, block: Block, findings: list[Finding]) -> None:
    def once(table: dict, key: object, what: str) -> None:
        if key in table:
            findings.append(Finding(path, block.line, f"duplicate {what}"))
        else:
            table[key] = block

    kind, labels = block.type, block.labels
    if kind == "variable" and len(labels) == 1:
        once(module.variables, labels[0], f'variable "{labels[0]}"')
    elif kind == "output" and len(labels) == 1:
        once(module.outputs, labels[0], f'output "{labels[0]}"')
    elif kind == "module" and len(labels) == 1:
        once(module.calls, labels[0], f'module call "{labels[0]}"')
    elif kind == "resource" and len(labels) == 2:
        once(module.resources, tuple(labels), f'resource "{labels[0]}" "{labels[1]}"')
    elif kind == "data" and len(labels) == 2:
        once(module.data, tuple(labels), f'data "{labels[0]}" "{labels[1]}"')
    elif kind == "locals":
        for name, attribute in block.attributes.items():
            if name in module.locals:
                findings.append(Finding(path, attribute.line, f'duplicate local value "{name}"'))
            else:
                module.locals[name] = attribute
    elif kind == "provider" and len(labels) == 1 and "alias" in block.attributes:
        alias = block.attributes["alias"].expr
        module.provider_aliases.add(f"{labels[0]}.{_string_value(alias)}")


def _string_value(expr: object) -> str:
    while hasattr(expr, "children") and len(expr.children) == 1:
        expr = expr.children[0]
    text = str(expr)
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text
