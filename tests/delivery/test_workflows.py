"""GitHub Actions workflows: actionlint-clean, every action pinned by commit SHA, and the deploy structure
(OIDC only, protected environment, per-environment concurrency, apply of exactly the reviewed plan)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.delivery.conftest import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
ACTIONS = REPO_ROOT / ".github" / "actions"
ACTION_FILES = sorted(WORKFLOWS.glob("*.yml")) + sorted(ACTIONS.glob("*/action.yml"))
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$")


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean true.
    return workflow.get("on", workflow.get(True))


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in _steps(job))


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in _steps(job) if step.get("uses", "").split("@")[0] == action]


@pytest.fixture(scope="module")
def pull_request() -> dict[str, Any]:
    return _load(WORKFLOWS / "pull-request.yml")


@pytest.fixture(scope="module")
def deploy() -> dict[str, Any]:
    return _load(WORKFLOWS / "deploy.yml")


def test_actionlint_accepts_every_workflow(venv: Path) -> None:
    result = subprocess.run(
        [str(venv / "bin" / "actionlint"), "-no-color", *map(str, sorted(WORKFLOWS.glob("*.yml")))],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(venv: Path, tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.event.no_such_context.x }}\n    needs: [missing]\n"
    )
    result = subprocess.run(
        [str(venv / "bin" / "actionlint"), "-no-color", str(broken)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "missing" in result.stdout


@pytest.mark.parametrize("path", ACTION_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_action_is_pinned_by_full_commit_sha_with_its_version(path: Path) -> None:
    uses = [match.groups() for match in map(USES_LINE.match, path.read_text().splitlines()) if match]
    assert uses, f"{path} uses no action"
    for reference, comment in uses:
        if reference.startswith("./"):
            assert (REPO_ROOT / reference / "action.yml").is_file(), reference
            continue
        assert PINNED.match(reference), f"{path.name}: {reference} is not pinned by a 40-hex commit SHA"
        assert comment and re.match(r"#\s*v\d+(\.\d+)*\s*$", comment), f"{reference}: no `# vX.Y.Z` comment"


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_aws_credentials_come_only_from_oidc(name: str) -> None:
    text = (WORKFLOWS / name).read_text()
    workflow = _load(WORKFLOWS / name)
    assert workflow["permissions"] == {"contents": "read"}, "workflow-wide token must stay read-only"
    assert not re.search(r"aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|secrets\.AWS", text)
    for job_id, job in workflow["jobs"].items():
        for step in _uses(job, "aws-actions/configure-aws-credentials"):
            assert job["permissions"].get("id-token") == "write", job_id
            assert step["with"]["role-to-assume"].startswith("${{ env.AWS_"), job_id
            assert set(step["with"]) == {"role-to-assume", "role-session-name", "aws-region"}, job_id
        if "id-token" in job.get("permissions", {}):
            assert _uses(job, "aws-actions/configure-aws-credentials"), f"{job_id}: OIDC token unused"


def test_pull_request_runs_every_required_check(pull_request: dict[str, Any]) -> None:
    assert set(_triggers(pull_request)) == {"pull_request"}
    jobs = pull_request["jobs"]
    every_run = "\n".join(_runs(job) for job in jobs.values())
    for command in (
        "make lint",
        "make test",
        "make gate",
        "terraform fmt -check",
        "init -backend=false",
        "terraform -chdir=infra validate",
        "tflint --init",
        "tflint --recursive",
        "plan -input=false -lock=false -out=tfplan",
        "show -json tfplan > infra/tfplan.json",
        "-m policies gate --dir infra --plan infra/tfplan.json",
        '>> "$GITHUB_STEP_SUMMARY"',
    ):
        assert command in every_run, command
    evidence = _uses(jobs["gate"], "actions/upload-artifact")
    assert evidence and evidence[0]["with"]["path"] == "reports/" and evidence[0]["if"] == "always()"
    assert _uses(jobs["terraform"], "aquasecurity/tfsec-action")
    assert _uses(jobs["terraform"], "terraform-linters/setup-tflint")
    assert set(jobs["plan"]["needs"]) == {"lint", "test", "gate", "terraform"}
    assert "head.repo.full_name == github.repository" in jobs["plan"]["if"], "forks must not reach AWS"
    assert pull_request["concurrency"]["cancel-in-progress"] is True


def test_deploy_applies_exactly_the_reviewed_plan_after_approval(deploy: dict[str, Any]) -> None:
    triggers = _triggers(deploy)
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" not in triggers
    assert deploy["concurrency"] == {"group": "deploy-production", "cancel-in-progress": False}

    plan, apply = deploy["jobs"]["plan"], deploy["jobs"]["apply"]
    assert "environment" not in plan
    assert plan["if"] == "github.ref == 'refs/heads/main'", "a manual run must not deploy another branch"
    assert apply["environment"]["name"] == "production", "apply must wait for the protected environment"
    assert apply["needs"] == "plan"
    assert apply["concurrency"] == {"group": "terraform-state-production", "cancel-in-progress": False}

    plan_runs = _runs(plan)
    assert "make gate" in plan_runs
    assert "-out=tfplan" in plan_runs
    assert "--plan infra/tfplan.json" in plan_runs
    assert "GITHUB_STEP_SUMMARY" in plan_runs
    uploaded = {step["with"]["name"]: step["with"]["path"] for step in _uses(plan, "actions/upload-artifact")}
    downloaded = _uses(apply, "actions/download-artifact")
    assert len(downloaded) == 1 and uploaded[downloaded[0]["with"]["name"]] == "reviewed/"
    assert plan["outputs"]["plan-sha256"] == "${{ steps.seal.outputs.plan-sha256 }}"
    assert apply["env"]["PLAN_SHA256"] == "${{ needs.plan.outputs.plan-sha256 }}"

    apply_runs = _runs(apply)
    assert 'echo "$PLAN_SHA256  reviewed/SHA256SUMS" | sha256sum --check --strict' in apply_runs
    assert "sha256sum --check --strict SHA256SUMS" in apply_runs
    assert "-lockfile=readonly" in apply_runs
    assert apply_runs.rstrip().endswith("terraform -chdir=infra apply -input=false tfplan")
    assert "plan -" not in apply_runs, "the apply job must never plan again"
    assert "-auto-approve" not in apply_runs


def test_plan_summary_script_renders_the_plan_as_markdown(tmp_path: Path) -> None:
    plan_text = tmp_path / "tfplan.txt"
    plan_text.write_text(
        "  # aws_sqs_queue.webhooks will be created\nPlan: 1 to add, 0 to change, 0 to destroy.\n"
    )
    result = subprocess.run(
        ["bash", str(REPO_ROOT / ".github" / "scripts" / "plan-summary.sh"), str(plan_text)],
        capture_output=True,
        text=True,
        check=True,
        env={"GITHUB_SHA": "abc123", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.startswith("## Terraform plan for abc123\n")
    assert "**Plan: 1 to add, 0 to change, 0 to destroy.**" in result.stdout
    assert "```\n  # aws_sqs_queue.webhooks will be created\n" in result.stdout


def test_configure_terraform_script_writes_backend_and_tfvars_outside_git(tmp_path: Path) -> None:
    scripts = tmp_path / ".github" / "scripts"
    scripts.mkdir(parents=True)
    script_text = (REPO_ROOT / ".github" / "scripts" / "configure-terraform.sh").read_text()
    (scripts / "configure-terraform.sh").write_text(script_text)
    (tmp_path / "infra").mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "TF_BACKEND_CONFIG": 'bucket = "state"\nkey = "payhooks/prod.tfstate"\nuse_lockfile = true',
        "PAYHOOKS_TFVARS": 'environment_suffix = "prod"',
    }
    subprocess.run(["bash", str(scripts / "configure-terraform.sh")], env=env, check=True)
    assert (tmp_path / "infra" / "ci.s3.tfbackend").read_text().startswith('bucket = "state"\n')
    assert 'backend "s3" {}' in (tmp_path / "infra" / "ci_backend_override.tf").read_text()
    assert (tmp_path / "infra" / "ci.auto.tfvars").read_text() == 'environment_suffix = "prod"\n'
    missing = subprocess.run(
        ["bash", str(scripts / "configure-terraform.sh")], env={"PATH": "/usr/bin:/bin"}, capture_output=True
    )
    assert missing.returncode != 0
    assert b"TF_BACKEND_CONFIG" in missing.stderr


def _step_script(job: dict[str, Any], name: str) -> str:
    return next(step["run"] for step in _steps(job) if step.get("name") == name)


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_sealed_plan_verifies_and_any_tampering_stops_the_apply(
    deploy: dict[str, Any], tmp_path: Path
) -> None:
    """GIVEN the plan job's seal step and the apply job's verify step, run as written in deploy.yml."""
    plan_side, apply_side = tmp_path / "plan", tmp_path / "apply"
    for side in (plan_side, apply_side):
        (side / "infra").mkdir(parents=True)
    (plan_side / "infra" / "tfplan").write_bytes(b"saved plan bytes")
    (plan_side / "infra" / ".terraform.lock.hcl").write_text(
        'provider "registry.terraform.io/hashicorp/aws" {}\n'
    )
    (plan_side / "tfplan.txt").write_text("Plan: 1 to add, 0 to change, 0 to destroy.\n")
    (plan_side / "build" / ".cache").mkdir(parents=True)
    (plan_side / "build" / "webhook_validator.zip").write_bytes(b"validator zip")
    (plan_side / "build" / "batch_processor.zip").write_bytes(b"processor zip")
    (plan_side / "build" / ".cache" / "wheel.whl").write_bytes(b"not shipped")
    outputs = tmp_path / "github_output"
    seal = _bash(
        _step_script(deploy["jobs"]["plan"], "Seal the reviewed plan"),
        plan_side,
        {"GITHUB_OUTPUT": str(outputs)},
    )
    assert seal.returncode == 0, seal.stderr
    digest = outputs.read_text().strip().removeprefix("plan-sha256=")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)

    verify = _step_script(deploy["jobs"]["apply"], "Verify it is exactly the plan that was reviewed")
    # WHEN the artifact arrives unchanged (upload-artifact leaves hidden files out)
    shutil.copytree(plan_side / "reviewed", apply_side / "reviewed", ignore=shutil.ignore_patterns(".*"))
    result = _bash(verify, apply_side, {"PLAN_SHA256": digest})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (apply_side / "infra" / "tfplan").read_bytes() == b"saved plan bytes"
    assert (apply_side / "infra" / ".terraform.lock.hcl").is_file()
    assert sorted(p.name for p in (apply_side / "build").iterdir()) == [
        "batch_processor.zip",
        "webhook_validator.zip",
    ]

    # WHEN a zip is swapped after review, or the whole artifact is resealed by someone else
    (apply_side / "reviewed" / "build" / "webhook_validator.zip").write_bytes(b"other code")
    assert _bash(verify, apply_side, {"PLAN_SHA256": digest}).returncode != 0
    resealed = _bash(
        "cd reviewed && sha256sum build/* tfplan tfplan.txt terraform.lock.hcl > SHA256SUMS", apply_side, {}
    )
    assert resealed.returncode == 0
    assert _bash(verify, apply_side, {"PLAN_SHA256": digest}).returncode != 0
