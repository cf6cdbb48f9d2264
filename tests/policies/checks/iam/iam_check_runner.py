"""Run one custom check with Checkov's Terraform Runner on a fixture folder, as `checkov -d` would.

Imported by the test modules of this folder (pytest puts the folder on sys.path).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from checkov.common.models.enums import CheckResult
from checkov.runner_filter import RunnerFilter
from checkov.terraform.runner import Runner

REPO_ROOT = Path(__file__).resolve().parents[4]
CHECKS_DIR = REPO_ROOT / "policies" / "checks"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class CheckRun:
    passed: frozenset[str]
    failed: frozenset[str]
    parsing_errors: int
    details: dict[str, tuple[str, ...]]
    evaluated_keys: dict[str, tuple[str, ...]]


@cache
def run_check(fixture: str, *check_ids: str) -> CheckRun:
    """Results of ``check_ids`` on ``fixtures/<fixture>``, keyed by resource address (cached per session)."""
    report = Runner().run(
        root_folder=str(FIXTURES_DIR / fixture),
        external_checks_dir=[str(CHECKS_DIR)],
        runner_filter=RunnerFilter(checks=list(check_ids), framework=["terraform"]),
    )
    records = [*report.passed_checks, *report.failed_checks, *report.skipped_checks]
    unexpected = [r for r in records if r.check_id not in check_ids]
    assert not unexpected, f"checks outside the filter ran: {sorted({r.check_id for r in unexpected})}"
    return CheckRun(
        passed=frozenset(r.resource for r in report.passed_checks),
        failed=frozenset(r.resource for r in report.failed_checks),
        parsing_errors=report.get_summary()["parsing_errors"],
        details={r.resource: tuple(r.details or ()) for r in records},
        evaluated_keys={r.resource: tuple(r.check_result.get("evaluated_keys") or ()) for r in records},
    )


def import_statements_module():
    """The helper module as the checks import it (by its top-level name, from the checks folder)."""
    if str(CHECKS_DIR) not in sys.path:
        sys.path.insert(0, str(CHECKS_DIR))
    import _iam_policy_statements

    return _iam_policy_statements


__all__ = ["CHECKS_DIR", "FIXTURES_DIR", "CheckResult", "CheckRun", "import_statements_module", "run_check"]
