"""The AWS provider schema, derived offline from the jsii assembly shipped by `cdktf-cdktf-provider-aws`.

The assembly describes each resource and data source as a jsii class: its initializer's `config` struct
lists the arguments and nested blocks (each property's doc link ends `#<terraform_name>`, `optional` marks
optional ones, struct-typed properties are nested blocks), and the class getters that are not `*Input` are
the attributes a reference may read, computed ones (`arn`, `invoke_url`) included. Deriving it takes
seconds, so the compact result is cached per assembly hash.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_FORMAT = 4
JSII_MEMBER = "package/.jsii"
_DOC_LINK = re.compile(r"\{@link https://registry\.terraform\.io/\S*?#([A-Za-z0-9_]+) ")
_TYPE_LINK = re.compile(
    r"\{@link https://registry\.terraform\.io/\S+/docs/(resources|data-sources)/\S+ (\w+)\}"
)
_PROVIDER_VERSION = re.compile(r"registry\.terraform\.io/providers/hashicorp/aws/(\d+\.\d+\.\d+)/docs")
_RESOURCE_BASES = {"cdktf.TerraformResource": "resource", "cdktf.TerraformDataSource": "data"}


@dataclass
class Block:
    """Arguments and nested blocks of a resource, data source, provider or nested block."""

    arguments: dict[str, bool] = field(default_factory=dict)  # name -> required
    blocks: dict[str, NestedBlock] = field(default_factory=dict)
    attributes: frozenset[str] = frozenset()  # readable in references (arguments, blocks, computed)
    # Too deeply recursive for jsii (typed `any`, e.g. aws_wafv2_web_acl's `statement`): contents not checked.
    open: bool = False
    # Resources and data sources: attribute -> key of its own readable attributes in
    # `ProviderSchema.nested_attributes` (None for plain values: strings, lists of strings, maps).
    children: dict[str, str | None] = field(default_factory=dict)


@dataclass
class NestedBlock:
    required: bool
    # False for struct-typed *attributes* of plugin-framework resources (`name = { ... }` syntax).
    is_block: bool
    schema: Block


@dataclass
class ProviderSchema:
    version: str  # the hashicorp/aws release the assembly was generated from, e.g. "6.25.0"
    provider: Block
    resources: dict[str, Block]
    data_sources: dict[str, Block]
    # What a reference may read inside a nested object (`logging_config[0].log_group`), by key.
    nested_attributes: dict[str, dict[str, str | None]] = field(default_factory=dict)


def assembly_path() -> Path:
    """The jsii tarball of the installed `cdktf-cdktf-provider-aws`, found without importing the package."""
    spec = importlib.util.find_spec("cdktf_cdktf_provider_aws")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the PyPI package cdktf-cdktf-provider-aws is not installed")
    for location in spec.submodule_search_locations:
        found = sorted((Path(location) / "_jsii").glob("provider-aws@*.jsii.tgz"))
        if found:
            return found[-1]
    raise FileNotFoundError("cdktf-cdktf-provider-aws ships no _jsii/provider-aws@*.jsii.tgz")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "payhooks-tfvalidate"


def load_schema(tgz: Path | None = None, cache_dir: Path | None = None) -> ProviderSchema:
    """The provider schema, from the cache when this exact assembly was derived before."""
    tgz = tgz or assembly_path()
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()[:24]
    cache_file = (cache_dir or default_cache_dir()) / f"aws-{digest}-v{SCHEMA_FORMAT}.json"
    try:
        compact = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        compact = derive_compact(read_assembly(tgz))
        _write_atomically(cache_file, json.dumps(compact, separators=(",", ":"), sort_keys=True))
        for stale in cache_file.parent.glob(f"aws-{digest}-v*.json"):
            if stale != cache_file:
                stale.unlink(missing_ok=True)
    return inflate(compact)


def read_assembly(tgz: Path) -> dict[str, Any]:
    with tarfile.open(tgz, "r:gz") as archive:
        member = archive.extractfile(JSII_MEMBER)
        if member is None:
            raise FileNotFoundError(f"{tgz} has no {JSII_MEMBER}")
        return json.load(member)


def _write_atomically(path: Path, text: str) -> None:
    # A read-only home must not stop validation: the cache only saves time.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError:
        return


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def _computed_names(camel: str) -> set[str]:
    """Terraform names a computed getter may stand for (cdktf drops `_` before digits: `a_1` -> `a1`)."""
    plain = _snake(camel)
    return {plain, re.sub(r"(?<=[a-z])(?=[0-9])", "_", plain)}


def _doc_name(prop: dict[str, Any]) -> str | None:
    docs = prop.get("docs", {})
    match = _DOC_LINK.search(f"{docs.get('summary', '')} {docs.get('remarks', '')}")
    return match.group(1) if match else None


class _Deriver:
    def __init__(self, types: dict[str, Any]) -> None:
        self.types = types
        self.structs: dict[str, dict[str, Any]] = {}
        self.readables: dict[str, dict[str, str | None]] = {}

    def struct_fqn(self, type_ref: dict[str, Any]) -> str | None:
        if "fqn" in type_ref:
            target = self.types.get(type_ref["fqn"])
            return type_ref["fqn"] if target and target.get("datatype") else None
        if "collection" in type_ref:
            return self.struct_fqn(type_ref["collection"]["elementtype"])
        for member in type_ref.get("union", {}).get("types", []):
            found = self.struct_fqn(member)
            if found:
                return found
        return None

    def struct_properties(self, fqn: str) -> list[dict[str, Any]]:
        struct = self.types[fqn]
        props = list(struct.get("properties", []))
        for parent in struct.get("interfaces", []):
            if parent.startswith("@cdktf/provider-aws."):
                props.extend(self.struct_properties(parent))
        return props

    def struct(self, fqn: str) -> str:
        """Derive a struct once, keyed by its fqn; returns the key."""
        if fqn in self.structs:
            return fqn
        derived: dict[str, Any] = {"a": {}, "b": {}}
        self.structs[fqn] = derived
        for prop in self.struct_properties(fqn):
            name = _doc_name(prop) or _snake(prop["name"])
            required = not prop.get("optional", False)
            nested = self.struct_fqn(prop["type"])
            is_block = prop.get("docs", {}).get("summary", "").endswith(" block.")
            if nested is not None:
                derived["b"][name] = [required, is_block, self.struct(nested)]
            elif is_block:
                derived["b"][name] = [required, True, None]
            else:
                derived["a"][name] = required
        return fqn

    def readable_names(self, cls: dict[str, Any], struct_fqn: str | None) -> dict[str, str | None]:
        """The attributes a class's getters expose (not the `*Input` ones), each with its nested key."""
        by_camel = {p["name"]: _doc_name(p) for p in self.struct_properties(struct_fqn)} if struct_fqn else {}
        names: dict[str, str | None] = {}
        for prop in cls.get("properties", []):
            camel = prop["name"]
            if prop.get("static") or camel == "internalValue":
                continue
            if camel.endswith("Input") and camel[: -len("Input")] in by_camel:
                continue
            child = self.nested(prop["type"])
            doc_name = by_camel.get(camel)
            for name in {doc_name} if doc_name else _computed_names(camel):
                names[name] = child
        return names

    def nested(self, type_ref: dict[str, Any]) -> str | None:
        """The readable key of a getter's type: an object, or the element of a list or map of objects."""
        cls = self.types.get(type_ref.get("fqn", ""))
        if not cls or cls.get("kind") != "class":
            return None
        if cls.get("base") in ("cdktf.ComplexList", "cdktf.ComplexMap"):
            getter = next((m for m in cls.get("methods", []) if m["name"] == "get"), None)
            element = (getter or {}).get("returns", {}).get("type", {})
            return self.nested(element) if element else None
        if cls.get("base") != "cdktf.ComplexObject":
            return None
        fqn = cls["fqn"]
        if fqn not in self.readables:
            self.readables[fqn] = {}
            internal = next((p for p in cls.get("properties", []) if p["name"] == "internalValue"), None)
            struct = self.struct_fqn(internal["type"]) if internal else None
            self.readables[fqn] = self.readable_names(cls, struct)
        return fqn

    def top_level(self, cls: dict[str, Any]) -> dict[str, Any]:
        config = next(p for p in cls["initializer"]["parameters"] if p["name"] == "config")
        key = self.struct(config["type"]["fqn"])
        return {"s": key, "c": self.readable_names(cls, key)}


