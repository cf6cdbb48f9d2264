"""README.md and SECURITY.md stay true to their sources: the PCI mapping, the exceptions file, variables.tf,
the Makefile, the workflows and the repository's own paths and modules."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys

import pytest
import yaml

from tests.delivery import doc_tables
from tests.delivery.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
SECURITY = (REPO_ROOT / "SECURITY.md").read_text(encoding="utf-8")
DOCS = {"README.md": README, "SECURITY.md": SECURITY}
# Paths the documented commands create; they are not in the repository.
GENERATED = {"infra/terraform.tfvars", "infra/tfplan", "infra/tfplan.json"}


def _drift_message(name: str, marker: str, expected: str) -> str:
    return (
        f"{name} <!-- {marker} --> is out of date: run `python -m tests.delivery.doc_tables --write`.\n"
        f"Expected:\n{expected}"
    )


def _anchor(heading: str) -> str:
    """GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_security_control_tables_match_the_pci_mapping() -> None:
    mapping = yaml.safe_load(doc_tables.MAPPING.read_text(encoding="utf-8"))
    expected = doc_tables.control_tables(mapping)
    actual = doc_tables.between_markers(SECURITY, doc_tables.CONTROLS_MARKER)
    assert actual == expected, _drift_message("SECURITY.md", doc_tables.CONTROLS_MARKER, expected)
    for check_id, check in mapping["checks"].items():
        row = next(line for line in actual.splitlines() if line.startswith(f"| `{check_id}` |"))
        assert ", ".join(check["requirements"]) in row


def test_security_lists_every_gate_exception_and_deviation() -> None:
    exceptions = doc_tables.load_exceptions()
    expected = doc_tables.exception_tables(exceptions)
    actual = doc_tables.between_markers(SECURITY, doc_tables.EXCEPTIONS_MARKER)
    assert actual == expected, _drift_message("SECURITY.md", doc_tables.EXCEPTIONS_MARKER, expected)
    entries = (exceptions.get("exceptions") or []) + (exceptions.get("deviations") or [])
    assert entries, "policies/exceptions.yaml lists nothing: CKV_AWS_338 and CKV_AWS_59 at least are expected"
    for entry in entries:
        assert f"`{entry['check_id']}`" in actual, entry["check_id"]


def test_readme_configuration_table_matches_variables_tf() -> None:
    expected = doc_tables.config_table(doc_tables.VARIABLES)
    actual = doc_tables.between_markers(README, doc_tables.CONFIG_MARKER)
    assert actual == expected, _drift_message("README.md", doc_tables.CONFIG_MARKER, expected)
    assert len(actual.splitlines()) > 10, "variables.tf should describe the stack's settings"


