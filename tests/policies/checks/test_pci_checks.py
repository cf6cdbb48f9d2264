"""Every PCI check (but the IAM ones) on its fixture: the exact passing and failing resource sets.

Fixture convention (tests/policies/checks/fixtures/<CheckClass>/main.tf): resources of a type the check
covers are named `pass*` or `fail*`; `fail_unresolved*` variants use a variable without a default (or an
expression Checkov cannot evaluate) and prove the check fails closed.
"""

from __future__ import annotations

import re

import pytest
from pci_check_runner import mapping, pci_check_ids, run_checks

# check id -> (resource type prefix, passing names, failing names)
CASES: dict[str, tuple[str, set[str], set[str]]] = {
    "CKV_PCI_001": (
        "aws_dynamodb_table",
        {"pass", "pass_key_variable"},
        {
            "fail",
            "fail_aws_managed",
            "fail_disabled",
            "fail_aws_alias",
            "fail_unresolved",
            "fail_replica_aws_managed",
        },
    ),
    "CKV_PCI_002": (
        "aws_sqs_queue",
        {"pass", "pass_alias_resource", "pass_customer_alias"},
        {
            "fail",
            "fail_sqs_managed",
            "fail_aws_alias",
            "fail_unresolved",
            "fail_unresolved_interpolation",
            "fail_unevaluable",
        },
    ),
    "CKV_PCI_003": (
        "aws_sns_topic",
        {"pass", "pass_key_arn"},
        {"fail", "fail_aws_alias", "fail_bare_key_id", "fail_unresolved"},
    ),
    "CKV_PCI_004": (
        "aws_cloudwatch_log_group",
        {"pass", "pass_alias_lookup"},
        {"fail", "fail_unresolved", "fail_not_a_key"},
    ),
    "CKV_PCI_005": (
        "aws_lambda_function",
        {"pass", "pass_no_environment"},
        {"fail", "fail_aws_alias", "fail_unresolved_key", "fail_unresolved_variables"},
    ),
    "CKV_PCI_006": ("aws_kms_key", {"pass"}, {"fail", "fail_disabled", "fail_unresolved"}),
    "CKV_PCI_007": (
        "aws_kms_key",
        {"pass", "pass_thirty_days", "pass_variable", "pass_replica"},
        {"fail", "fail_too_short", "fail_too_long", "fail_unresolved"},
    ),
    "CKV_PCI_008": (
        "aws_kms_key",
        {"pass", "pass_jsonencode", "pass_key_policy_resource"},
        {"fail", "fail_unresolved", "fail_no_statement", "fail_key_policy_unresolved"},
    ),
    "CKV_PCI_010": ("aws_lambda_function", {"pass"}, {"fail", "fail_pass_through", "fail_unresolved"}),
    "CKV_PCI_011": ("aws_api_gateway_stage", {"pass"}, {"fail", "fail_disabled", "fail_unresolved"}),
    "CKV_PCI_012": (
        "aws_cloudwatch_log_group",
        {"pass", "pass_variable"},
        {"fail", "fail_thirty_days", "fail_variable_thirty_days", "fail_unresolved"},
    ),
    "CKV_PCI_013": (
        "aws_lambda_function",
        {"pass", "pass_logging_config"},
        {"fail", "fail_unmanaged_logging_config", "fail_unresolved", "fail_log_group_count_zero"},
    ),
    "CKV_PCI_014": (
        "aws_api_gateway_stage",
        {"pass"},
        {"fail", "fail_data_trace", "fail_unresolved_data_trace", "fail_unresolved_destination"},
    ),
    "CKV_PCI_015": (
        "aws_sqs_queue",
        {
            "pass",
            "pass_source",
            "pass_allow_policy",
            "pass_source_of_fail",
            "pass_source_of_fail_no_action",
            "pass_source_of_fail_unresolved_action",
        },
        {"fail", "fail_no_action", "fail_unresolved_action", "fail_wrong_metric"},
    ),
    "CKV_PCI_030": (
        "aws_api_gateway_domain_name",
        {"pass", "pass_enhanced_tls13"},
        {"fail", "fail_tls10", "fail_unresolved"},
    ),
    "CKV_PCI_031": (
        "aws_api_gateway_stage",
        {"pass", "pass_private_api", "pass_counted_association"},
        {
            "fail",
            "fail_unresolved_web_acl",
            "fail_association_count_zero",
            "fail_unresolved_association_count",
        },
    ),
    "CKV_PCI_040": (
        "aws_sqs_queue",
        {"pass", "pass_fifo_dlq", "pass_standard", "pass_standard_dlq", "pass_redrive_resource"},
        {
            "fail",
            "fail_receive_count",
            "fail_fifo_to_standard",
            "fail_unresolved_receive_count",
            "fail_unresolved_target",
        },
    ),
    "CKV_PCI_041": (
        "aws_lambda_function",
        {"pass", "pass_variable"},
        {"fail", "fail_unreserved", "fail_zero", "fail_too_high", "fail_unresolved"},
    ),
    "CKV_PCI_042": (
        "aws_dynamodb_table",
        {"pass"},
        {"fail", "fail_pitr_disabled", "fail_ttl_disabled", "fail_ttl_no_attribute", "fail_unresolved"},
    ),
    "CKV_PCI_043": (
        "",
        {"aws_sqs_queue.pass", "aws_dynamodb_table.pass_protection_off"},
        {
            "aws_sqs_queue.fail",
            "aws_dynamodb_table.fail_deletion_protection",
            "aws_dynamodb_table.fail_unresolved",
        },
    ),
    "CKV_PCI_044": (
        "aws_lambda_function",
        {"pass", "pass_container_image"},
        {"fail", "fail_variable", "fail_python38", "fail_nodejs16", "fail_unresolved"},
    ),
}
UNRESOLVED_WORDING = re.compile(
    r"could not resolve|could not be evaluated|unresolved expression|has no value"
)
# Resources of a second covered type, or of another type than the table's prefix.
EXTRA_PASSED = {
    "CKV_PCI_007": {"aws_kms_replica_key.pass_replica"},
    "CKV_PCI_030": {"aws_apigatewayv2_domain_name.pass_v2"},
}


