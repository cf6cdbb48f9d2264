"""The evidence folder: five files, evidence.json contents, the HTML report, SHA256SUMS and determinism."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EVIDENCE_FILES = {"evidence.json", "report.html", "results.sarif", "junit.xml", "SHA256SUMS"}
TIME_FIELDS = ("started_at", "duration_seconds")


def test_every_run_writes_a_new_folder_with_the_five_files(gate_passing, gate_passing_again, gate_failing):
    folders = {gate_passing.folder, gate_passing_again.folder, gate_failing.folder}
    assert len(folders) == 3
    for folder in folders:
        assert re.fullmatch(r"\d{8}T\d{6}Z-([0-9a-f]{12}|nogit)(-\d+)?", folder.name)
        assert {path.name for path in folder.iterdir()} == EVIDENCE_FILES


def test_run_metadata(gate_passing):
    run = gate_passing.evidence["run"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", run["started_at"])
    assert gate_passing.folder.name.startswith(re.sub(r"[-:]", "", run["started_at"]))
    git = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert run["git"]["commit"] == git.stdout.strip()
    assert isinstance(run["git"]["dirty"], bool)
    assert gate_passing.folder.name.split("-")[1] == run["git"]["short"]
    assert set(run["versions"]) == {"checkov", "python", "policy_pack"}
    assert run["versions"]["policy_pack"] == "gate-fixture 0.1.0"
    assert run["command"].startswith("python -m policies gate --dir ")
    assert run["reproduce"]["steps"][0] == f"git checkout {run['git']['commit']}"
    assert run["offline"]["BC_SKIP_MAPPING"] == "TRUE"


def test_policy_pack_hash_covers_checks_mapping_and_exceptions(gate_passing):
    pack = gate_passing.evidence["policy_pack"]
    paths = [item["path"] for item in pack["files"]]
    assert paths == sorted(paths)
    assert "tests/policies/fixtures_gate/pack/pci_mapping.yaml" in paths
    assert "tests/policies/fixtures_gate/exceptions/active.yaml" in paths
    assert "tests/policies/fixtures_gate/pack/checks/FixtureQueueCMK.py" in paths
    listing = "".join(f"{item['sha256']}  {item['path']}\n" for item in pack["files"])
    assert pack["sha256"] == hashlib.sha256(listing.encode()).hexdigest()


def test_one_entry_per_requirement_with_its_checks_and_status(gate_passing, gate_failing):
    rows = {row["id"]: row for row in gate_passing.evidence["requirements"]}
    assert list(rows) == ["3.5.1", "6.3.3", "10.5.1"]
    assert [check["id"] for check in rows["3.5.1"]["checks"]] == ["CKV_PCI_901", "CKV_PCI_902"]
    assert (rows["3.5.1"]["status"], rows["6.3.3"]["status"], rows["10.5.1"]["status"]) == (
        "PASS",
        "WARN",
        "PASS",
    )
    failing = {row["id"]: row["status"] for row in gate_failing.evidence["requirements"]}
    assert failing == {"3.5.1": "FAIL", "6.3.3": "NO MATCHING RESOURCES", "10.5.1": "FAIL"}


def test_one_entry_per_check_result_with_its_fields(gate_passing):
    results = gate_passing.evidence["results"]
    assert len(results) == gate_passing.evidence["summary"]["results"]
    for result in results:
        assert {
            "check_id",
            "check_name",
            "resource",
            "file",
            "lines",
            "checkov_result",
            "outcome",
            "reason",
            "details",
            "severity",
            "requirements",
            "excepted",
            "blocking",
            "kind",
            "source",
        } <= set(result)
        assert result["lines"][0] >= 1
    (table,) = gate_passing.results(check_id="CKV_PCI_902")
    assert table["requirements"] == ["3.5.1"]
    assert table["severity"] == "HIGH"
    assert table["check_name"] == "Ensure DynamoDB tables are encrypted with a customer-managed KMS key"
    assert table["file"] == "tests/policies/fixtures_gate/terraform/passing/main.tf"
    assert table["lines"] == [25, 43]
    (excepted,) = gate_passing.results(check_id="CKV_AWS_338")
    assert excepted["excepted"] is True
    assert excepted["exception"] == {
        "check_id": "CKV_AWS_338",
        "resource": "aws_cloudwatch_log_group.validator",
        "expiry": "2099-12-31",
    }


def test_results_are_sorted_failures_first(gate_failing):
    outcomes = [result["outcome"] for result in gate_failing.evidence["results"]]
    order = ["failed", "warning", "excepted", "unevaluated", "passed"]
    assert outcomes == sorted(outcomes, key=order.index)


def test_exceptions_carry_justification_approver_expiry_and_status(gate_passing):
    exceptions = gate_passing.evidence["exceptions"]
    assert len(exceptions) == 12
    for item in exceptions:
        assert {"justification", "compensating_control", "approver", "expiry", "status", "matched"} <= set(
            item
        )
    (log_group,) = [item for item in exceptions if item["check_id"] == "CKV_AWS_338"]
    assert log_group["status"] == "active"
    assert log_group["matched"] == ["terraform:aws_cloudwatch_log_group.validator"]


def test_known_deviation_of_the_soft_fail_check(gate_passing):
    (deviation,) = gate_passing.evidence["known_deviations"]
    assert deviation["check_id"] == "CKV_PCI_904"
    assert deviation["requirements"] == ["6.3.3"]
    assert deviation["resources"] == ["aws_lambda_function.validator"]
    assert "python3.9" in deviation["title"]
    html = (gate_passing.folder / "report.html").read_text()
    assert "<h2>Known deviations</h2>" in html
    assert "Lambda runtime python3.9 is deprecated" in html


def test_report_html_is_self_contained_printable_and_complete(gate_passing, gate_failing):
    html = (gate_failing.folder / "report.html").read_text()
    assert not re.search(r"<(script|link|img|iframe)\b", html, re.IGNORECASE)
    assert not re.search(r"(src|href)\s*=|@import|url\(", html, re.IGNORECASE)
    assert "@media print" in html
    for section in (
        "Summary",
        "Blocking items",
        "Requirements (PCI DSS v4.0)",
        "Findings (failures first)",
        "Known deviations",
        "Exceptions (policies/exceptions.yaml)",
        "How to reproduce this run",
    ):
        assert f"<h2>{section}</h2>" in html
    assert html.index("CKV_PCI_901") < html.index("<h2>Passed results</h2>")
    assert gate_failing.evidence["run"]["command"] in html
    passing = (gate_passing.folder / "report.html").read_text()
    assert "Fixture Approver" in passing
    assert "The audit trail is kept 12 months elsewhere." in passing


class _TagBalance(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.errors.append(f"unexpected </{tag}> at {self.getpos()}")


@pytest.mark.parametrize("run_name", ["gate_passing", "gate_failing", "gate_plan"])
def test_report_html_is_well_formed(run_name, request):
    parser = _TagBalance()
    parser.feed((request.getfixturevalue(run_name).folder / "report.html").read_text())
    assert parser.errors == []
    assert parser.open == []


@pytest.mark.parametrize("run_name", ["gate_passing", "gate_plan"])
def test_sha256sums_covers_every_input_and_output_and_verifies(run_name, request):
    run = request.getfixturevalue(run_name)
    listing = (run.folder / "SHA256SUMS").read_text().splitlines()
    names = [line.split("  ", 1)[1] for line in listing]
    assert names == sorted(names)
    evidence = run.evidence
    inputs = {item["path"] for item in evidence["inputs"]}
    outputs = {name for name in names if name not in inputs}
    assert {Path(name).name for name in outputs} == EVIDENCE_FILES - {"SHA256SUMS"}
    assert inputs <= set(names)
    assert {item["path"] for item in evidence["policy_pack"]["files"]} <= inputs
    scanned_dir = evidence["run"]["scanned"]["dir"]
    tf_files = {p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / scanned_dir).rglob("*.tf")}
    assert tf_files <= inputs
    if evidence["run"]["scanned"]["plan"]:
        assert evidence["run"]["scanned"]["plan"] in inputs
    sha256sum = shutil.which("sha256sum")
    assert sha256sum, "coreutils sha256sum is needed to verify the format"
    check = subprocess.run(
        [sha256sum, "--strict", "-c", str(run.folder / "SHA256SUMS")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def _without_time(evidence: dict) -> dict:
    for field in TIME_FIELDS:
        evidence["run"].pop(field)
    return evidence


def test_two_runs_on_the_same_commit_are_identical_apart_from_time(gate_passing, gate_passing_again):
    first, second = gate_passing.folder, gate_passing_again.folder
    assert first != second
    assert _without_time(gate_passing.evidence) == _without_time(gate_passing_again.evidence)
    for name in ("results.sarif", "junit.xml"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

    def html_without_time(folder: Path) -> str:
        html = (folder / "report.html").read_text()
        return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \([\d.]+ s\)", "<time>", html)

    assert html_without_time(first) == html_without_time(second)

    def sums(folder: Path) -> list[str]:
        lines = (folder / "SHA256SUMS").read_text().replace(folder.name, "<run>").splitlines()
        # evidence.json and report.html hold the run time; the other lines must be identical.
        return [line for line in lines if not line.endswith(("/evidence.json", "/report.html"))]

    assert sums(first) == sums(second)
    assert json.loads((first / "results.sarif").read_text())["runs"][0]["results"]
