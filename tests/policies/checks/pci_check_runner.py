"""Run PCI checks with Checkov's Terraform Runner on a fixture folder, as `checkov -d` would.

Imported by the test modules of this folder (pytest puts the folder on sys.path). Each fixture is
scanned once per session; the external checks folder is loaded the way the CLI loads it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

# Offline, as on the air-gapped PCI build agents (ARCHITECTURE.md "Pitfalls").
os.environ.setdefault("BC_SKIP_MAPPING", "TRUE")
os.environ.setdefault("CKV_SKIP_PACKAGE_UPDATE_CHECK", "true")

from checkov.runner_filter import RunnerFilter
from checkov.terraform.plan_runner import Runner as PlanRunner
from checkov.terraform.runner import Runner

REPO_ROOT = Path(__file__).resolve().parents[3]
CHECKS_DIR = REPO_ROOT / "policies" / "checks"
MAPPING_PATH = REPO_ROOT / "policies" / "pci_mapping.yaml"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
# The IAM checks (CKV_PCI_020-022) have their own tests under iam/.
IAM_CHECK_IDS = frozenset({"CKV_PCI_020", "CKV_PCI_021", "CKV_PCI_022"})


@dataclass(frozen=True)
class CheckRun:
    """One scan: result, details and evaluated keys per (check id, resource address)."""

    results: dict[tuple[str, str], str]
    details: dict[tuple[str, str], tuple[str, ...]]
    evaluated_keys: dict[tuple[str, str], tuple[str, ...]]
    parsing_errors: int

    def addresses(self, check_id: str, result: str) -> set[str]:
        return {address for (check, address), r in self.results.items() if check == check_id and r == result}

    def passed(self, check_id: str) -> set[str]:
        return self.addresses(check_id, "PASSED")

    def failed(self, check_id: str) -> set[str]:
        return self.addresses(check_id, "FAILED")


def mapping() -> dict:
    return yaml.safe_load(MAPPING_PATH.read_text(encoding="utf-8"))


def pci_check_ids() -> list[str]:
    """Every check of the mapping this suite owns (all but the IAM ones)."""
    return sorted(set(mapping()["checks"]) - IAM_CHECK_IDS)


@cache
def run_checks(fixture: str, *check_ids: str) -> CheckRun:
    """Results of ``check_ids`` on ``fixtures/<fixture>`` (cached per session)."""
    report = Runner().run(
        root_folder=str(FIXTURES_DIR / fixture),
        external_checks_dir=[str(CHECKS_DIR)],
        runner_filter=RunnerFilter(checks=list(check_ids), framework=["terraform"]),
    )
    return _check_run(report, check_ids)


@cache
def run_plan_checks(plan: str, *check_ids: str) -> CheckRun:
    """Results of ``check_ids`` on the `terraform show -json` plan ``fixtures/<plan>`` (cached)."""
    report = PlanRunner().run(
        root_folder=None,
        files=[str(FIXTURES_DIR / plan)],
        external_checks_dir=[str(CHECKS_DIR)],
        runner_filter=RunnerFilter(checks=list(check_ids), framework=["terraform_plan"]),
    )
    return _check_run(report, check_ids)


def _check_run(report, check_ids: tuple[str, ...]) -> CheckRun:
    ran = [*report.passed_checks, *report.failed_checks, *report.skipped_checks]
    unexpected = sorted({r.check_id for r in ran if r.check_id not in check_ids})
    assert not unexpected, f"checks outside the filter ran: {unexpected}"
    records = {
        "PASSED": report.passed_checks,
        "FAILED": report.failed_checks,
        "SKIPPED": report.skipped_checks,
    }
    return CheckRun(
        results={(r.check_id, r.resource): result for result, rs in records.items() for r in rs},
        details={(r.check_id, r.resource): tuple(r.details or ()) for rs in records.values() for r in rs},
        evaluated_keys={
            (r.check_id, r.resource): tuple(r.check_result.get("evaluated_keys") or ())
            for rs in records.values()
            for r in rs
        },
        parsing_errors=report.get_summary()["parsing_errors"],
    )


def pci_common_module():
    """The shared helper module as the checks import it (by its top-level name, from the checks folder)."""
    if str(CHECKS_DIR) not in sys.path:
        sys.path.insert(0, str(CHECKS_DIR))
    import _pci_common

    return _pci_common
