"""Pre-commit hook: `terraform fmt -check` and `terraform validate` on infra/, when Terraform is installed.

The test suite and the offline validator (`python -m policies.tfvalidate`) never need the Terraform binary;
these hooks add the real tool wherever a developer has it. They skip with a clear message, and exit 0, when
Terraform is not installed, and `validate` also when Terraform cannot install the AWS provider (an air-gapped
machine without a plugin cache). Set PAYHOOKS_REQUIRE_TERRAFORM=1 to turn either skip into a failure.

Usage: terraform_check.py fmt [FILE.tf ...]   |   terraform_check.py validate
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TF_DIR = Path("infra")
INIT_TIMEOUT_SECONDS = 600
# What `terraform init` prints when it cannot reach a registry or mirror to install a provider.
PROVIDER_UNAVAILABLE = re.compile(
    r"Failed to query available provider packages|Failed to install provider|"
    r"could not connect to registry|Could not retrieve the list of available versions",
)


def _skip(reason: str) -> int:
    print(reason)
    if os.environ.get("PAYHOOKS_REQUIRE_TERRAFORM") == "1":
        print("PAYHOOKS_REQUIRE_TERRAFORM=1: a skipped Terraform check is a failure")
        return 1
    return 0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Air-gapped build agents: no version check-in with HashiCorp, no interactive prompts.
    env["CHECKPOINT_DISABLE"] = "1"
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_INPUT"] = "0"
    # A CLI config variable pointing at a missing file only adds a warning to every command.
    if env.get("TF_CLI_CONFIG_FILE") and not Path(env["TF_CLI_CONFIG_FILE"]).is_file():
        del env["TF_CLI_CONFIG_FILE"]
    cache = Path.home() / ".terraform.d" / "plugin-cache"
    if "TF_PLUGIN_CACHE_DIR" not in env and cache.is_dir():
        env["TF_PLUGIN_CACHE_DIR"] = str(cache)
    return env


def _run(args: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, check=False
    )


def fmt(terraform: str, files: list[str]) -> int:
    targets = [f for f in files if f.endswith((".tf", ".tfvars"))] or [str(TF_DIR)]
    result = _run([terraform, "fmt", "-check", "-diff", "-recursive", "-no-color", *targets], Path.cwd())
    sys.stdout.write(result.stdout + result.stderr)
    if result.returncode != 0:
        print("terraform fmt -check failed: run `make fmt` and stage the result")
    return result.returncode


def validate(terraform: str) -> int:
    if not TF_DIR.is_dir():
        print(f"{TF_DIR}/ not found: nothing to validate")
        return 1
    with tempfile.TemporaryDirectory(prefix="payhooks-tf-validate-") as tmp:
        # A copy, so that init's .terraform/ and lock file never land in the working tree being committed.
        work = Path(tmp) / "infra"
        shutil.copytree(TF_DIR, work, ignore=shutil.ignore_patterns(".terraform", "tfplan", "tfplan.json"))
        lockfile = ["-lockfile=readonly"] if (work / ".terraform.lock.hcl").is_file() else []
        init = _run(
            [terraform, "init", "-backend=false", "-input=false", "-no-color", *lockfile],
            work,
            INIT_TIMEOUT_SECONDS,
        )
        if init.returncode != 0:
            output = init.stdout + init.stderr
            if PROVIDER_UNAVAILABLE.search(output):
                return _skip(
                    "terraform validate skipped: terraform is installed but could not install the AWS "
                    "provider (no registry access; set TF_PLUGIN_CACHE_DIR or a provider mirror to run it). "
                    "The offline validator hook checked infra/ against the AWS provider schema."
                )
            sys.stdout.write(output)
            return init.returncode
        result = _run([terraform, "validate", "-no-color"], work)
        sys.stdout.write(result.stdout + result.stderr)
        return result.returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"fmt", "validate"}:
        print(__doc__)
        return 2
    terraform = shutil.which("terraform")
    if terraform is None:
        return _skip(f"terraform not installed: skipped terraform {argv[0]}")
    if argv[0] == "fmt":
        return fmt(terraform, argv[1:])
    return validate(terraform)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