def test_readme_quickstart_is_the_two_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    first_block = re.search(r"```bash\n(.*?)```", quickstart, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make gate", "make test"]
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


def test_readme_has_the_required_sections() -> None:
    assert "```mermaid\nflowchart" in README
    for heading in (
        "## Architecture",
        "## Quickstart",
        "## Deploy",
        "### Configuration",
        "### Deploy from CI (GitHub Actions)",
        "## Operations",
        "### Signing-secret rotation",
        "### DLQ alarm runbook",
        "### Scaling notes",
        "### Why the processor has no function-level `dead_letter_config`",
        "## Where each requirement is implemented",
        "## Local pipeline",
    ):
        assert f"\n{heading}\n" in README, heading
    assert "python -m payhooks_tools.redrive" in README
    assert "infra/README.md" in README


def test_security_covers_what_the_issue_asks() -> None:
    for heading in (
        "## Scope: what is in the cardholder-data environment",
        "## Data flow",
        "## Controls and PCI DSS v4.0 requirements",
        "## Threat model",
        "## Key and signing-secret rotation",
        "## Logging decisions",
        "## Tracked exception: the Python 3.9 Lambda runtime",
        "## Gate exceptions and accepted deviations",
        "## Reporting a vulnerability",
    ):
        assert f"\n{heading}\n" in SECURITY, heading
    threat_model = SECURITY.split("## Threat model", 1)[1].split("\n## ", 1)[0]
    for threat in (
        "Spoofed webhooks",
        "Replayed webhooks",
        "Tampering",
        "denial of service",
        "Secret leakage",
        "Poisoned messages",
        "Insider changes to IAM",
    ):
        assert threat in threat_model, threat
    assert 'lambda_runtime = "python3.12"' in SECURITY
    logging = SECURITY.split("## Logging decisions", 1)[1].split("\n## ", 1)[0]
    for fact in ("10.5.1", "12", "CloudTrail", "S3", "7 days", "CKV_AWS_338"):
        assert fact in logging, fact


def test_tfsec_exclusions_are_documented() -> None:
    excluded = yaml.safe_load((REPO_ROOT / ".github" / "tfsec.yml").read_text())["exclude"]
    for rule in excluded:
        assert f"`{rule}`" in SECURITY, rule


@pytest.mark.parametrize("name", sorted(DOCS))
def test_every_repository_path_mentioned_exists(name: str) -> None:
    prefixes = ("infra/", "functions/", "policies/", "tests/", ".github/", ".ci/")
    top = r"(?:infra|functions|policies|tests|\.github|\.ci)/"
    mentioned = set(re.findall(rf"`({top}[^`*<>\s]*)`", DOCS[name]))
    mentioned |= set(re.findall(rf"\]\(({top}[^)#\s]*)\)", DOCS[name]))
    mentioned |= {"SECURITY.md", ".pre-commit-config.yaml", ".secrets.baseline", "requirements-dev.txt"}
    assert any(path.startswith(prefixes) for path in mentioned)
    missing = sorted(path for path in mentioned - GENERATED if not (REPO_ROOT / path).exists())
    assert not missing, f"{name} mentions paths that do not exist: {missing}"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_every_python_module_mentioned_exists(name: str) -> None:
    modules = set(re.findall(r"python -m ([\w.]+)", DOCS[name]))
    assert modules
    sys_path = [str(REPO_ROOT / "functions"), str(REPO_ROOT)]
    missing = []
    for module in sorted(modules):
        sys.path[:0] = sys_path
        try:
            if importlib.util.find_spec(module) is None:
                missing.append(module)
        finally:
            del sys.path[: len(sys_path)]
    assert not missing, f"{name} mentions modules that do not exist: {missing}"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_every_internal_anchor_link_resolves(name: str) -> None:
    anchors = {
        doc: {_anchor(h) for h in re.findall(r"^#{1,4} (.+)$", text, re.M)} for doc, text in DOCS.items()
    }
    for target_doc, anchor in re.findall(r"\]\(((?:README|SECURITY)\.md)?#([\w-]+)\)", DOCS[name]):
        target = target_doc or name
        assert anchor in anchors[target], f"{name}: link to {target}#{anchor} is broken"


def test_every_make_target_in_the_readme_exists_with_help() -> None:
    help_text = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    documented = set(re.findall(r"`make ([a-z-]+)`", README))
    listed = set(re.findall(r"^  make ([a-z-]+) ", help_text, re.M))
    assert documented <= listed, documented - listed
    required = {"test", "gate", "build", "lint", "fmt", "bench", "local", "plan", "apply", "destroy", "lock"}
    assert required | {"precommit"} <= listed
    assert required <= documented


def test_readme_function_contract_matches_the_code() -> None:
    from batch_processor.notifications import Notification
    from payhooks_shared.records import QueuedWebhook

    contract = README.split("## Function contract", 1)[1].split("\n## ", 1)[0]
    config = (REPO_ROOT / "functions" / "payhooks_shared" / "config.py").read_text()
    for name in re.findall(r'required\("([A-Z_]+)"', config):
        assert f"`{name}`" in contract, name
    for name, default in re.findall(r'positive_int\("([A-Z_]+)", (\d+)', config):
        assert re.search(rf"`{name}` \((default )?{default}\)", contract), name
    notification = Notification("w", "stripe", "t", None, None, "now")
    for key in json.loads(notification.to_json()):
        assert f"`{key}`" in contract, key
    for attribute in notification.message_attributes():
        assert f"`{attribute}`" in contract, attribute
    for key in json.loads(QueuedWebhook("w", "stripe", "t", None, "now").to_json()):
        assert f"`{key}`" in contract, key
    handler = (REPO_ROOT / "functions" / "webhook_validator" / "handler.py").read_text()
    for status in set(re.findall(r"responses\.error\((\d{3})", handler)):
        assert status in contract, status
