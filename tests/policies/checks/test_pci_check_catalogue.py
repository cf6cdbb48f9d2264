"""The check pack matches policies/pci_mapping.yaml and loads the way the gate and the CLI load it.

Covers every mapping entry, the IAM checks (CKV_PCI_020-022) included.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from checkov.common.checks.base_check_registry import BaseCheckRegistry
from pci_check_runner import CHECKS_DIR, FIXTURES_DIR, REPO_ROOT, mapping, pci_check_ids, run_checks

MAPPING_CHECKS = mapping()["checks"]


def _check_files() -> dict[str, Path]:
    """Check modules of the pack by file stem (helpers start with `_`)."""
    return {p.stem: p for p in CHECKS_DIR.glob("*.py") if not p.name.startswith("_")}


def _registered() -> dict[str, object]:
    run_checks("_no_resources", *pci_check_ids())  # loads the pack like `--external-checks-dir`
    checks_dir = str(CHECKS_DIR.resolve())
    return {
        check.id: check
        for check in BaseCheckRegistry.get_all_registered_checks()
        if str(Path(sys.modules[type(check).__module__].__file__).resolve().parent) == checks_dir
    }


def test_every_check_file_is_a_mapping_entry_and_every_entry_has_a_file():
    classes = {entry["class"] for entry in MAPPING_CHECKS.values()}
    assert len(classes) == len(MAPPING_CHECKS), "two mapping entries share a class"
    assert set(_check_files()) == classes


@pytest.mark.parametrize("check_id", sorted(MAPPING_CHECKS))
def test_check_file_defines_its_class_and_ends_with_the_instance(check_id: str):
    class_name = MAPPING_CHECKS[check_id]["class"]
    path = CHECKS_DIR / f"{class_name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    assert classes == [class_name], f"{path.name} must define exactly one check class, {class_name}"
    last = tree.body[-1]
    assert isinstance(last, ast.Assign) and [t.id for t in last.targets if isinstance(t, ast.Name)] == [
        "check"
    ]
    assert isinstance(last.value, ast.Call) and getattr(last.value.func, "id", None) == class_name


@pytest.mark.parametrize("check_id", sorted(MAPPING_CHECKS))
def test_registered_check_matches_its_mapping_entry(check_id: str):
    entry = MAPPING_CHECKS[check_id]
    check = _registered().get(check_id)
    assert check is not None, f"{check_id} ({entry['class']}) is not registered from {CHECKS_DIR}"
    assert type(check).__name__ == entry["class"]
    assert check.name == entry["name"]
    assert check.id == check_id


def test_pack_registers_only_mapped_checks():
    assert set(_registered()) <= set(MAPPING_CHECKS)


def test_checkov_cli_loads_the_pack_and_runs_every_check():
    # GIVEN every fixture WHEN the checkov CLI runs them with the pack, offline, as the gate documents
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("checkov")),
            "-d",
            str(FIXTURES_DIR),
            "--external-checks-dir",
            str(CHECKS_DIR),
            "--framework",
            "terraform",
            "--skip-download",
            "--check",
            ",".join(sorted(MAPPING_CHECKS)),
            "--output",
            "json",
            "--compact",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # THEN it exits 1 (the fixtures contain failures), logs no error and reports every PCI check it owns
    assert completed.returncode == 1, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr and "[ERROR]" not in completed.stderr, completed.stderr[-3000:]
    report = json.loads(completed.stdout)
    results = report["results"]["passed_checks"] + report["results"]["failed_checks"]
    assert report["summary"]["parsing_errors"] == 0
    assert set(pci_check_ids()) <= {r["check_id"] for r in results}
