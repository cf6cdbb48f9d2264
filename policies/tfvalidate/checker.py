"""What `terraform validate` checks, offline: block and argument names against the provider schema, required
arguments, and that every reference resolves to something declared."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from lark import Token, Tree

from policies.tfvalidate.expressions import Reference, TemplateError, references
from policies.tfvalidate.hcl import Attribute, Block
from policies.tfvalidate.modules import Finding, Module, load_module
from policies.tfvalidate.schema import Block as SchemaBlock
from policies.tfvalidate.schema import NestedBlock, ProviderSchema

RESOURCE_META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider"})
MODULE_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "depends_on", "providers"})
VARIABLE_ARGUMENTS = frozenset({"type", "default", "description", "sensitive", "nullable", "ephemeral"})
OUTPUT_ARGUMENTS = frozenset({"value", "description", "sensitive", "depends_on", "ephemeral"})
LIFECYCLE_ARGUMENTS = frozenset(
    {"create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by"}
)
CONDITION_ARGUMENTS = {"condition": True, "error_message": True}
TERRAFORM_ARGUMENTS = frozenset({"required_version", "experiments"})
REQUIRED_PROVIDER_KEYS = frozenset({"source", "version", "configuration_aliases"})
TERRAFORM_BLOCKS = frozenset({"required_providers", "backend", "cloud", "provider_meta"})
# Declarations checked elsewhere or carrying no references this validator can resolve.
UNCHECKED_TOP_LEVEL = frozenset({"moved", "import", "removed", "check"})
NAMED_VALUES = {
    "path": frozenset({"module", "root", "cwd"}),
    "terraform": frozenset({"workspace", "applying"}),
    "count": frozenset({"index"}),
    "each": frozenset({"key", "value"}),
}
# Terraform's built-in resource type, absent from any provider schema.
TERRAFORM_DATA = SchemaBlock(
    arguments={"input": False, "triggers_replace": False},
    attributes=frozenset({"id", "input", "output", "triggers_replace"}),
)
_VERSION_FLOOR = re.compile(r"(?:>=|~>|=)\s*v?(\d+)\.(\d+)")


@dataclass(frozen=True)
class Scope:
    """Where an expression is evaluated: which names it may use."""

    module: Module
    path: Path
    bound: frozenset[str] = frozenset()
    each: bool = False
    count: bool = False
    self_allowed: bool = False
    # Inside a variable's validation on Terraform < 1.9: only that variable may be referred to.
    only_variable: str | None = None


class Validator:
    def __init__(self, schema: ProviderSchema) -> None:
        self.schema = schema
        self.findings: list[Finding] = []
        self.modules: dict[Path, Module] = {}
        # The root module's `required_version` governs every module it calls.
        self.terraform_floor: tuple[int, int] | None = None

    def validate(self, directory: Path) -> list[Finding]:
        self.module(directory)
        return sorted(set(self.findings), key=lambda f: (str(f.path), f.line, f.message))

    def module(self, directory: Path) -> Module:
        key = directory.resolve()
        if key in self.modules:
            return self.modules[key]
        module = load_module(directory, self.findings)
        self.modules[key] = module
        if self.terraform_floor is None:
            self.terraform_floor = _terraform_floor(module)
        if not module.files:
            self.findings.append(Finding(directory, 0, "no .tf files in module directory"))
        # Child modules first, so calls can be checked against their variables and outputs.
        for call in module.calls.values():
            child = self.child_directory(module, call)
            if child is not None:
                self.module(child)
        for path, root in module.files.items():
            for block in root.blocks:
                self.top_level(Scope(module=module, path=path), block)
        return module

    def child_directory(self, module: Module, call: Block) -> Path | None:
        source = call.attributes.get("source")
        text = _literal_string(source.expr) if source else None
        if text is None or not text.startswith(("./", "../")):
            return None
        return (module.directory / text).resolve()

    def report(self, scope: Scope, line: int, message: str) -> None:
        self.findings.append(Finding(scope.path, line, message))

    # -- top-level blocks ------------------------------------------------------------------------------------

    def top_level(self, scope: Scope, block: Block) -> None:
        kind = block.type
        handlers = {
            "resource": self.resource,
            "data": self.resource,
            "module": self.module_call,
            "variable": self.variable,
            "output": self.output,
            "locals": self.locals,
            "provider": self.provider,
            "terraform": self.terraform,
        }
        if kind in handlers:
            expected = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
            if len(block.labels) != expected.get(kind, 0):
                self.report(scope, block.line, f'block "{kind}" needs {expected.get(kind, 0)} label(s)')
                return
            if kind not in ("resource", "data", "provider"):  # their bodies report duplicates themselves
                for duplicate in block.duplicates:
                    self.report(
                        scope, duplicate.line, f'{kind}: argument "{duplicate.name}" is set more than once'
                    )
            handlers[kind](scope, block)
        elif kind not in UNCHECKED_TOP_LEVEL:
            self.report(scope, block.line, f'unsupported top-level block type "{kind}"')

    def resource(self, scope: Scope, block: Block) -> None:
        kind, (type_name, name) = block.type, block.labels
        schemas = self.schema.resources if kind == "resource" else self.schema.data_sources
        schema = (
            TERRAFORM_DATA if (kind, type_name) == ("resource", "terraform_data") else schemas.get(type_name)
        )
        label = f'{kind} "{type_name}" "{name}"'
        if schema is None:
            what = "resource type" if kind == "resource" else "data source"
            hint = _did_you_mean(type_name, schemas)
            if not type_name.startswith("aws_"):
                hint = (
                    " (no offline schema for its provider: only hashicorp/aws and terraform_data are known)"
                )
            self.report(scope, block.line, f'unknown {what} "{type_name}"{hint}')
            return
        attrs = block.attributes
        if "count" in attrs and "for_each" in attrs:
            self.report(
                scope, attrs["for_each"].line, f'{label}: "count" and "for_each" are mutually exclusive'
            )
        for meta in ("count", "for_each"):
            if meta in attrs:
                self.expression(scope, attrs[meta])
        if "depends_on" in attrs:
            self.depends_on(scope, attrs["depends_on"])
        if "provider" in attrs:
            self.provider_reference(scope, attrs["provider"])
        inner = replace(scope, each="for_each" in attrs, count="count" in attrs)
        meta_blocks = {"lifecycle"} | ({"provisioner", "connection"} if kind == "resource" else set())
        self.body(
            inner, block, schema, label, skip_attributes=RESOURCE_META_ARGUMENTS, skip_blocks=meta_blocks
        )
        for nested in block.blocks:
            if nested.type == "lifecycle":
                self.lifecycle(inner, nested, schema, resource=kind == "resource")
            elif nested.type in ("provisioner", "connection") and kind == "resource":
                self.free_form(replace(inner, self_allowed=True), nested)

    def lifecycle(self, scope: Scope, block: Block, schema: SchemaBlock, resource: bool) -> None:
        allowed = LIFECYCLE_ARGUMENTS if resource else frozenset()
        for name, attribute in block.attributes.items():
            if name not in allowed:
                self.report(scope, attribute.line, f'unsupported argument "{name}" in lifecycle block')
            elif name == "ignore_changes":
                self.ignore_changes(scope, attribute, schema)
            else:
                self.expression(scope, attribute)
        for nested in block.blocks:
            if nested.type in ("precondition", "postcondition"):
                self.condition(replace(scope, self_allowed=nested.type == "postcondition"), nested)
            else:
                self.report(scope, nested.line, f'unsupported block type "{nested.type}" in lifecycle block')

    def ignore_changes(self, scope: Scope, attribute: Attribute, schema: SchemaBlock) -> None:
        # Entries are attribute paths of this resource (`tags`, `tags["x"]`) or the keyword `all`.
        for ref in references(attribute.expr):
            if isinstance(ref, TemplateError):
                self.report(scope, ref.line, ref.message)
            elif ref.root != "all" and ref.root not in schema.attributes:
                self.report(
                    scope, ref.line, f'ignore_changes: this resource type has no attribute "{ref.root}"'
                )

    def condition(self, scope: Scope, block: Block) -> None:
        self.free_form(scope, block, CONDITION_ARGUMENTS)

    def free_form(self, scope: Scope, block: Block, expected: dict[str, bool] | None = None) -> None:
        """Blocks without a provider schema: references are checked, names only when `expected` is given."""
        for name, attribute in block.attributes.items():
            if expected is not None and name not in expected:
                self.report(scope, attribute.line, f'unsupported argument "{name}" in {block.type} block')
            self.expression(scope, attribute)
        for name, required in (expected or {}).items():
            if required and name not in block.attributes:
                self.report(scope, block.line, f'missing required argument "{name}" in {block.type} block')
        for nested in block.blocks:
            if expected is not None:
                self.report(
                    scope, nested.line, f'unsupported block type "{nested.type}" in {block.type} block'
                )
            else:
                self.free_form(scope, nested)

    def module_call(self, scope: Scope, block: Block) -> None:
        name = block.labels[0]
        attrs = block.attributes
        if "source" not in attrs:
            self.report(scope, block.line, f'module "{name}": missing required argument "source"')
            return
        for meta in ("count", "for_each"):
            if meta in attrs:
                self.expression(scope, attrs[meta])
        if "depends_on" in attrs:
            self.depends_on(scope, attrs["depends_on"])
        inner = replace(scope, each="for_each" in attrs, count="count" in attrs)
        directory = self.child_directory(scope.module, block)
        child = self.modules.get(directory) if directory else None
        if directory is not None and not directory.is_dir():
            self.report(
                scope, attrs["source"].line, f'module "{name}": source directory {directory} not found'
            )
        for arg, attribute in attrs.items():
            if arg in MODULE_META_ARGUMENTS:
                continue
            if child is not None and arg not in child.variables:
                hint = _did_you_mean(arg, child.variables)
                self.report(scope, attribute.line, f'module "{name}": unsupported argument "{arg}"{hint}')
            self.expression(inner, attribute)
        if child is not None:
            for variable, declaration in sorted(child.variables.items()):
                if "default" not in declaration.attributes and variable not in attrs:
                    self.report(scope, block.line, f'module "{name}": missing required argument "{variable}"')
        for nested in block.blocks:
            self.report(scope, nested.line, f'module "{name}": unsupported block type "{nested.type}"')

    def variable(self, scope: Scope, block: Block) -> None:
        name = block.labels[0]
        for arg, attribute in block.attributes.items():
            if arg not in VARIABLE_ARGUMENTS:
                self.report(scope, attribute.line, f'variable "{name}": unsupported argument "{arg}"')
        floor = max(self.terraform_floor or (0, 0), _terraform_floor(scope.module))
        only = None if floor >= (1, 9) else name
        for nested in block.blocks:
            if nested.type == "validation":
                self.condition(replace(scope, only_variable=only), nested)
            else:
                self.report(scope, nested.line, f'variable "{name}": unsupported block type "{nested.type}"')

    def output(self, scope: Scope, block: Block) -> None:
        name = block.labels[0]
        for arg, attribute in block.attributes.items():
            if arg not in OUTPUT_ARGUMENTS:
                self.report(scope, attribute.line, f'output "{name}": unsupported argument "{arg}"')
            elif arg == "depends_on":
                self.depends_on(scope, attribute)
            else:
                self.expression(scope, attribute)
        if "value" not in block.attributes:
            self.report(scope, block.line, f'output "{name}": missing required argument "value"')
        for nested in block.blocks:
            if nested.type == "precondition":
                self.condition(scope, nested)
            else:
                self.report(scope, nested.line, f'output "{name}": unsupported block type "{nested.type}"')

    def locals(self, scope: Scope, block: Block) -> None:
        for attribute in block.attributes.values():
            self.expression(scope, attribute)
        for nested in block.blocks:
            self.report(scope, nested.line, f'unsupported block type "{nested.type}" in locals')

    def provider(self, scope: Scope, block: Block) -> None:
        name = block.labels[0]
        if name != "aws":
            self.report(
                scope, block.line, f'provider "{name}": no offline schema (only hashicorp/aws is known)'
            )
            return
        self.body(scope, block, self.schema.provider, 'provider "aws"', skip_attributes=frozenset({"alias"}))

    def terraform(self, scope: Scope, block: Block) -> None:
        for arg, attribute in block.attributes.items():
            if arg not in TERRAFORM_ARGUMENTS:
                self.report(scope, attribute.line, f'unsupported argument "{arg}" in terraform block')
        for nested in block.blocks:
            if nested.type not in TERRAFORM_BLOCKS:
                self.report(scope, nested.line, f'unsupported block type "{nested.type}" in terraform block')
            elif nested.type == "required_providers":
                self.required_providers(scope, nested)

    def required_providers(self, scope: Scope, block: Block) -> None:
        aws = block.attributes.get("aws")
        constraint = _object_string(aws.expr, "version") if aws else None
        if constraint and not admits(constraint, self.schema.version):
            self.report(
                scope,
                aws.line,
                f'required_providers: aws version "{constraint}" excludes {self.schema.version}, '
                "the release of the offline schema",
            )
        for name, attribute in block.attributes.items():
            unknown = sorted((_object_keys(attribute.expr) or frozenset()) - REQUIRED_PROVIDER_KEYS)
            for key in unknown:
                hint = _did_you_mean(key, REQUIRED_PROVIDER_KEYS)
                self.report(
                    scope, attribute.line, f'required_providers: unsupported key "{key}" for {name}{hint}'
                )
            for ref in references(attribute.expr):
                # `configuration_aliases = [aws.us_east_1]` declares aliases a parent passes in.
                if isinstance(ref, Reference) and ref.root == name and len(ref.steps) == 1:
                    scope.module.provider_aliases.add(f"{name}.{ref.steps[0]}")
        for nested in block.blocks:
            self.report(scope, nested.line, f'unsupported block type "{nested.type}" in required_providers')

    # -- bodies against the schema ---------------------------------------------------------------------------

    def body(
        self,
        scope: Scope,
        block: Block,
        schema: SchemaBlock,
        label: str,
        skip_attributes: frozenset[str] = frozenset(),
        skip_blocks: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        for duplicate in block.duplicates:
            self.report(scope, duplicate.line, f'{label}: argument "{duplicate.name}" is set more than once')
        if schema.open:
            self.open_body(scope, block, schema, label)
            return
        for name, attribute in block.attributes.items():
            if name in skip_attributes:
                continue
            nested = schema.blocks.get(name)
            if name in schema.arguments or (nested is not None and not nested.is_block):
                self.expression(scope, attribute)
            elif nested is not None:
                self.report(
                    scope,
                    attribute.line,
                    f'{label}: "{name}" is a block, not an argument: write {name} {{ ... }}',
                )
            else:
                hint = _did_you_mean(name, [*schema.arguments, *schema.blocks])
                self.report(scope, attribute.line, f'{label}: unsupported argument "{name}"{hint}')
        present: set[str] = set()
        for nested_block in block.blocks:
            if nested_block.type in skip_blocks:
                continue
            if nested_block.type == "dynamic":
                present.add(self.dynamic(scope, nested_block, schema, label))
                continue
            present.add(nested_block.type)
            nested = schema.blocks.get(nested_block.type)
            if nested is not None and nested.is_block:
                self.body(scope, nested_block, nested.schema, f"{label} {nested_block.type}")
            elif nested is not None or nested_block.type in schema.arguments:
                self.report(
                    scope,
                    nested_block.line,
                    f'{label}: "{nested_block.type}" is an argument, not a block: '
                    f"write {nested_block.type} = ...",
                )
            else:
                hint = _did_you_mean(nested_block.type, schema.blocks)
                self.report(
                    scope, nested_block.line, f'{label}: unsupported block type "{nested_block.type}"{hint}'
                )
        for name, required in sorted(schema.arguments.items()):
            if required and name not in block.attributes:
                self.report(scope, block.line, f'{label}: missing required argument "{name}"')
        for name, nested in sorted(schema.blocks.items()):
            if nested.required and name not in present and name not in block.attributes:
                what = "block" if nested.is_block else "argument"
                self.report(scope, block.line, f'{label}: missing required {what} "{name}"')

    def open_body(self, scope: Scope, block: Block, schema: SchemaBlock, label: str) -> None:
        """A block the schema cannot describe: only its references are checked."""
        for attribute in block.attributes.values():
            self.expression(scope, attribute)
        for nested_block in block.blocks:
            if nested_block.type == "dynamic":
                self.dynamic(scope, nested_block, schema, label)
            else:
                self.body(scope, nested_block, schema, f"{label} {nested_block.type}")

    def dynamic(self, scope: Scope, block: Block, schema: SchemaBlock, label: str) -> str:
        if len(block.labels) != 1:
            self.report(scope, block.line, f"{label}: a dynamic block needs exactly one label")
            return ""
        name = block.labels[0]
        where = f'{label} dynamic "{name}"'
        nested = (
            NestedBlock(required=False, is_block=True, schema=schema)
            if schema.open
            else schema.blocks.get(name)
        )
        if nested is None:
            hint = _did_you_mean(name, schema.blocks)
            self.report(scope, block.line, f'{label}: unsupported block type "{name}" in dynamic block{hint}')
        elif not nested.is_block:
            self.report(scope, block.line, f'{label}: "{name}" is an argument, not a block: no dynamic block')
            nested = None
        iterator = name
        for arg, attribute in block.attributes.items():
            if arg == "iterator":
                iterator = _literal_identifier(attribute.expr) or name
            elif arg in ("for_each", "labels"):
                self.expression(scope, attribute)
            else:
                self.report(scope, attribute.line, f'{where}: unsupported argument "{arg}"')
        if "for_each" not in block.attributes:
            self.report(scope, block.line, f'{where}: missing required argument "for_each"')
        contents = [nested_block for nested_block in block.blocks if nested_block.type == "content"]
        for nested_block in block.blocks:
            if nested_block.type != "content":
                self.report(
                    scope, nested_block.line, f'{where}: unsupported block type "{nested_block.type}"'
                )
        if len(contents) != 1:
            self.report(scope, block.line, f"{where}: needs exactly one content block")
        if nested is not None:
            inner = replace(scope, bound=scope.bound | {iterator})
            for content in contents:
                self.body(inner, content, nested.schema, f"{label} {name}")
        return name

    # -- references ------------------------------------------------------------------------------------------

    def expression(self, scope: Scope, attribute: Attribute) -> None:
        for ref in references(attribute.expr, scope.bound):
            if isinstance(ref, TemplateError):
                self.report(scope, ref.line, ref.message)
            else:
                self.reference(scope, ref)

    def depends_on(self, scope: Scope, attribute: Attribute) -> None:
        for ref in references(attribute.expr, scope.bound):
            if isinstance(ref, Reference) and ref.root in (
                "var",
                "local",
                "each",
                "count",
                "path",
                "terraform",
            ):
                self.report(
                    scope,
                    ref.line,
                    f'depends_on may only name resources, data sources or modules, not "{ref}"',
                )
            elif isinstance(ref, Reference):
                self.reference(scope, ref)

    def provider_reference(self, scope: Scope, attribute: Attribute) -> None:
        for ref in references(attribute.expr):
            if not isinstance(ref, Reference):
                continue
            name = ".".join([ref.root, *(step for step in ref.steps if step)])
            if ref.steps and name not in scope.module.provider_aliases:
                self.report(scope, ref.line, f'provider configuration "{name}" is not declared')

    def reference(self, scope: Scope, ref: Reference) -> None:
        module = scope.module
        first = ref.steps[0] if ref.steps else None
        root = ref.root
        if scope.only_variable is not None and not (root == "var" and first == scope.only_variable):
            self.report(
                scope,
                ref.line,
                f'a validation before Terraform 1.9 may only refer to var.{scope.only_variable}, not "{ref}" '
                "(raise required_version to >= 1.9 to refer to other objects)",
            )
            return
        if root in ("var", "local", "module", "data") and first is None:
            self.report(scope, ref.line, f'invalid reference "{ref}": "{root}" needs an attribute')
        elif root == "var":
            if first not in module.variables:
                hint = _did_you_mean(first, module.variables)
                self.report(scope, ref.line, f'reference to undeclared input variable "{first}"{hint}')
            else:
                type_attribute = module.variables[first].attributes.get("type")
                keys = _object_type_keys(type_attribute.expr) if type_attribute else None
                self.object_attribute(scope, ref, keys)
        elif root == "local":
            if first not in module.locals:
                hint = _did_you_mean(first, module.locals)
                self.report(scope, ref.line, f'reference to undeclared local value "{first}"{hint}')
            else:
                self.object_attribute(scope, ref, _object_keys(module.locals[first].expr))
        elif root == "module":
            self.module_reference(scope, ref, first)
        elif root == "data":
            self.data_reference(scope, ref, first)
        elif root in NAMED_VALUES:
            if root == "each" and not scope.each:
                self.report(scope, ref.line, f'"{ref}" is only valid in a block with for_each')
            elif root == "count" and not scope.count:
                self.report(scope, ref.line, f'"{ref}" is only valid in a block with count')
            elif first not in NAMED_VALUES[root]:
                self.report(scope, ref.line, f'invalid reference "{ref}"')
        elif root == "self":
            if not scope.self_allowed:
                self.report(
                    scope,
                    ref.line,
                    '"self" is only valid in provisioner, connection and postcondition blocks',
                )
        else:
            self.resource_reference(scope, ref, first)

    def object_attribute(self, scope: Scope, ref: Reference, keys: frozenset[str] | None) -> None:
        """`local.names.queue`, `var.settings.mode`: with literal object keys, the key must be one of them."""
        key = ref.steps[1] if len(ref.steps) > 1 else None
        if keys is not None and key is not None and key not in keys:
            hint = _did_you_mean(key, keys)
            self.report(scope, ref.line, f'"{ref}": {ref.root}.{ref.steps[0]} has no attribute "{key}"{hint}')

    def module_reference(self, scope: Scope, ref: Reference, name: str | None) -> None:
        call = scope.module.calls.get(name)
        if call is None:
            hint = _did_you_mean(name, scope.module.calls)
            self.report(scope, ref.line, f'reference to undeclared module "{name}"{hint}')
            return
        directory = self.child_directory(scope.module, call)
        child = self.modules.get(directory) if directory else None
        output = ref.attribute_after(0)
        if child is not None and output is not None and output not in child.outputs:
            hint = _did_you_mean(output, child.outputs)
            self.report(scope, ref.line, f'module "{name}" has no output "{output}"{hint}')

    def data_reference(self, scope: Scope, ref: Reference, type_name: str | None) -> None:
        name = ref.steps[1] if len(ref.steps) > 1 else None
        if name is None:
            self.report(scope, ref.line, f'invalid reference "{ref}": expected data.<type>.<name>')
            return
        if (type_name, name) not in scope.module.data:
            self.report(scope, ref.line, f'reference to undeclared data source "data.{type_name}.{name}"')
            return
        self.attribute(scope, ref, self.schema.data_sources.get(type_name), f"data.{type_name}", 1)

    def resource_reference(self, scope: Scope, ref: Reference, name: str | None) -> None:
        root = ref.root
        is_type = root in self.schema.resources or root == "terraform_data"
        if name is None or not is_type:
            hint = _did_you_mean(
                root, ["var", "local", "module", "data", "each", "count", "path", "terraform"]
            )
            self.report(scope, ref.line, f'unknown reference "{ref}"{hint}')
            return
        if (root, name) not in scope.module.resources:
            self.report(scope, ref.line, f'reference to undeclared resource "{root}.{name}"')
            return
        schema = TERRAFORM_DATA if root == "terraform_data" else self.schema.resources[root]
        self.attribute(scope, ref, schema, root, 0)

    def attribute(
        self, scope: Scope, ref: Reference, schema: SchemaBlock | None, what: str, position: int
    ) -> None:
        """The attribute after `position` must exist, and so must each name read inside nested objects."""
        names = [
            (index, step) for index, step in enumerate(ref.steps) if index > position and step is not None
        ]
        if schema is None or not names:
            return
        attribute = names[0][1]
        if attribute not in schema.attributes:
            hint = _did_you_mean(attribute, schema.attributes)
            self.report(scope, ref.line, f'"{ref}": {what} has no attribute "{attribute}"{hint}')
            return
        nested = schema.children.get(attribute)
        path = attribute
        for _, name in names[1:]:
            readable = self.schema.nested_attributes.get(nested) if nested else None
            if readable is None:
                return
            if name not in readable:
                hint = _did_you_mean(name, readable)
                self.report(scope, ref.line, f'"{ref}": {what}.{path} has no attribute "{name}"{hint}')
                return
            nested, path = readable[name], f"{path}.{name}"


def _did_you_mean(name: str | None, candidates: object) -> str:
    matches = difflib.get_close_matches(name or "", list(candidates), n=1, cutoff=0.75)
    return f'; did you mean "{matches[0]}"?' if matches else ""


def _literal_string(expr: Tree | Token) -> str | None:
    node = expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Token) and node.type == "STRING_LIT" and "${" not in node:
        return str(node)[1:-1]
    return None


def _object_string(expr: Tree | Token, key: str) -> str | None:
    """The literal string at `key` of an object expression (`{ version = "~> 6.0" }`)."""
    for element in expr.iter_subtrees_topdown() if isinstance(expr, Tree) else ():
        if element.data == "object_elem" and _literal_identifier(element.children[0]) == key:
            return _literal_string(element.children[-1])
    return None


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def admits(constraint: str, version: str) -> bool:
    """Whether a Terraform version constraint (`~> 6.0`, `>= 5.0, < 7.0`) admits `version`."""
    have = _version_tuple(version)
    for clause in constraint.split(","):
        match = re.fullmatch(r"\s*(~>|>=|<=|!=|=|>|<)?\s*v?([\d.]+)\s*", clause)
        if not match:
            return True
        operator, wanted = match.group(1) or "=", match.group(2)
        want = _version_tuple(wanted)
        exact = want + (0,) * (len(have) - len(want))
        checks = {
            "=": have == exact,
            "!=": have != exact,
            ">": have > want,
            ">=": have >= want,
            "<": have < want,
            "<=": have <= want,
            # `~> 6.0` allows 6.x; `~> 6.1.2` allows 6.1.x from 6.1.2.
            "~>": have >= want and have[: len(want) - 1] == want[:-1],
        }
        if not checks[operator]:
            return False
    return True


def _unwrap(expr: Tree | Token) -> Tree | Token:
    while isinstance(expr, Tree) and expr.data == "expr_term" and len(expr.children) == 1:
        expr = expr.children[0]
    return expr


def _object_keys(expr: Tree | Token) -> frozenset[str] | None:
    """The keys of an object constructor whose keys are all literal (`{ a = 1, "b" = 2 }`), else None."""
    node = _unwrap(expr)
    if not (isinstance(node, Tree) and node.data == "object"):
        return None
    keys = set()
    for element in node.children:
        if not (isinstance(element, Tree) and element.data == "object_elem"):
            continue
        key = _literal_identifier(element.children[0]) or _literal_string(element.children[0])
        if key is None:
            return None
        keys.add(key)
    return frozenset(keys)


def _object_type_keys(expr: Tree | Token) -> frozenset[str] | None:
    """The attribute names of an `object({ ... })` type constraint, else None."""
    node = _unwrap(expr)
    if not (isinstance(node, Tree) and node.data == "function_call"):
        return None
    if str(node.children[0].children[0]) != "object" or len(node.children) < 2:
        return None
    arguments = [child for child in node.children[1].children if isinstance(child, Tree)]
    return _object_keys(arguments[0]) if len(arguments) == 1 else None


def _literal_identifier(expr: Tree | Token) -> str | None:
    node = expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "identifier":
        return str(node.children[0])
    return None


def _terraform_floor(module: Module) -> tuple[int, int]:
    """The lowest Terraform version `required_version` admits ((0, 0) when unconstrained)."""
    floor = (0, 0)
    for root in module.files.values():
        for block in root.blocks:
            attribute = block.attributes.get("required_version") if block.type == "terraform" else None
            text = _literal_string(attribute.expr) if attribute else None
            for major, minor in _VERSION_FLOOR.findall(text or ""):
                floor = max(floor, (int(major), int(minor)))
    return floor


def validate_directory(directory: Path, schema: ProviderSchema) -> list[Finding]:
    return Validator(schema).validate(directory)
