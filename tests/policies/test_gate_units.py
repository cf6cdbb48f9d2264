"""Pure parts of the gate: the exceptions file, exception matching, inline skip detection, the mapping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policies.gate.exceptions import (
    ExceptionsFileError,
    PolicyException,
    load_exceptions,
    strip_instance_keys,
)
from policies.gate.inline_skips import find_inline_skips
from policies.gate.pack import PackError, load_pack

REPO_ROOT = Path(__file__).resolve().parents[2]
VALID_ENTRY = """\
  - check_id: CKV_AWS_338
    resource: module.validator.aws_cloudwatch_log_group.this
    justification: Seven days by requirement.
    compensating_control: CloudTrail and S3 keep the 12-month audit trail.
    approver: Head of Security Engineering
    expiry: 2027-05-31
"""


def _exception(resource: str) -> PolicyException:
    return PolicyException("CKV_AWS_1", resource, "j", "c", "a", dt.date(2027, 5, 31))


@pytest.mark.parametrize(
    ("exception_resource", "result_resource", "covered"),
    [
        ("aws_sqs_queue.dlq", "aws_sqs_queue.dlq", True),
        ("aws_sqs_queue.dlq", 'aws_sqs_queue.dlq["a"]', True),
        ('aws_sqs_queue.dlq["a"]', 'aws_sqs_queue.dlq["a"]', True),
        ('aws_sqs_queue.dlq["a"]', 'aws_sqs_queue.dlq["b"]', False),
        ("module.fn.aws_lambda_function.this", "module.fn.aws_lambda_function.this", True),
        ("module.fn.aws_lambda_function.this", "module.other.aws_lambda_function.this", False),
        ("module.fn.aws_lambda_function.this", 'module.fn["x"].aws_lambda_function.this[0]', True),
        ("aws_lambda_function.this", "module.fn.aws_lambda_function.this", False),
        ("data.aws_iam_policy_document.key", "aws_iam_policy_document.key", True),
        ("aws_sqs_queue.dlq", "aws_sqs_queue.dlq2", False),
    ],
)
def test_exception_matching_rule(exception_resource, result_resource, covered):
    assert _exception(exception_resource).covers("CKV_AWS_1", result_resource) is covered
    assert _exception(exception_resource).covers("CKV_AWS_2", result_resource) is False


def test_strip_instance_keys_handles_quoted_brackets():
    assert strip_instance_keys('module.a["x]y"].aws_b.c[3]') == "module.a.aws_b.c"


def test_an_exception_is_valid_through_its_expiry_date():
    exception = _exception("aws_x.y")
    assert not exception.is_expired(dt.date(2027, 5, 31))
    assert exception.is_expired(dt.date(2027, 6, 1))


def test_load_exceptions_parses_a_valid_file(tmp_path):
    path = tmp_path / "exceptions.yaml"
    path.write_text(
        "exceptions:\n" + VALID_ENTRY + "deviations:\n  - check_id: CKV_PCI_044\n    title: t\n    note: n\n"
    )
    loaded = load_exceptions(path)
    (exception,) = loaded.exceptions
    assert exception.expiry == dt.date(2027, 5, 31)
    assert exception.approver == "Head of Security Engineering"
    assert [deviation.check_id for deviation in loaded.deviations] == ["CKV_PCI_044"]
    assert load_exceptions(tmp_path / "missing.yaml").exceptions == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "exceptions:\n" + VALID_ENTRY.replace("    approver: Head of Security Engineering\n", ""),
            "approver",
        ),
        ("exceptions:\n" + VALID_ENTRY.replace("2027-05-31", "next year"), "expiry"),
        ("exceptions:\n" + VALID_ENTRY.replace("    expiry: 2027-05-31\n", ""), "expiry"),
        ("exceptions:\n" + VALID_ENTRY + "    owner: me\n", "unknown field"),
        ("exceptions:\n" + VALID_ENTRY + VALID_ENTRY, "duplicate"),
        ("exception:\n" + VALID_ENTRY, "unknown top-level"),
        ("exceptions: {}\n", "must be a list"),
        ("exceptions: [\n", "not valid YAML"),
    ],
)
def test_load_exceptions_rejects_invalid_files(tmp_path, content, message):
    path = tmp_path / "exceptions.yaml"
    path.write_text(content)
    with pytest.raises(ExceptionsFileError, match=message):
        load_exceptions(path)


def test_inline_skips_are_found_in_any_comment_style(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "aws_x" "a" {\n'
        "  #checkov:skip=CKV_AWS_1:reason\n"
        "  // checkov:skip=CKV_AWS_2\n"
        "  /* bridgecrew:skip=CKV_AWS_3:old marker */\n"
        '  name = "checkov"\n'
        "}\n"
    )
    skips = find_inline_skips([path], tmp_path)
    assert [(skip.file, skip.line, skip.check_id) for skip in skips] == [
        ("main.tf", 2, "CKV_AWS_1"),
        ("main.tf", 3, "CKV_AWS_2"),
        ("main.tf", 4, "CKV_AWS_3"),
    ]


def test_the_real_mapping_loads(tmp_path):
    pack = load_pack(REPO_ROOT / "policies" / "pci_mapping.yaml", REPO_ROOT / "policies" / "checks")
    assert pack.checks["CKV_PCI_044"].soft_fail is True
    assert all(not meta.soft_fail for check_id, meta in pack.checks.items() if check_id != "CKV_PCI_044")
    assert pack.requirement_ids()[:2] == ["3.2.1", "3.5.1"]
    assert pack.requirement_ids()[-1] == "12.10.1"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("requirements: {}\nchecks:\n  CKV_X_1: {}\n", "CKV_PCI_NNN"),
        ("requirements: {}\nchecks:\n  CKV_PCI_001: {class: A, name: n}\n", "missing"),
        (
            'requirements: {}\nchecks:\n  CKV_PCI_001: {class: A, name: n, requirements: ["9.9"], '
            "severity: HIGH, risk: r, remediation: x}\n",
            "9.9",
        ),
        (
            'requirements: {"1.1": t}\nchecks:\n  CKV_PCI_001: {class: A, name: n, requirements: ["1.1"], '
            "severity: BAD, risk: r, remediation: x}\n",
            "severity",
        ),
        ("[]\n", "top-level"),
    ],
)
def test_unusable_mappings_are_rejected(tmp_path, mapping, message):
    path = tmp_path / "pci_mapping.yaml"
    path.write_text(mapping)
    with pytest.raises(PackError, match=message):
        load_pack(path, tmp_path)