def derive_compact(assembly: dict[str, Any]) -> dict[str, Any]:
    """A JSON-able schema: shared structs by fqn, and per type its config struct and readable attributes."""
    types = assembly["types"]
    deriver = _Deriver(types)
    compact: dict[str, Any] = {"resource": {}, "data": {}, "provider": None}
    for cls in types.values():
        base = cls.get("base")
        if base == "cdktf.TerraformProvider":
            compact["provider"] = deriver.top_level(cls)
            match = _PROVIDER_VERSION.search(cls.get("docs", {}).get("summary", ""))
            compact["version"] = match.group(1) if match else "0.0.0"
        elif base in _RESOURCE_BASES:
            match = _TYPE_LINK.search(cls.get("docs", {}).get("summary", ""))
            if match:
                compact[_RESOURCE_BASES[base]][match.group(2)] = deriver.top_level(cls)
    compact["structs"] = deriver.structs
    compact["nested"] = deriver.readables
    return compact


def inflate(compact: dict[str, Any]) -> ProviderSchema:
    structs = compact["structs"]
    built: dict[str, Block] = {}

    def block(key: str | None) -> Block:
        if key is None:
            return Block(open=True)
        if key in built:
            return built[key]
        raw = structs[key]
        result = Block(arguments=dict(raw["a"]))
        built[key] = result
        for name, (required, is_block, nested) in raw["b"].items():
            result.blocks[name] = NestedBlock(required=required, is_block=is_block, schema=block(nested))
        result.attributes = frozenset(result.arguments) | frozenset(result.blocks)
        return result

    def top(entry: dict[str, Any]) -> Block:
        base = block(entry["s"])
        readable = base.attributes | frozenset(entry["c"])
        return Block(base.arguments, base.blocks, readable, children=dict(entry["c"]))

    return ProviderSchema(
        version=compact["version"],
        provider=top(compact["provider"]),
        resources={name: top(entry) for name, entry in compact["resource"].items()},
        data_sources={name: top(entry) for name, entry in compact["data"].items()},
        nested_attributes=compact["nested"],
    )