def _addresses(prefix: str, names: set[str]) -> set[str]:
    return {f"{prefix}.{name}" if prefix else name for name in names}


def _expected(check_id: str) -> tuple[set[str], set[str]]:
    prefix, passed, failed = CASES[check_id]
    extra = EXTRA_PASSED.get(check_id, set())
    passed_addresses = _addresses(prefix, passed - {a.rsplit(".", 1)[-1] for a in extra}) | extra
    return passed_addresses, _addresses(prefix, failed)


def _fixture(check_id: str) -> str:
    return mapping()["checks"][check_id]["class"]


def test_every_owned_check_has_a_case():
    assert sorted(CASES) == pci_check_ids()


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_check_on_its_fixture(check_id: str):
    # GIVEN the check's fixture WHEN only this check runs
    run = run_checks(_fixture(check_id), check_id)
    expected_passed, expected_failed = _expected(check_id)
    # THEN exactly the pass* resources pass and the fail* resources fail, and the fixture parses
    assert run.parsing_errors == 0
    assert run.passed(check_id) == expected_passed
    assert run.failed(check_id) == expected_failed
    assert not run.addresses(check_id, "SKIPPED")


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_every_result_says_why_in_a_sentence_naming_the_resource(check_id: str):
    run = run_checks(_fixture(check_id), check_id)
    for (check, address), details in run.details.items():
        assert check == check_id
        assert len(details) == 1, (address, details)
        assert address in details[0] and details[0].endswith("."), details[0]
        assert run.evaluated_keys[(check, address)], address


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_unresolved_values_fail_closed_with_the_reason(check_id: str):
    # GIVEN the fail_unresolved* variants (a variable without a default, an unknown reference)
    run = run_checks(_fixture(check_id), check_id)
    unresolved = {a for a in run.failed(check_id) if a.rsplit(".", 1)[-1].startswith("fail_unresolved")}
    # THEN every check has at least one, and each fails saying the value could not be proven
    assert unresolved
    for address in unresolved:
        (detail,) = run.details[(check_id, address)]
        assert UNRESOLVED_WORDING.search(detail), detail


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_no_resources_gives_no_result(check_id: str):
    # GIVEN a module without any resource block WHEN every PCI check runs THEN nothing is reported
    run = run_checks("_no_resources", *sorted(CASES))
    assert run.parsing_errors == 0
    assert not run.passed(check_id) and not run.failed(check_id)


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_unrelated_resources_give_no_result(check_id: str):
    # GIVEN only resource types no PCI check covers (but CKV_PCI_043, which covers every type)
    run = run_checks("_unrelated_resources", *sorted(CASES))
    assert run.parsing_errors == 0
    assert not run.failed(check_id)
    if check_id == "CKV_PCI_043":
        assert run.passed(check_id) == {"aws_ssm_parameter.pass", "aws_s3_bucket.pass_unrelated"}
    else:
        assert not run.passed(check_id)
