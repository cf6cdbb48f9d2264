"""From Checkov's verdicts to the gate's: exceptions, fail-closed UNKNOWN, soft-fail, requirement rows.

Outcomes of one result: `passed`; `failed` (blocks the gate); `warning` (a soft-fail check, never blocks);
`excepted` (a failure covered by an active exception); `unevaluated` (a built-in IAM check Checkov could not
evaluate on a resource because its policy is a reference to an `aws_iam_policy_document`, whose own result for
the same rule passes). Every other UNKNOWN, custom or built-in, fails closed (`failed`) unless excepted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from policies.gate.exceptions import Deviation, ExceptionsFile, PolicyException
from policies.gate.inline_skips import InlineSkip
from policies.gate.pack import CheckMeta, PolicyPack
from policies.gate.records import HCL, RawResult, ScanOutput

PASSED = "passed"
FAILED = "failed"
WARNING = "warning"
EXCEPTED = "excepted"
UNEVALUATED = "unevaluated"
OUTCOMES = (FAILED, WARNING, EXCEPTED, UNEVALUATED, PASSED)

_FAILING_RESULTS = {"FAILED", "UNKNOWN", "SKIPPED"}
# Checkov runs each IAM rule twice: on resources that embed a policy (aws_iam_role_policy, ...) and on
# `aws_iam_policy_document` data sources. On a resource whose policy is `data.aws_iam_policy_document.x.json`
# the resource-level check cannot resolve the reference (UNKNOWN); the data-level twin evaluates the document.
# Pairs from checkov/terraform/checks/{resource,data}/aws/ (same class names, different ids).
DOCUMENT_LEVEL_TWIN = {
    "CKV_AWS_286": "CKV_AWS_110",  # IAMPrivilegeEscalation
    "CKV_AWS_287": "CKV_AWS_107",  # IAMCredentialsExposure
    "CKV_AWS_288": "CKV_AWS_108",  # IAMDataExfiltration
    "CKV_AWS_289": "CKV_AWS_109",  # IAMPermissionsManagement
    "CKV_AWS_290": "CKV_AWS_111",  # IAMWriteAccess
    "CKV_AWS_355": "CKV_AWS_356",  # IAMStarResourcePolicyDocument / ResourcePolicyDocument
    "CKV2_AWS_40": "CKV2_AWS_40",  # graph check, runs on both forms
}
# Built-in checks carry no severity offline (BC_SKIP_MAPPING): Checkov's ratings come from its platform.
BUILTIN_SEVERITY = "UNRATED"


@dataclass(frozen=True)
class Finding:
    raw: RawResult
    kind: str
    severity: str
    requirements: tuple[str, ...]
    remediation: str
    outcome: str
    reason: str
    exception: PolicyException | None

    @property
    def blocking(self) -> bool:
        return self.outcome == FAILED

    def sort_key(self) -> tuple[int, str, str, str, str, int]:
        raw = self.raw
        return (
            OUTCOMES.index(self.outcome),
            raw.check_id,
            raw.resource,
            raw.source,
            raw.location.file,
            raw.location.start_line,
        )


@dataclass(frozen=True)
class ExceptionStatus:
    exception: PolicyException
    status: str  # active | expired | stale | not_evaluated
    matched: tuple[str, ...]
    days_to_expiry: int

    @property
    def blocking(self) -> bool:
        return self.status == "expired"


@dataclass(frozen=True)
class Problem:
    """A blocking finding about the run itself rather than a resource."""

    kind: str  # parsing_error | inline_skip | expired_exception | policy_pack | exceptions_file | no_input
    message: str
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class CheckRow:
    id: str
    name: str
    severity: str
    soft_fail: bool
    loaded: bool
    counts: dict[str, int]
    status: str


@dataclass(frozen=True)
class RequirementRow:
    id: str
    text: str
    checks: tuple[CheckRow, ...]
    status: str


@dataclass(frozen=True)
class KnownDeviation:
    check_id: str
    name: str
    requirements: tuple[str, ...]
    title: str
    note: str
    risk: str
    remediation: str
    resources: tuple[str, ...]


@dataclass
class Evaluation:
    findings: list[Finding]
    exceptions: list[ExceptionStatus]
    problems: list[Problem]
    requirements: list[RequirementRow]
    baseline: dict[str, int]
    deviations: list[KnownDeviation]
    summary: dict[str, object] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not any(f.blocking for f in self.findings) and not self.problems

    def blocking_findings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocking]


def _reason(raw: RawResult, meta: CheckMeta | None) -> str:
    if raw.checkov_result == "PASSED":
        return f"{raw.resource} satisfies: {raw.check_name}."
    if raw.checkov_result == "UNKNOWN":
        if meta is None:
            return (
                f"Checkov could not evaluate built-in {raw.check_id} on {raw.resource} (an unresolved value "
                "or reference): the gate fails closed unless the policy document it uses passes the same "
                "rule or a reviewed exception covers it."
            )
        return (
            f"Checkov could not evaluate {raw.check_id} on {raw.resource} (an unresolved value or an "
            "error in the check): the PCI gate fails closed."
        )
    if raw.checkov_result == "SKIPPED":
        return f"{raw.check_id} on {raw.resource} was suppressed by an inline comment, which is forbidden."
    sentence = f"{raw.resource} does not satisfy: {raw.check_name}."
    if raw.details:
        sentence += " " + " ".join(detail.rstrip(".") + "." for detail in raw.details)
    if raw.evaluated_keys:
        sentence += f" Evaluated: {', '.join(raw.evaluated_keys)}."
    return sentence


def _covering_documents(raw: RawResult, passed: set[tuple[str, str]]) -> tuple[str, ...]:
    """The policy documents that pass the data-level twin of `raw`'s check, if they all do."""
    twin = DOCUMENT_LEVEL_TWIN.get(raw.check_id)
    if twin is None or not raw.policy_documents:
        return ()
    if all((twin, document) in passed for document in raw.policy_documents):
        return raw.policy_documents
    return ()


