"""The policy pack: the PCI mapping (metadata of every custom check) and the checks directory."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policies.gate.files import relative, sha256_file, walk_files

_CHECK_ID = re.compile(r"^CKV_PCI_\d{3}$")
_SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
_REQUIRED_CHECK_KEYS = ("class", "name", "requirements", "severity", "risk", "remediation")
# Files of the checks directory that belong to the pack (and so to its hash).
_PACK_SUFFIXES = (".py", ".yaml", ".yml")


class PackError(ValueError):
    """The mapping file is unusable: the gate cannot say what any result means."""


@dataclass(frozen=True)
class CheckMeta:
    id: str
    class_name: str
    name: str
    requirements: tuple[str, ...]
    severity: str
    risk: str
    remediation: str
    soft_fail: bool
    stack_policy: bool


@dataclass(frozen=True)
class PackFile:
    path: str
    sha256: str


@dataclass(frozen=True)
class PolicyPack:
    name: str
    version: str
    standard: str
    requirements: dict[str, str]
    checks: dict[str, CheckMeta]
    mapping_path: Path
    checks_dir: Path

    def check_ids(self) -> list[str]:
        return sorted(self.checks)

    def requirement_ids(self) -> list[str]:
        return sorted(self.requirements, key=requirement_sort_key)


def requirement_sort_key(requirement_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in requirement_id.split(".") if part.isdigit())


def _check_meta(check_id: str, raw: Any, requirements: dict[str, str]) -> CheckMeta:
    if not _CHECK_ID.match(check_id):
        raise PackError(f"check id {check_id!r} does not match CKV_PCI_NNN")
    if not isinstance(raw, dict):
        raise PackError(f"{check_id}: expected a mapping of fields")
    missing = [key for key in _REQUIRED_CHECK_KEYS if not raw.get(key)]
    if missing:
        raise PackError(f"{check_id}: missing {', '.join(missing)}")
    severity = str(raw["severity"]).upper()
    if severity not in _SEVERITIES:
        raise PackError(f"{check_id}: severity {raw['severity']!r} is not one of {', '.join(_SEVERITIES)}")
    requirement_ids = tuple(str(requirement) for requirement in raw["requirements"])
    unknown = [requirement for requirement in requirement_ids if requirement not in requirements]
    if unknown:
        raise PackError(f"{check_id}: requirement(s) {', '.join(unknown)} not listed under `requirements`")
    return CheckMeta(
        id=check_id,
        class_name=str(raw["class"]),
        name=str(raw["name"]),
        requirements=requirement_ids,
        severity=severity,
        risk=str(raw["risk"]).strip(),
        remediation=str(raw["remediation"]).rstrip(),
        soft_fail=bool(raw.get("soft_fail", False)),
        stack_policy=bool(raw.get("stack_policy", False)),
    )


def load_pack(mapping_path: Path, checks_dir: Path) -> PolicyPack:
    try:
        raw = yaml.safe_load(mapping_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PackError(f"cannot read {mapping_path}: {error}") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("checks"), dict):
        raise PackError(f"{mapping_path}: expected top-level `checks` and `requirements` mappings")
    requirements = {str(key): str(value) for key, value in (raw.get("requirements") or {}).items()}
    checks = {str(key): _check_meta(str(key), value, requirements) for key, value in raw["checks"].items()}
    return PolicyPack(
        name=str(raw.get("policy_pack", mapping_path.stem)),
        version=str(raw.get("version", "0")),
        standard=str(raw.get("standard", "")),
        requirements=requirements,
        checks=checks,
        mapping_path=mapping_path,
        checks_dir=checks_dir,
    )


def pack_files(pack: PolicyPack, exceptions_path: Path, base: Path) -> list[PackFile]:
    """Every file that defines what the gate enforces: the checks, the mapping and the exceptions."""
    paths = [*walk_files(pack.checks_dir, _PACK_SUFFIXES), pack.mapping_path]
    if exceptions_path.is_file():
        paths.append(exceptions_path)
    return sorted((PackFile(relative(path, base), sha256_file(path)) for path in paths), key=lambda f: f.path)


def pack_digest(files: list[PackFile]) -> str:
    """sha256 of the pack's own sha256sum listing (one `<sha256>  <path>` line per file, sorted by path)."""
    listing = "".join(f"{file.sha256}  {file.path}\n" for file in files)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def integrity_problems(pack: PolicyPack, loaded_pack_checks: dict[str, str]) -> list[str]:
    """Mismatches between the mapping, the check files and what Checkov actually registered.

    `loaded_pack_checks` maps the id of every check Checkov registered from the checks directory to its
    class name. A check that failed to import is only logged by Checkov, so it shows up here as missing.
    """
    problems = []
    files = {path.stem for path in pack.checks_dir.glob("*.py") if not path.name.startswith("__")}
    for check_id in pack.check_ids():
        meta = pack.checks[check_id]
        if meta.class_name not in files:
            problems.append(f"{check_id}: no check file {meta.class_name}.py in {pack.checks_dir.name}/")
        elif check_id not in loaded_pack_checks:
            problems.append(f"{check_id}: {meta.class_name}.py did not register the check with Checkov")
        elif loaded_pack_checks[check_id] != meta.class_name:
            problems.append(
                f"{check_id}: registered by class {loaded_pack_checks[check_id]}, "
                f"mapping says {meta.class_name}"
            )
    problems.extend(
        f"{check_id}: registered from {pack.checks_dir.name}/ but missing from {pack.mapping_path.name}"
        for check_id in sorted(set(loaded_pack_checks) - set(pack.checks))
    )
    return problems
