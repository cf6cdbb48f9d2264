"""HCL files as blocks and attributes with line numbers, parsed by Checkov's HCL2 grammar (`bc-python-hcl2`).

`hcl2.load` turns expressions into `${...}` strings and keeps line numbers only for top-level blocks, so this
walks the Lark tree of the same parser instead: every attribute and nested block keeps its line, and
expressions stay trees that `expressions.py` reads references from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hcl2.parser import Hcl2
from lark import Token, Tree
from lark.exceptions import LarkError


@dataclass
class Attribute:
    name: str
    expr: Tree | Token
    line: int


@dataclass
class Block:
    type: str
    labels: list[str]
    line: int
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    # Attributes given more than once in one body (Terraform rejects them).
    duplicates: list[Attribute] = field(default_factory=list)


class HclSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def parse_expression(source: str, line: int) -> Tree | Token:
    """One expression (a template interpolation), its tokens' lines shifted to `line`."""
    tree = parse_text(f"__expr__ = {source}\n", first_line=line)
    return tree.attributes["__expr__"].expr


def parse_text(text: str, first_line: int = 1) -> Block:
    try:
        tree = Hcl2.lark_parser.parse(text + "\n")
    except LarkError as exc:
        line = getattr(exc, "line", 0) or 0
        raise HclSyntaxError(max(line, 1) + first_line - 1, f"HCL syntax error: {_first_line(exc)}") from exc
    if first_line != 1:
        _shift_lines(tree, first_line - 1)
    root = Block(type="", labels=[], line=1)
    body = next(child for child in tree.children if isinstance(child, Tree) and child.data == "body")
    _fill_body(root, body)
    return root


def parse_file(path: Path) -> Block:
    return parse_text(path.read_text(encoding="utf-8"))


def identifier_name(node: Tree | Token) -> str:
    return str(node.children[0]) if isinstance(node, Tree) else str(node)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _shift_lines(tree: Tree, offset: int) -> None:
    for token in tree.scan_values(lambda value: isinstance(value, Token)):
        if token.line is not None:
            token.line += offset
    for subtree in tree.iter_subtrees():
        meta = subtree.meta
        if not meta.empty:
            meta.line += offset


def _fill_body(block: Block, body: Tree) -> None:
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name_node, expr = child.children[0], child.children[1]
            attribute = Attribute(name=identifier_name(name_node), expr=expr, line=child.meta.line)
            if attribute.name in block.attributes:
                block.duplicates.append(attribute)
            else:
                block.attributes[attribute.name] = attribute
        elif child.data == "block":
            *head, inner = child.children
            labels = [
                identifier_name(node) if isinstance(node, Tree) else str(node)[1:-1] for node in head[1:]
            ]
            nested = Block(type=identifier_name(head[0]), labels=labels, line=child.meta.line)
            _fill_body(nested, inner)
            block.blocks.append(nested)
