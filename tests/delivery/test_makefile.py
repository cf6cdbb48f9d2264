"""The Makefile: every target documented in `make help`, and plan/apply/destroy refusing clearly, before the
gate or Terraform runs, when Terraform or AWS credentials are missing."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.delivery.conftest import REPO_ROOT

TARGETS = {
    "help", "venv", "test", "gate", "build", "lint", "fmt", "precommit", "secrets-baseline",
    "bench", "local", "preflight", "plan", "apply", "destroy", "lock", "clean",
}  # fmt: skip


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_help_is_the_default_and_lists_every_target_with_a_description() -> None:
    result = _make()
    assert result.returncode == 0, result.stderr
    listed = dict(re.findall(r"^  make (\S+)\s+(.+)$", result.stdout, re.M))
    assert set(listed) == TARGETS
    assert all(len(description) > 10 for description in listed.values())
    phony = re.search(r"^\.PHONY: (.+)$", (REPO_ROOT / "Makefile").read_text(), re.M).group(1).split()
    assert set(phony) == TARGETS


def test_ci_entry_point_is_make_test() -> None:
    commands = [
        line
        for line in (REPO_ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert commands[-1] == "make test"


@pytest.fixture(scope="module")
def venv_is_current() -> None:
    """The refusal tests run real make targets: they must never trigger the venv rule (it deletes .venv)."""
    dry_run = _make("-n", "plan")
    if "-m venv" in dry_run.stdout:
        pytest.fail("the pinned .venv is out of date for requirements-dev.txt: run `make venv` first")


@pytest.mark.usefixtures("venv_is_current")
@pytest.mark.parametrize("target", ["plan", "apply", "destroy"])
def test_deploy_targets_refuse_without_terraform_and_credentials(target: str, tmp_path: Path) -> None:
    env = {
        "PATH": f"{REPO_ROOT / '.venv' / 'bin'}:/usr/bin:/bin",  # /usr/local/bin (terraform) left out
        "HOME": str(tmp_path),  # no ~/.aws
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    before = set((REPO_ROOT / "reports").glob("*")) if (REPO_ROOT / "reports").is_dir() else set()
    result = _make(target, env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "terraform is not on PATH" in output
    assert "no AWS credentials found" in output
    assert "policies gate" not in output, "the gate must not run before the preflight passes"
    assert "terraform -chdir" not in output
    after = set((REPO_ROOT / "reports").glob("*")) if (REPO_ROOT / "reports").is_dir() else set()
    assert after == before


UPGRADED = 'lambda_runtime      = "python3.13" # upgrade\nlambda_architecture = "arm64"\n'


@pytest.mark.parametrize(
    ("tfvars", "expected"),
    [
        (None, "--python-version 3.9 --architecture x86_64"),
        ('lambda_runtime = "python3.12"\n', "--python-version 3.12 --architecture x86_64"),
        (UPGRADED, "--python-version 3.13 --architecture arm64"),
    ],
)
def test_build_targets_the_runtime_terraform_deploys(
    tfvars: str | None, expected: str, tmp_path: Path
) -> None:
    """The one-line upgrade (`lambda_runtime = "python3.12"`) also rebuilds the zips for that Python."""
    if tfvars is not None:
        (tmp_path / "terraform.tfvars").write_text(tfvars)
    result = _make("-n", "build", f"TF_DIR={tmp_path}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith(f"payhooks_tools.build --out build {expected}")
