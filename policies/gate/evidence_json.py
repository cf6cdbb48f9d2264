"""`evidence.json`: the complete, machine-readable record of a run. The other writers render from it.

Everything is sorted and every path is relative to the repository root, so two runs on the same commit
differ only in `run.started_at` and `run.duration_seconds` (and the folder name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policies.gate.pack import PackFile, PolicyPack
from policies.gate.records import Location
from policies.gate.results import Evaluation, ExceptionStatus, Finding
from policies.gate.run_metadata import RunMetadata

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str
    role: str  # terraform | plan | policy_pack


@dataclass(frozen=True)
class GateRun:
    metadata: RunMetadata
    duration_seconds: float
    pack: PolicyPack
    pack_files: list[PackFile]
    pack_sha256: str
    evaluation: Evaluation
    mode: str
    command: str
    directory: str
    plan: str | None
    files_filter: list[str]
    inputs: list[InputFile]


def _location(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "lines": [location.start_line, location.end_line]}


def _result(finding: Finding) -> dict[str, Any]:
    raw = finding.raw
    exception = finding.exception
    return {
        "check_id": raw.check_id,
        "check_name": raw.check_name,
        "kind": finding.kind,
        "source": raw.source,
        "resource": raw.resource,
        "file": raw.location.file,
        "lines": [raw.location.start_line, raw.location.end_line],
        "module_call": _location(raw.module_call),
        "hcl_location": _location(raw.hcl_location),
        "checkov_result": raw.checkov_result,
        "unknown_after_apply": list(raw.unknown_after_apply),
        "outcome": finding.outcome,
        "blocking": finding.blocking,
        "excepted": finding.outcome == "excepted",
        "reason": finding.reason,
        "details": list(raw.details),
        "evaluated_keys": list(raw.evaluated_keys),
        "severity": finding.severity,
        "requirements": list(finding.requirements),
        "guideline": raw.guideline,
        "exception": None
        if exception is None
        else {
            "check_id": exception.check_id,
            "resource": exception.resource,
            "expiry": exception.expiry.isoformat(),
        },
    }


def _exception(status: ExceptionStatus) -> dict[str, Any]:
    exception = status.exception
    return {
        "check_id": exception.check_id,
        "resource": exception.resource,
        "justification": exception.justification,
        "compensating_control": exception.compensating_control,
        "approver": exception.approver,
        "expiry": exception.expiry.isoformat(),
        "status": status.status,
        "blocking": status.blocking,
        "matched": list(status.matched),
    }


def _reproduce(run: GateRun) -> dict[str, Any]:
    git = run.metadata.git
    steps = []
    if git.commit:
        steps.append(f"git checkout {git.commit}")
    steps.append("make venv")
    steps.append(f".venv/bin/{run.command}")
    note = (
        "Run from the repository root. The working tree had uncommitted changes: the input hashes in "
        "SHA256SUMS identify the exact files scanned."
        if git.dirty
        else "Run from the repository root."
    )
    return {"command": run.command, "commit": git.commit, "steps": steps, "note": note}


def build_evidence(run: GateRun) -> dict[str, Any]:
    evaluation = run.evaluation
    pack = run.pack
    metadata = run.metadata
    return {
        "schema_version": SCHEMA_VERSION,
        "gate": {
            "status": evaluation.summary["gate"],
            "exit_code": 0 if evaluation.passed else 1,
            "blocking": evaluation.summary["blocking"],
        },
        "run": {
            "started_at": metadata.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration_seconds": round(run.duration_seconds, 2),
            "mode": run.mode,
            "command": run.command,
            "reproduce": _reproduce(run),
            "scanned": {"dir": run.directory, "plan": run.plan, "files_filter": run.files_filter},
            "git": {"commit": metadata.git.commit, "short": metadata.git.short, "dirty": metadata.git.dirty},
            "versions": {
                "checkov": metadata.checkov_version,
                "python": metadata.python_version,
                "policy_pack": f"{pack.name} {pack.version}",
            },
            "offline": {
                "BC_SKIP_MAPPING": "TRUE",
                "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
                "download_external_modules": False,
                "frameworks": ["terraform", "terraform_plan"] if run.plan else ["terraform"],
                "checks": "custom PCI checks only"
                if run.mode == "fast"
                else "custom PCI checks and all built-ins",
            },
            "paths_relative_to": "repository root",
        },
        "policy_pack": {
            "name": pack.name,
            "version": pack.version,
            "standard": pack.standard,
            "sha256": run.pack_sha256,
            "sha256_of": "the sha256sum listing of `files` ('<sha256>  <path>' lines, sorted by path)",
            "files": [{"path": file.path, "sha256": file.sha256} for file in run.pack_files],
            "checks": [
                {
                    "id": meta.id,
                    "class": meta.class_name,
                    "name": meta.name,
                    "severity": meta.severity,
                    "requirements": list(meta.requirements),
                    "soft_fail": meta.soft_fail,
                    "stack_policy": meta.stack_policy,
                    "risk": meta.risk,
                    "remediation": meta.remediation,
                }
                for meta in (pack.checks[check_id] for check_id in pack.check_ids())
            ],
        },
        "summary": evaluation.summary,
        "requirements": [
            {
                "id": row.id,
                "text": row.text,
                "status": row.status,
                "checks": [
                    {
                        "id": check.id,
                        "name": check.name,
                        "severity": check.severity,
                        "soft_fail": check.soft_fail,
                        "loaded": check.loaded,
                        "status": check.status,
                        "counts": check.counts,
                    }
                    for check in row.checks
                ],
            }
            for row in evaluation.requirements
        ],
        "baseline": {"description": "Checkov built-in Terraform checks", **evaluation.baseline},
        "known_deviations": [
            {
                "check_id": deviation.check_id,
                "name": deviation.name,
                "requirements": list(deviation.requirements),
                "title": deviation.title,
                "note": deviation.note,
                "risk": deviation.risk,
                "remediation": deviation.remediation,
                "resources": list(deviation.resources),
            }
            for deviation in evaluation.deviations
        ],
        "exceptions": [_exception(status) for status in evaluation.exceptions],
        "problems": [
            {"kind": problem.kind, "message": problem.message, "file": problem.file, "line": problem.line}
            for problem in sorted(
                evaluation.problems, key=lambda p: (p.kind, p.file or "", p.line or 0, p.message)
            )
        ],
        "results": [_result(finding) for finding in evaluation.findings],
        "inputs": [{"path": item.path, "sha256": item.sha256, "role": item.role} for item in run.inputs],
        "checksums": {
            "file": "SHA256SUMS",
            "covers": "every input above and every other file of this folder",
            "paths_relative_to": "repository root",
            "verify": "cd <repository root> && sha256sum -c <evidence folder>/SHA256SUMS",
        },
    }


def write_json(path: Path, evidence: dict[str, Any]) -> None:
    path.write_text(
        json.dumps(evidence, indent=2, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8"
    )
