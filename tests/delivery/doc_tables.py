"""The generated tables of SECURITY.md and README.md, and the check that they are current.

    python -m tests.delivery.doc_tables           # print both tables (paste between the markers)
    python -m tests.delivery.doc_tables --write   # rewrite them in place between the markers

SECURITY.md's control-to-requirement tables come from policies/pci_mapping.yaml; README.md's configuration
table comes from infra/variables.tf, parsed with Checkov's HCL parser (bc-python-hcl2's `hcl2`). The tests in
test_docs.py fail, printing the expected text, whenever a document drifts from its source.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import hcl2
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
MAPPING = REPO_ROOT / "policies" / "pci_mapping.yaml"
EXCEPTIONS = REPO_ROOT / "policies" / "exceptions.yaml"
VARIABLES = REPO_ROOT / "infra" / "variables.tf"
SECURITY = REPO_ROOT / "SECURITY.md"
README = REPO_ROOT / "README.md"
CONTROLS_MARKER = "control-table"
CONFIG_MARKER = "config-table"
EXCEPTIONS_MARKER = "exceptions-table"


def _cell(text: str) -> str:
    """One Markdown table cell: one line, pipes escaped, angle brackets shown rather than read as HTML."""
    cell = " ".join(str(text).split()).replace("|", "\\|")
    return cell.replace("<", "&lt;").replace(">", "&gt;")


def _requirement_key(requirement: str) -> tuple[int, ...]:
    return tuple(int(part) for part in requirement.split("."))


def control_tables(mapping: dict[str, Any]) -> str:
    """Check → requirements, then requirement → checks, both straight from the mapping."""
    lines = [
        "| Check | Control enforced by the gate | PCI DSS v4.0 | Severity | Kind |",
        "|---|---|---|---|---|",
    ]
    by_requirement: dict[str, list[str]] = {req: [] for req in mapping["requirements"]}
    for check_id, check in sorted(mapping["checks"].items()):
        if check.get("soft_fail"):
            kind = "warning (soft fail, in the evidence)"
        elif check.get("stack_policy"):
            kind = "stack policy (blocking)"
        else:
            kind = "blocking"
        requirements = ", ".join(check["requirements"])
        name, severity = _cell(check["name"]), check["severity"]
        lines.append(f"| `{check_id}` | {name} | {requirements} | {severity} | {kind} |")
        for requirement in check["requirements"]:
            by_requirement[requirement].append(f"`{check_id}`")
    lines += ["", "| PCI DSS v4.0 | Requirement (summary) | Evidenced by |", "|---|---|---|"]
    for requirement in sorted(by_requirement, key=_requirement_key):
        checks = ", ".join(by_requirement[requirement]) or "procedure (see below)"
        lines.append(f"| {requirement} | {_cell(mapping['requirements'][requirement])} | {checks} |")
    return "\n".join(lines)


def load_exceptions() -> dict[str, Any]:
    """policies/exceptions.yaml as data; a missing file means no exceptions (as for the gate)."""
    if not EXCEPTIONS.is_file():
        return {}
    return yaml.safe_load(EXCEPTIONS.read_text(encoding="utf-8")) or {}


def exception_tables(exceptions: dict[str, Any]) -> str:
    """Every approved gate exception and every accepted deviation, from policies/exceptions.yaml."""
    lines = [
        "| Check | Resource | Justification | Compensating control | Approver | Expires |",
        "|---|---|---|---|---|---|",
    ]
    for entry in sorted(exceptions.get("exceptions") or [], key=lambda e: (e["check_id"], e["resource"])):
        lines.append(
            f"| `{entry['check_id']}` | `{entry['resource']}` | {_cell(entry['justification'])} "
            f"| {_cell(entry['compensating_control'])} | {_cell(entry['approver'])} | {entry['expiry']} |"
        )
    deviations = sorted(exceptions.get("deviations") or [], key=lambda d: d["check_id"])
    if deviations:
        lines += ["", "| Check (warning) | Deviation | Tracking note |", "|---|---|---|"]
        for entry in deviations:
            lines.append(f"| `{entry['check_id']}` | {_cell(entry['title'])} | {_cell(entry['note'])} |")
    return "\n".join(lines)


def _type_text(block_lines: list[str], parsed: Any) -> str:
    for line in block_lines:
        match = re.match(r"\s*type\s*=\s*(.+?)\s*$", line)
        if match:
            return match.group(1)
    if parsed is None:
        return "any"
    return re.sub(r"^\$\{(.*)\}$", r"\1", str(parsed))


def _default_text(variable: dict[str, Any]) -> str:
    if "default" not in variable:
        return "**required**"
    value = variable["default"][0] if isinstance(variable["default"], list) else variable["default"]
    if isinstance(value, str):
        return f'`"{value}"`' if not value.startswith("${") else f"`{value[2:-1]}`"
    return f"`{json.dumps(value)}`"


def config_table(variables_tf: Path) -> str:
    """One row per variable of the root module, in file order."""
    source = variables_tf.read_text(encoding="utf-8")
    parsed = hcl2.loads(source)
    source_lines = source.splitlines()
    lines = ["| Variable | Type | Default | Validated | Description |", "|---|---|---|---|---|"]
    for entry in parsed.get("variable", []):
        for name, variable in entry.items():
            block = source_lines[variable["__start_line__"] - 1 : variable["__end_line__"]]
            parsed_type = variable.get("type", [None])[0]
            description = variable.get("description", [""])[0]
            validated = "yes" if variable.get("validation") else ""
            type_text, default = _cell(_type_text(block, parsed_type)), _default_text(variable)
            lines.append(f"| `{name}` | `{type_text}` | {default} | {validated} | {_cell(description)} |")
    return "\n".join(lines)


def _marker_pattern(marker: str) -> str:
    return rf"(<!-- {marker}:start -->\n)(.*?)(<!-- {marker}:end -->)"


def between_markers(document: str, marker: str) -> str:
    match = re.search(_marker_pattern(marker), document, re.S)
    if not match:
        raise AssertionError(f"markers <!-- {marker}:start/end --> not found")
    return match.group(2).removesuffix("\n")


def replace_between_markers(document: str, marker: str, table: str) -> str:
    between_markers(document, marker)
    return re.sub(
        _marker_pattern(marker),
        lambda match: match.group(1) + table + "\n" + match.group(3),
        document,
        flags=re.S,
    )


def main(argv: list[str]) -> int:
    controls = control_tables(yaml.safe_load(MAPPING.read_text(encoding="utf-8")))
    exceptions = exception_tables(load_exceptions())
    config = config_table(VARIABLES)
    if argv == ["--write"]:
        security = replace_between_markers(SECURITY.read_text(), CONTROLS_MARKER, controls)
        SECURITY.write_text(replace_between_markers(security, EXCEPTIONS_MARKER, exceptions))
        README.write_text(replace_between_markers(README.read_text(), CONFIG_MARKER, config))
        return 0
    print(controls, exceptions, config, sep="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
