"""What the scanner hands to the evaluation: Checkov's verdicts as plain data (no Checkov import)."""

from __future__ import annotations

from dataclasses import dataclass, field

HCL = "terraform"
PLAN = "terraform_plan"


@dataclass(frozen=True)
class Location:
    file: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class RawResult:
    """One Checkov verdict of one check on one resource, with paths relative to the evidence base."""

    source: str
    check_id: str
    check_name: str
    checkov_result: str
    resource: str
    location: Location
    module_call: Location | None
    hcl_location: Location | None
    evaluated_keys: tuple[str, ...]
    details: tuple[str, ...]
    guideline: str | None
    # Plan results only: attributes of the resource that the plan knows only after apply, when the HCL scan
    # passes the same check on the same resource (see scanner.unknown_after_apply).
    unknown_after_apply: tuple[str, ...] = ()
    # Addresses of the `aws_iam_policy_document`s whose `.json` the resource's configuration uses.
    policy_documents: tuple[str, ...] = ()


@dataclass
class ScanOutput:
    results: list[RawResult] = field(default_factory=list)
    parsing_errors: list[str] = field(default_factory=list)
    resources: set[str] = field(default_factory=set)
    loaded_pack_checks: dict[str, str] = field(default_factory=dict)