def _finding(
    raw: RawResult,
    pack: PolicyPack,
    exceptions: ExceptionsFile,
    today: dt.date,
    passed: set[tuple[str, str]],
) -> Finding:
    meta = pack.checks.get(raw.check_id)
    if meta is not None:
        # The mapping is the pack's single source of truth for names, also over the check class's own.
        raw = replace(raw, check_name=meta.name)
    reason = _reason(raw, meta)
    exception = next((e for e in exceptions.exceptions if e.covers(raw.check_id, raw.resource)), None)
    failing = raw.checkov_result in _FAILING_RESULTS
    covering = _covering_documents(raw, passed) if raw.checkov_result == "UNKNOWN" and meta is None else ()
    if covering:
        outcome = UNEVALUATED
        reason = (
            f"Checkov could not resolve the policy of {raw.resource} for {raw.check_id}; the same rule "
            f"({DOCUMENT_LEVEL_TWIN[raw.check_id]}) passes on the document it uses: {', '.join(covering)}."
        )
    elif failing and raw.unknown_after_apply and raw.checkov_result != "SKIPPED":
        # The plan cannot show these values before apply; the configuration (HCL scan) proves the check.
        outcome = PASSED
        reason = (
            f"{raw.resource}: {', '.join(raw.unknown_after_apply)} known only after apply in this plan; "
            f"the HCL scan of the same resource passes {raw.check_id}, so the configuration proves it."
        )
    elif not failing:
        outcome = PASSED
    elif exception is not None and not exception.is_expired(today):
        outcome = EXCEPTED
        reason += f" Excepted until {exception.expiry.isoformat()}, approved by {exception.approver}."
    elif meta is not None and meta.soft_fail and raw.checkov_result != "SKIPPED":
        outcome = WARNING
        reason += " Soft-fail check: a known deviation reported as a warning, never blocking."
    else:
        outcome = FAILED
        if exception is not None:
            reason += f" Its exception expired on {exception.expiry.isoformat()}."
    return Finding(
        raw=raw,
        kind="builtin" if meta is None else "custom",
        severity=meta.severity if meta else BUILTIN_SEVERITY,
        requirements=meta.requirements if meta else (),
        remediation=meta.remediation if meta else "",
        outcome=outcome,
        reason=reason,
        exception=exception if outcome in (EXCEPTED, FAILED) else None,
    )


def _exception_statuses(
    findings: list[Finding], exceptions: ExceptionsFile, evaluated_checks: set[str] | None, today: dt.date
) -> list[ExceptionStatus]:
    statuses = []
    for exception in exceptions.exceptions:
        matched = sorted(
            {
                f"{finding.raw.source}:{finding.raw.resource}"
                for finding in findings
                if finding.exception == exception
            }
        )
        if exception.is_expired(today):
            status = "expired"
        elif evaluated_checks is not None and exception.check_id not in evaluated_checks:
            status = "not_evaluated"
        elif not matched:
            status = "stale"
        else:
            status = "active"
        statuses.append(ExceptionStatus(exception, status, tuple(matched), (exception.expiry - today).days))
    return statuses


def _check_row(meta: CheckMeta, findings: list[Finding], loaded: bool) -> CheckRow:
    counts = Counter(finding.outcome for finding in findings if finding.raw.check_id == meta.id)
    counts_dict = {outcome: counts.get(outcome, 0) for outcome in (PASSED, FAILED, WARNING, EXCEPTED)}
    if not loaded or counts_dict[FAILED]:
        status = "FAIL"
    elif counts_dict[WARNING]:
        status = "WARN"
    elif counts_dict[EXCEPTED]:
        status = "PASS WITH EXCEPTIONS"
    elif counts_dict[PASSED]:
        status = "PASS"
    else:
        status = "NO MATCHING RESOURCES"
    return CheckRow(meta.id, meta.name, meta.severity, meta.soft_fail, loaded, counts_dict, status)


_STATUS_ORDER = ("FAIL", "WARN", "PASS WITH EXCEPTIONS", "PASS", "NO MATCHING RESOURCES")


