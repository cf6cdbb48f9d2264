"""Runs Checkov in-process (one import per gate run), offline, on the HCL directory and optionally a plan.

Checkov is driven through its framework runners rather than its CLI so the gate can see what the CLI
hides: results of UNKNOWN (Checkov drops them from its report, but the PCI checks must fail closed) and
which checks the policy pack really registered (Checkov only logs a check file that fails to import).
"""

from __future__ import annotations

import json
import os
import re

# Checkov reads these when imported and on first use: the gate runs on air-gapped PCI build agents.
os.environ["BC_SKIP_MAPPING"] = "TRUE"
os.environ["CKV_SKIP_PACKAGE_UPDATE_CHECK"] = "true"

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from checkov.common.models.enums import CheckResult
from checkov.common.output.record import Record
from checkov.common.output.report import Report
from checkov.runner_filter import RunnerFilter
from checkov.terraform.checks.data.registry import data_registry
from checkov.terraform.checks.module.registry import module_registry
from checkov.terraform.checks.provider.registry import provider_registry
from checkov.terraform.checks.resource.registry import resource_registry
from checkov.terraform.plan_runner import Runner as PlanRunner
from checkov.terraform.runner import Runner as TerraformRunner
from checkov.version import version as CHECKOV_VERSION

from policies.gate.exceptions import strip_instance_keys
from policies.gate.files import relative
from policies.gate.pack import PolicyPack
from policies.gate.records import HCL, PLAN, Location, RawResult, ScanOutput

__all__ = ["CHECKOV_VERSION", "scan"]


@contextmanager
def _keeping_unknown_results(sink: list[Record]) -> Iterator[None]:
    """Collect the UNKNOWN records that `Report.add_record` silently discards."""
    original = Report.add_record

    def add_record(report: Report, record: Record) -> None:
        if record.check_result["result"] == CheckResult.UNKNOWN:
            sink.append(record)
        original(report, record)

    Report.add_record = add_record  # type: ignore[method-assign]
    try:
        yield
    finally:
        Report.add_record = original  # type: ignore[method-assign]


def _defining_file(check: Any) -> Path | None:
    # The code objects keep the real path even when Checkov re-imports a file under another module name.
    for member in vars(type(check)).values():
        code = getattr(member, "__code__", None)
        if code is not None:
            return Path(code.co_filename).resolve()
    return None


def _registered_pack_checks(checks_dir: Path) -> dict[str, str]:
    directory = checks_dir.resolve()
    found: dict[str, str] = {}
    for registry in (resource_registry, data_registry, provider_registry, module_registry):
        for checks in (*registry.checks.values(), *registry.wildcard_checks.values()):
            for check in checks:
                source = _defining_file(check)
                if source is not None and source.parent == directory:
                    found[check.id] = type(check).__name__
    return found


def _location(file_path: str | Path, lines: Any, base: Path) -> Location:
    start, end = [*list(lines or []), 1, 1][:2]
    start = max(int(start or 1), 1)
    return Location(relative(Path(file_path), base), start, max(int(end or start), start))


_DOCUMENT_REFERENCE = re.compile(r"data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json")


def _policy_documents(record: Record) -> tuple[str, ...]:
    """The policy documents a resource's HCL block uses, addressed like Checkov's results for them."""
    text = "\n".join(str(line) for _, line in record.code_block or [])
    # `module.a.module.b.aws_iam_role_policy.x` -> `module.a.module.b.`: documents live in the same module.
    scope = "".join(f"{part}." for part in strip_instance_keys(record.resource).split(".")[:-2])
    names = _DOCUMENT_REFERENCE.findall(text)
    return tuple(sorted({f"{scope}aws_iam_policy_document.{name}" for name in names}))


def _convert(
    record: Record, source: str, root: Path, pack: PolicyPack, base: Path, hcl_index: dict[str, Location]
) -> RawResult | None:
    custom = record.check_id in pack.checks
    builtin = not custom and str(record.check_class or "").startswith("checkov.")
    if not custom and not builtin:
        # A check registered in this process by another pack (only happens when tests share a process).
        return None
    module_call = None
    if record.caller_file_path:
        module_call = _location(
            root / record.caller_file_path.lstrip("/\\"), record.caller_file_line_range, base
        )
    result = record.check_result["result"]
    return RawResult(
        source=source,
        check_id=record.check_id,
        check_name=record.check_name,
        checkov_result=result.value if isinstance(result, CheckResult) else str(result),
        resource=record.resource,
        location=_location(record.file_abs_path, record.file_line_range, base),
        module_call=module_call,
        hcl_location=hcl_index.get(strip_instance_keys(record.resource)) if source == PLAN else None,
        evaluated_keys=tuple(sorted(str(key) for key in record.check_result.get("evaluated_keys") or [])),
        details=tuple(str(detail) for detail in record.details or []),
        guideline=record.guideline,
        policy_documents=_policy_documents(record) if source == HCL else (),
    )


