"""Pre-commit: every hook is local and offline, the whole tree passes, planted violations fail.

GIVEN a clean copy of the working tree in a temporary git repository whose `.venv` links to the real pinned
virtualenv, WHEN `pre-commit run` runs there with a throwaway PRE_COMMIT_HOME, THEN the tree passes and a
planted wildcard IAM action or fake AWS key makes it fail in the hook responsible.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.delivery.conftest import REPO_ROOT

CONFIG = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
HOOKS = {hook["id"]: hook for repo in CONFIG["repos"] for hook in repo["hooks"]}

PLANTED_IAM = """\
resource "aws_iam_role_policy" "planted_wildcard" {
  name = "planted-wildcard"
  role = "planted-role"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "Planted"
      Effect   = "Allow"
      Action   = ["s3:*"]
      Resource = ["arn:aws:s3:::planted-bucket/*"]
    }]
  })
}
"""
# The example key pair from the AWS documentation: a well-known fake that detect-secrets must still flag.
PLANTED_SECRET = (
    'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"\n'
    'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n'
)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=_git_env()
    ).stdout


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"})
    return env


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory: pytest.TempPathFactory, venv: Path) -> Path:
    """The working tree as git sees it (tracked + untracked, minus ignored), in a fresh repository."""
    copy = tmp_path_factory.mktemp("precommit") / "repo"
    copy.mkdir()
    listed = _git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    (copy / ".venv").symlink_to(venv, target_is_directory=True)
    _git(copy, "init", "-q", "-b", "main")
    (copy / ".git" / "info" / "exclude").write_text(".venv\n")
    _git(copy, "add", "-A")
    return copy


def _pre_commit(copy: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _git_env()
    env.update({"PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1"})
    env.pop("PAYHOOKS_REQUIRE_TERRAFORM", None)
    return subprocess.run(
        [str(copy / ".venv" / "bin" / "pre-commit"), "run", "--color=never", *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _hook_status(output: str, hook_id: str) -> str:
    name = re.escape(HOOKS[hook_id]["name"])
    match = re.search(rf"^{name}\.*\s*(Passed|Failed|Skipped|\(no files to check\)Skipped)$", output, re.M)
    assert match, f"hook {hook_id!r} not in the output:\n{output}"
    return match.group(1)


def test_every_hook_is_local_and_runs_from_the_pinned_venv() -> None:
    assert [repo["repo"] for repo in CONFIG["repos"]] == ["local"]
    for hook in HOOKS.values():
        assert hook["language"] in {"system", "pygrep"}, hook["id"]
        if hook["language"] == "system":
            argv = hook["entry"].split()
            program = next(arg for arg in argv if arg != "env" and "=" not in arg)
            assert program.startswith(".venv/bin/"), f"{hook['id']} runs {program}, not the pinned .venv"


def test_the_issue_hooks_are_all_configured() -> None:
    assert {
        "ruff-check",
        "ruff-format",
        "vermin-py39",
        "detect-secrets",
        "check-yaml-json",
        "trailing-whitespace",
        "end-of-file-newline",
        "actionlint",
        "pci-gate-fast",
        "tfvalidate",
        "terraform-fmt",
        "terraform-validate",
    } <= HOOKS.keys()
    assert HOOKS["vermin-py39"]["entry"].split()[1:] == ["-t=3.9-", "--no-tips", "--violations"]
    assert HOOKS["vermin-py39"]["files"] == "^functions/"
    assert "--fast --files" in HOOKS["pci-gate-fast"]["entry"]
    assert HOOKS["detect-secrets"]["entry"].split()[1:] == ["--no-verify", "--baseline", ".secrets.baseline"]
    assert HOOKS["ruff-format"]["entry"].split()[1:3] == ["format", "--check"]


def test_all_files_pass_on_a_clean_copy(clean_copy: Path, tmp_path: Path) -> None:
    result = _pre_commit(clean_copy, tmp_path / "home", "--all-files")
    output = result.stdout + result.stderr
    failed = re.findall(r"^(\S.*?)\.{3,}(?:\(no files to check\))?Failed$", output, re.M)
    hint = " (new fixture? `make secrets-baseline`, then audit)" if "detect-secrets" in str(failed) else ""
    assert result.returncode == 0, f"hooks failed: {failed}{hint}\n{output}"
    for hook_id in ("ruff-check", "detect-secrets", "pci-gate-fast", "tfvalidate", "terraform-fmt"):
        assert _hook_status(output, hook_id) == "Passed", output
    if shutil.which("terraform") is None:
        assert "terraform not installed: skipped terraform fmt" in output


def test_planted_wildcard_iam_action_fails_the_gate(clean_copy: Path, tmp_path: Path) -> None:
    planted = clean_copy / "infra" / "zz_planted_wildcard.tf"
    planted.write_text(PLANTED_IAM)
    _git(clean_copy, "add", str(planted))
    try:
        result = _pre_commit(clean_copy, tmp_path / "home", "--files", "infra/zz_planted_wildcard.tf")
    finally:
        _git(clean_copy, "rm", "-q", "-f", str(planted))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert _hook_status(output, "pci-gate-fast") == "Failed", output
    assert "CKV_PCI_020" in output


def test_planted_fake_aws_secret_key_fails_detect_secrets(clean_copy: Path, tmp_path: Path) -> None:
    planted = clean_copy / "planted.env"
    planted.write_text(PLANTED_SECRET)
    _git(clean_copy, "add", str(planted))
    try:
        result = _pre_commit(clean_copy, tmp_path / "home", "--files", "planted.env")
    finally:
        _git(clean_copy, "rm", "-q", "-f", str(planted))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert _hook_status(output, "detect-secrets") == "Failed", output
    assert "AWS Access Key" in output
    assert "planted.env:1" in output
    assert "planted.env:2" in output


def test_secrets_baseline_is_offline_and_every_finding_is_audited_as_fake() -> None:
    baseline = json.loads((REPO_ROOT / ".secrets.baseline").read_text())
    filters = {entry["path"]: entry for entry in baseline["filters_used"]}
    # No network verification of candidate secrets on air-gapped machines.
    assert "detect_secrets.filters.common.is_ignored_due_to_verification_policies" not in filters
    excluded_files = filters["detect_secrets.filters.regex.should_exclude_file"]["pattern"]
    for excluded in (".venv/bin/python", "reports/x/evidence.json", "build/a.zip"):
        assert any(re.search(pattern, excluded) for pattern in excluded_files), excluded
    excluded_lines = filters["detect_secrets.filters.regex.should_exclude_line"]["pattern"]
    # Only pip-compile hash pins are excluded, as detect-secrets' config transformer presents them.
    digest = hashlib.sha256(b"a wheel").hexdigest()
    assert any(re.search(p, f'pkg = "--hash=sha256:{digest} \\"') for p in excluded_lines)
    assert not any(re.search(p, f'key = "--hash=sha256:{digest}" + "AKIA..."') for p in excluded_lines)
    for filename, findings in baseline["results"].items():
        for finding in findings:
            where = f"{filename}:{finding['line_number']}"
            assert finding.get("is_secret") is False, f"{where} is not audited (detect-secrets audit)"
            if not filename.startswith("tests/"):
                # Outside test fixtures only names that look like secrets (e.g. `signing_secret_arn`).
                assert finding["type"] == "Secret Keyword", f"{where}: {finding['type']} outside tests/"


HOOK = REPO_ROOT / ".ci" / "hooks" / "terraform_check.py"


def _terraform_hook(
    mode: str, cwd: Path, path: str, require: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": path, "HOME": str(cwd)}
    if require:
        env["PAYHOOKS_REQUIRE_TERRAFORM"] = "1"
    return subprocess.run(
        [sys.executable, str(HOOK), mode], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize("mode", ["fmt", "validate"])
def test_terraform_hooks_say_they_skipped_when_terraform_is_missing(mode: str, tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    skipped = _terraform_hook(mode, tmp_path, "/usr/bin:/bin")
    assert skipped.returncode == 0
    assert skipped.stdout.strip() == f"terraform not installed: skipped terraform {mode}"
    required = _terraform_hook(mode, tmp_path, "/usr/bin:/bin", require=True)
    assert required.returncode == 1


def test_terraform_hooks_run_the_real_tool_where_it_is_installed(tmp_path: Path) -> None:
    """Terraform is on this machine's PATH when installed; without it, the skip path is the one exercised."""
    path = os.environ["PATH"]
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(
        'variable "name" {\n  type = string\n}\n\noutput "name" {\n  value = var.name\n}\n'
    )
    if shutil.which("terraform", path=path) is None:
        assert _terraform_hook("validate", tmp_path, path).stdout.startswith("terraform not installed")
        return
    assert _terraform_hook("fmt", tmp_path, path).returncode == 0
    valid = _terraform_hook("validate", tmp_path, path)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "The configuration is valid" in valid.stdout
    assert not (infra / ".terraform").exists(), "init must run in a copy, never in the working tree"

    (infra / "main.tf").write_text('output "name" {\n    value = var.missing\n}\n')
    assert _terraform_hook("fmt", tmp_path, path).returncode != 0
    invalid = _terraform_hook("validate", tmp_path, path)
    assert invalid.returncode != 0
    assert "var.missing" in invalid.stdout or "undeclared" in invalid.stdout.lower()


def test_no_test_input_is_ignored_by_git() -> None:
    """A fresh clone (CI) gets only what git tracks: an ignored fixture would exist here and nowhere else."""
    ignored = _git(REPO_ROOT, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--", "tests")
    generated = re.compile(r"(^|/)(__pycache__|\.pytest_cache|\.hypothesis|\.ruff_cache)(/|$)|\.pyc$")
    inputs = sorted(name for name in ignored.split("\0") if name and not generated.search(name))
    assert not inputs, f"ignored by .gitignore, so missing from every clone: {inputs}"
