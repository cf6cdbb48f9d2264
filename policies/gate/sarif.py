"""`results.sarif`: SARIF 2.1.0, one rule per check (help text = remediation), one result per check result.

Passing results are kept with `kind: pass` so the file is a complete record; excepted failures carry an
accepted external suppression with the exception's justification.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "payhooks-pci-gate"
CHECKOV_INDEX = "https://www.checkov.io/5.Policy%20Index/terraform.html"

_LEVELS = {
    "failed": "error",
    "warning": "warning",
    "excepted": "note",
    "unevaluated": "note",
    "passed": "none",
}
_KINDS = {"failed": "fail", "warning": "fail", "excepted": "fail", "unevaluated": "review", "passed": "pass"}
_SECURITY_SEVERITY = {"CRITICAL": "9.5", "HIGH": "8.0", "MEDIUM": "5.5", "LOW": "3.0"}


def _custom_rule(check: dict[str, Any]) -> dict[str, Any]:
    remediation = check["remediation"]
    requirements = ", ".join(check["requirements"])
    return {
        "id": check["id"],
        "name": check["class"],
        "shortDescription": {"text": check["name"]},
        "fullDescription": {"text": f"{check['risk']} PCI DSS v4.0: {requirements}."},
        "help": {
            "text": f"Remediation (Terraform):\n{remediation}",
            "markdown": f"**Remediation** (Terraform):\n\n```hcl\n{remediation}\n```",
        },
        "defaultConfiguration": {"level": "warning" if check["soft_fail"] else "error"},
        "properties": {
            "tags": ["security", "pci-dss", *[f"PCI-DSS-{r}" for r in check["requirements"]]],
            "severity": check["severity"],
            "security-severity": _SECURITY_SEVERITY[check["severity"]],
            "requirements": check["requirements"],
            "soft_fail": check["soft_fail"],
        },
    }


def _builtin_rule(check_id: str, name: str, guideline: str | None) -> dict[str, Any]:
    reference = guideline or CHECKOV_INDEX
    return {
        "id": check_id,
        "name": check_id,
        "shortDescription": {"text": name},
        "fullDescription": {"text": f"Checkov built-in check: {name}"},
        "help": {
            "text": f"Checkov built-in check {check_id}. Remediation: {reference}",
            "markdown": f"Checkov built-in check `{check_id}`. Remediation: [{reference}]({reference})",
        },
        "helpUri": reference,
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security", "checkov-builtin"]},
    }


def _physical(location: dict[str, Any]) -> dict[str, Any]:
    start, end = location["lines"]
    return {"artifactLocation": {"uri": location["file"]}, "region": {"startLine": start, "endLine": end}}


def _result(entry: dict[str, Any], rule_index: int) -> dict[str, Any]:
    primary = entry["hcl_location"] or {"file": entry["file"], "lines": entry["lines"]}
    result: dict[str, Any] = {
        "ruleId": entry["check_id"],
        "ruleIndex": rule_index,
        "kind": _KINDS[entry["outcome"]],
        "level": _LEVELS[entry["outcome"]],
        "message": {"text": entry["reason"]},
        "locations": [
            {
                "physicalLocation": _physical(primary),
                "logicalLocations": [{"fullyQualifiedName": entry["resource"], "kind": "resource"}],
            }
        ],
        "properties": {
            "outcome": entry["outcome"],
            "blocking": entry["blocking"],
            "source": entry["source"],
            "checkov_result": entry["checkov_result"],
            "severity": entry["severity"],
            "requirements": entry["requirements"],
        },
    }
    if entry["hcl_location"]:
        result["relatedLocations"] = [
            {"id": 1, "physicalLocation": _physical(entry), "message": {"text": "resource in the plan"}}
        ]
    if entry["exception"] is not None and entry["excepted"]:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"policies/exceptions.yaml, expires {entry['exception']['expiry']}",
            }
        ]
    return result


def build_sarif(evidence: dict[str, Any]) -> dict[str, Any]:
    rules = [_custom_rule(check) for check in evidence["policy_pack"]["checks"]]
    builtins: dict[str, tuple[str, str | None]] = {}
    for entry in evidence["results"]:
        if entry["kind"] == "builtin":
            builtins.setdefault(entry["check_id"], (entry["check_name"], entry["guideline"]))
    rules.extend(_builtin_rule(check_id, *builtins[check_id]) for check_id in sorted(builtins))
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    run = evidence["run"]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": evidence["policy_pack"]["version"],
                        "semanticVersion": evidence["policy_pack"]["version"],
                        "informationUri": "https://www.checkov.io/",
                        "rules": rules,
                        "properties": {"checkov_version": run["versions"]["checkov"]},
                    }
                },
                "invocations": [
                    {
                        "commandLine": run["command"],
                        "executionSuccessful": True,
                        "exitCode": evidence["gate"]["exit_code"],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": [_result(entry, index[entry["check_id"]]) for entry in evidence["results"]],
                "properties": {
                    "gate": evidence["gate"]["status"],
                    "commit": run["git"]["commit"],
                    "dirty": run["git"]["dirty"],
                    "problems": evidence["problems"],
                },
            }
        ],
    }


def write_sarif(path: Path, evidence: dict[str, Any]) -> None:
    path.write_text(json.dumps(build_sarif(evidence), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