def _run(runner: TerraformRunner | PlanRunner, **arguments: Any) -> tuple[Report, list[Record]]:
    """Run one Checkov runner; its report and every record of it, UNKNOWN ones included."""
    unknown: list[Record] = []
    with _keeping_unknown_results(unknown):
        report = runner.run(**arguments)
    if isinstance(report, list):
        report = report[0]
    return report, [*report.failed_checks, *report.passed_checks, *report.skipped_checks, *unknown]


def unknown_after_apply(plan: Path) -> dict[str, frozenset[str]]:
    """Top-level attributes per resource address that `terraform show -json` marks as known after apply.

    On a first deploy every ARN a resource takes from another new resource (the CMK of a queue, the DLQ in a
    redrive policy) is absent from `planned_values`, so a plan-only verdict on it proves nothing either way.
    """
    try:
        changes = json.loads(plan.read_text()).get("resource_changes") or []
    except (OSError, ValueError, AttributeError):
        return {}
    unknown: dict[str, frozenset[str]] = {}
    for change in changes:
        after_unknown = (change.get("change") or {}).get("after_unknown") or {}
        if isinstance(after_unknown, dict):
            names = frozenset(name for name, value in after_unknown.items() if _any_true(value))
            if names:
                unknown[strip_instance_keys(str(change.get("address", "")))] = names
    return unknown


def _any_true(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_any_true(item) for item in value.values())
    if isinstance(value, list):
        return any(_any_true(item) for item in value)
    return value is True


def _defer_unknown_to_hcl(
    results: list[RawResult], hcl_results: list[RawResult], unknown: dict[str, frozenset[str]]
) -> list[RawResult]:
    """Mark plan failures that rest on values known only after apply, where the HCL scan proves the check."""
    hcl_passed = {
        (result.check_id, strip_instance_keys(result.resource))
        for result in hcl_results
        if result.checkov_result == "PASSED"
    }
    deferred = []
    for result in results:
        address = strip_instance_keys(result.resource)
        attributes = unknown.get(address, frozenset())
        evaluated = {key.split("/")[0] for key in result.evaluated_keys}
        relevant = attributes & evaluated if evaluated else attributes
        if (
            result.checkov_result in {"FAILED", "UNKNOWN"}
            and relevant
            and (result.check_id, address) in hcl_passed
        ):
            result = replace(result, unknown_after_apply=tuple(sorted(relevant)))
        deferred.append(result)
    return deferred


def _resource_ids(report: Report, base: Path) -> set[str]:
    ids = set()
    for entry in report.resources:
        path, _, address = entry.partition(":")
        ids.add(f"{relative(Path(path), base)}:{address}" if path else address)
    return ids


def scan(directory: Path, plan: Path | None, pack: PolicyPack, base: Path, custom_only: bool) -> ScanOutput:
    """Scan `directory` (and `plan`, with `directory` as the enrichment root) with the pack and built-ins."""
    checks_dir = str(pack.checks_dir.resolve())
    root = directory.resolve()
    output = ScanOutput()

    def runner_filter(framework: str) -> RunnerFilter:
        return RunnerFilter(
            framework=[framework],
            checks=pack.check_ids() if custom_only else None,
            show_progress_bar=False,
            download_external_modules=False,
        )

    # Skip comments are not collected: a `#checkov:skip` can never turn a failure into a skip (the comment
    # itself fails the gate, see inline_skips).
    report, records = _run(
        TerraformRunner(),
        root_folder=str(root),
        external_checks_dir=[checks_dir],
        runner_filter=runner_filter(HCL),
        collect_skip_comments=False,
    )
    output.loaded_pack_checks = _registered_pack_checks(pack.checks_dir)
    converted = [_convert(record, HCL, root, pack, base, {}) for record in records]
    output.results.extend(result for result in converted if result is not None)
    output.parsing_errors.extend(relative(Path(path), base) for path in report.parsing_errors)
    output.resources.update(_resource_ids(report, base))

    if plan is not None:
        # Enrichment by module-aware address from the HCL scan: Checkov's own plan enrichment
        # (--repo-root-for-plan-enrichment) keys resources by `type.name` only, which mixes up the two
        # instances of one local module (module.validator/module.processor) and only enriches failures.
        hcl_index = {
            strip_instance_keys(result.resource): result.location
            for result in sorted(output.results, key=lambda r: (r.resource, r.location.file))
        }
        report, records = _run(
            PlanRunner(),
            root_folder=None,
            files=[str(plan.resolve())],
            external_checks_dir=[checks_dir],
            runner_filter=runner_filter(PLAN),
        )
        converted = [_convert(record, PLAN, root, pack, base, hcl_index) for record in records]
        plan_results = [result for result in converted if result is not None]
        output.results.extend(_defer_unknown_to_hcl(plan_results, output.results, unknown_after_apply(plan)))
        output.parsing_errors.extend(relative(Path(path), base) for path in report.parsing_errors)
        output.resources.update(_resource_ids(report, base))

    output.parsing_errors = sorted(set(output.parsing_errors))
    return output