def _requirement_rows(pack: PolicyPack, findings: list[Finding], loaded: set[str]) -> list[RequirementRow]:
    rows = []
    for requirement_id in pack.requirement_ids():
        checks = tuple(
            _check_row(pack.checks[check_id], findings, check_id in loaded)
            for check_id in pack.check_ids()
            if requirement_id in pack.checks[check_id].requirements
        )
        status = min((row.status for row in checks), key=_STATUS_ORDER.index, default="NO CHECKS")
        rows.append(RequirementRow(requirement_id, pack.requirements[requirement_id], checks, status))
    return rows


def _deviations(
    pack: PolicyPack, findings: list[Finding], documented: tuple[Deviation, ...]
) -> list[KnownDeviation]:
    notes = {deviation.check_id: deviation for deviation in documented}
    warned = {finding.raw.check_id for finding in findings if finding.outcome == WARNING}
    deviations = []
    for check_id in sorted(warned | set(notes)):
        meta = pack.checks.get(check_id)
        note = notes.get(check_id)
        resources = sorted(
            {f.raw.resource for f in findings if f.raw.check_id == check_id and f.outcome == WARNING}
        )
        deviations.append(
            KnownDeviation(
                check_id=check_id,
                name=meta.name if meta else check_id,
                requirements=meta.requirements if meta else (),
                title=note.title if note else (meta.name if meta else check_id),
                note=note.note if note else "",
                risk=meta.risk if meta else "",
                remediation=meta.remediation if meta else "",
                resources=tuple(resources),
            )
        )
    return deviations


def evaluate(
    scan: ScanOutput,
    pack: PolicyPack,
    exceptions: ExceptionsFile,
    inline_skips: list[InlineSkip],
    problems: list[Problem],
    today: dt.date,
    custom_only: bool,
) -> Evaluation:
    passed = {(raw.check_id, raw.resource) for raw in scan.results if raw.checkov_result == "PASSED"}
    findings = sorted(
        (_finding(raw, pack, exceptions, today, passed) for raw in scan.results),
        key=lambda finding: finding.sort_key(),
    )
    evaluated_checks = set(pack.checks) if custom_only else None
    statuses = _exception_statuses(findings, exceptions, evaluated_checks, today)
    problems = [
        *problems,
        *(Problem("parsing_error", f"Checkov could not parse {path}", path) for path in scan.parsing_errors),
        *(
            Problem(
                "inline_skip",
                f"inline suppression of {skip.check_id} is forbidden (use policies/exceptions.yaml): "
                f"{skip.comment}",
                skip.file,
                skip.line,
            )
            for skip in inline_skips
        ),
        *(
            Problem(
                "expired_exception",
                f"exception for {status.exception.check_id} on {status.exception.resource} expired on "
                f"{status.exception.expiry.isoformat()}: renew it with a new review or fix the resource",
            )
            for status in statuses
            if status.blocking
        ),
    ]
    builtin = [finding for finding in findings if finding.kind == "builtin"]
    baseline_counts = Counter(finding.outcome for finding in builtin)
    baseline = {
        "checks": len({finding.raw.check_id for finding in builtin}),
        **{outcome: baseline_counts.get(outcome, 0) for outcome in (PASSED, FAILED, EXCEPTED, UNEVALUATED)},
    }
    evaluation = Evaluation(
        findings=findings,
        exceptions=statuses,
        problems=problems,
        requirements=_requirement_rows(pack, findings, set(scan.loaded_pack_checks)),
        baseline=baseline,
        deviations=_deviations(pack, findings, exceptions.deviations),
    )
    evaluation.summary = _summary(evaluation, scan)
    return evaluation


def _summary(evaluation: Evaluation, scan: ScanOutput) -> dict[str, object]:
    findings = evaluation.findings

    def counts(selected: list[Finding]) -> dict[str, int]:
        tally = Counter(finding.outcome for finding in selected)
        return {"results": len(selected), **{outcome: tally.get(outcome, 0) for outcome in OUTCOMES}}

    problem_kinds = Counter(problem.kind for problem in evaluation.problems)
    exception_states = Counter(status.status for status in evaluation.exceptions)
    return {
        "gate": "PASS" if evaluation.passed else "FAIL",
        "blocking": len(evaluation.blocking_findings()) + len(evaluation.problems),
        **counts(findings),
        "custom": counts([finding for finding in findings if finding.kind == "custom"]),
        "builtin": counts([finding for finding in findings if finding.kind == "builtin"]),
        "by_source": {
            source: counts([finding for finding in findings if finding.raw.source == source])
            for source in sorted({finding.raw.source for finding in findings} | {HCL})
        },
        "unknown_failed_closed": sum(
            1 for f in findings if f.kind == "custom" and f.raw.checkov_result == "UNKNOWN" and f.blocking
        ),
        "resources": len(scan.resources),
        "problems": {
            kind: problem_kinds.get(kind, 0)
            for kind in (
                "parsing_error",
                "inline_skip",
                "expired_exception",
                "policy_pack",
                "exceptions_file",
                "no_input",
            )
        },
        "exceptions": {
            "total": len(evaluation.exceptions),
            **{
                state: exception_states.get(state, 0)
                for state in ("active", "expired", "stale", "not_evaluated")
            },
        },
    }
