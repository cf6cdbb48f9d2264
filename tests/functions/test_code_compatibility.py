"""The Lambda code stays Python 3.9-compatible (vermin) and lint-clean (ruff, target py39 for functions/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
LAMBDA_PACKAGES = ["functions/webhook_validator", "functions/batch_processor", "functions/payhooks_shared"]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def test_vermin_finds_nothing_newer_than_python_3_9_in_functions():
    result = run(str(VENV_BIN / "vermin"), "-t=3.9-", "--no-tips", "--violations", "functions/")
    assert result.returncode == 0, result.stdout + result.stderr


def test_vermin_would_catch_a_3_10_construct(tmp_path):
    # GIVEN a module using `match` (3.10) THEN the same command fails: the check above has teeth
    module = tmp_path / "uses_match.py"
    module.write_text("def f(x):\n    match x:\n        case 1:\n            return 1\n    return 0\n")
    result = run(str(VENV_BIN / "vermin"), "-t=3.9-", "--no-tips", "--violations", str(module))
    assert result.returncode != 0


def test_ruff_passes_on_functions_and_these_tests():
    # functions/ruff.toml sets target-version py39 for everything under functions/.
    result = run(sys.executable, "-m", "ruff", "check", "functions/", "tests/functions")
    assert result.returncode == 0, result.stdout + result.stderr
    result = run(sys.executable, "-m", "ruff", "format", "--check", "functions/", "tests/functions")
    assert result.returncode == 0, result.stdout + result.stderr


def test_lambda_packages_never_read_the_shared_design_folder():
    for package in LAMBDA_PACKAGES:
        for source in (REPO / package).rglob("*.py"):
            assert "/work/shared" not in source.read_text(), source
