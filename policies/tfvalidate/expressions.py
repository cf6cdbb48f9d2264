"""References (`var.x`, `aws_sqs_queue.main.arn`, ...) read from expression trees and string templates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lark import Token, Tree

from policies.tfvalidate.hcl import HclSyntaxError, identifier_name, parse_expression

LITERALS = frozenset({"true", "false", "null"})
_TRAVERSALS = frozenset(
    {"get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term", "identifier"}
)
_TEMPLATE_FOR = re.compile(r"for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+(.+)$", re.S)


@dataclass(frozen=True)
class Reference:
    """`root.step.step`; an index or splat is a `None` step (`aws_x.y[0].arn` -> aws_x, (y, None, arn))."""

    root: str
    steps: tuple[str | None, ...]
    line: int

    def attribute_after(self, position: int) -> str | None:
        """The first attribute name after step `position`, skipping indexes (`[0]`, `["key"]`, `[*]`)."""
        return next((step for step in self.steps[position + 1 :] if step is not None), None)

    def __str__(self) -> str:
        return self.root + "".join(f".{step}" if step is not None else "[...]" for step in self.steps)


@dataclass(frozen=True)
class TemplateError:
    line: int
    message: str


def references(
    expr: Tree | Token, bound: frozenset[str] = frozenset()
) -> Iterator[Reference | TemplateError]:
    """Every reference in `expr` whose root is not a name bound by an enclosing for-expression or `bound`."""
    if isinstance(expr, Token):
        yield from _token_references(expr, bound)
        return
    kind = expr.data
    if kind in _TRAVERSALS:
        yield from _traversal_references(expr, bound)
    elif kind == "function_call":
        for child in expr.children[1:]:
            yield from _children_references(child, bound)
    elif kind == "provider_function_call":
        for child in expr.children:
            if isinstance(child, Tree) and child.data == "arguments":
                yield from _children_references(child, bound)
    elif kind in ("for_tuple_expr", "for_object_expr"):
        yield from _for_references(expr, bound)
    elif kind == "object_elem":
        key, value = expr.children[0], expr.children[-1]
        if not _is_bare_identifier(key):
            yield from references(key, bound)
        yield from references(value, bound)
    elif kind in ("heredoc_template", "heredoc_template_trim"):
        token = expr.children[0]
        body = str(token).partition("\n")[2]
        body = body.rsplit("\n", 1)[0]
        yield from template_references(body, token.line + 1, bound)
    else:
        yield from _children_references(expr, bound)


def _children_references(node: Tree | Token, bound: frozenset[str]) -> Iterator[Reference | TemplateError]:
    if isinstance(node, Token):
        yield from _token_references(node, bound)
        return
    for child in node.children:
        yield from references(child, bound)


def _token_references(token: Token, bound: frozenset[str]) -> Iterator[Reference | TemplateError]:
    if token.type == "STRING_LIT":
        yield from template_references(str(token)[1:-1], token.line, bound)


def _is_bare_identifier(node: Tree | Token) -> bool:
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    return isinstance(node, Tree) and node.data == "identifier"


def _for_references(expr: Tree, bound: frozenset[str]) -> Iterator[Reference | TemplateError]:
    intro = next(child for child in expr.children if isinstance(child, Tree) and child.data == "for_intro")
    names = [
        identifier_name(child)
        for child in intro.children
        if isinstance(child, Tree) and child.data == "identifier"
    ]
    collection = [child for child in intro.children if isinstance(child, Tree) and child.data != "identifier"]
    for node in collection:
        yield from references(node, bound)
    inner = bound | frozenset(names)
    for child in expr.children:
        if isinstance(child, Tree) and child is not intro:
            yield from references(child, inner)


def _traversal_references(expr: Tree, bound: frozenset[str]) -> Iterator[Reference | TemplateError]:
    steps: list[str | None] = []
    node: Tree | Token = expr
    while True:
        if isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
            node = node.children[0]
            continue
        if not isinstance(node, Tree):
            break
        if node.data == "get_attr_expr_term":
            node, get_attr = node.children
            steps.insert(0, identifier_name(get_attr.children[0]))
        elif node.data == "index_expr_term":
            node, index = node.children
            steps.insert(0, None)
            for child in index.children:
                if isinstance(child, Tree):
                    yield from references(child, bound)
        elif node.data in ("attr_splat_expr_term", "full_splat_expr_term"):
            node, splat = node.children
            splat_steps: list[str | None] = [None]
            for child in splat.children:
                if child.data == "get_attr":
                    splat_steps.append(identifier_name(child.children[0]))
                else:
                    splat_steps.append(None)
                    yield from _children_references(child, bound)
            steps[0:0] = splat_steps
        else:
            break
    if isinstance(node, Tree) and node.data == "identifier":
        root = identifier_name(node)
        if root not in LITERALS and root not in bound:
            yield Reference(root=root, steps=tuple(steps), line=node.children[0].line)
    else:
        yield from references(node, bound)


def template_references(text: str, line: int, bound: frozenset[str]) -> Iterator[Reference | TemplateError]:
    """References in a string template: `${ expr }` interpolations and `%{ for/if }` directives."""
    scopes: list[frozenset[str]] = [bound]
    position = 0
    while True:
        start = _next_sequence(text, position)
        if start < 0:
            return
        end = _closing_brace(text, start + 2)
        here = line + text.count("\n", 0, start)
        if end < 0:
            yield TemplateError(here, "unterminated template sequence")
            return
        inner = text[start + 2 : end].strip().strip("~").strip()
        position = end + 1
        try:
            if text[start] == "$":
                yield from references(parse_expression(inner, here), scopes[-1])
            else:
                yield from _directive_references(inner, here, scopes)
        except HclSyntaxError as exc:
            yield TemplateError(exc.line, f"invalid template expression: {inner!r}")


def _directive_references(
    inner: str, line: int, scopes: list[frozenset[str]]
) -> Iterator[Reference | TemplateError]:
    keyword = inner.split(None, 1)[0] if inner else ""
    if keyword == "for":
        match = _TEMPLATE_FOR.match(inner)
        if not match:
            yield TemplateError(line, f"invalid template directive: %{{{inner}}}")
            return
        yield from references(parse_expression(match.group(3).strip(), line), scopes[-1])
        scopes.append(scopes[-1] | {name for name in match.group(1, 2) if name})
    elif keyword == "endfor":
        if len(scopes) > 1:
            scopes.pop()
    elif keyword == "if":
        yield from references(parse_expression(inner[2:].strip(), line), scopes[-1])
    elif keyword not in ("else", "endif"):
        yield TemplateError(line, f"invalid template directive: %{{{inner}}}")


def _next_sequence(text: str, position: int) -> int:
    """Index of the next `${` or `%{` that is not escaped as `$${` / `%%{`."""
    while True:
        candidates = [index for index in (text.find("${", position), text.find("%{", position)) if index >= 0]
        if not candidates:
            return -1
        index = min(candidates)
        if index > 0 and text[index - 1] == text[index]:
            position = index + 2
            continue
        return index


def _closing_brace(text: str, position: int) -> int:
    depth = 1
    in_string = False
    index = position
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1
