"""KMS keys and key policies; IAM roles and inline policies (least privilege, no wildcards)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from stack_hcl import (
    Module,
    actions_of,
    conditions_of,
    expr,
    is_wildcard_action,
    principals_of,
    resolve,
    statements,
    unwrap,
)

KEYS = ("data", "logs", "alarms")
XRAY_ONLY_WILDCARD = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
NEVER_FOR_ADMINS = {
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
}


def key_policy(root: Module, key: str) -> list[dict[str, Any]]:
    reference = expr(unwrap(root.resource("aws_kms_key", key)["policy"]))
    match = re.fullmatch(r"data\.aws_iam_policy_document\.(\w+)\.json", reference)
    assert match, reference
    return statements(root.policy_document(match.group(1)))


def documents_attached_to_roles(module: Module) -> dict[str, list[dict[str, Any]]]:
    attached = {}
    for name, conf in module.of_type("aws_iam_role_policy").items():
        match = re.fullmatch(r"data\.aws_iam_policy_document\.(\w+)\.json", expr(unwrap(conf["policy"])))
        assert match, f"aws_iam_role_policy.{name} must use a policy document"
        attached[name] = statements(module.policy_document(match.group(1)))
    return attached


@pytest.mark.parametrize("pattern", ["*", "kms:*", "kms:GenerateDataKey*", "kms:ReEncrypt*", "s3:Get?bject"])
def test_wildcard_detector_flags_wildcards(pattern: str) -> None:
    assert is_wildcard_action(pattern)


def test_wildcard_detector_passes_exact_actions() -> None:
    assert not any(
        is_wildcard_action(a) for a in ("kms:GenerateDataKey", "kms:ReEncryptFrom", "sqs:SendMessage")
    )


@pytest.mark.parametrize("key", KEYS)
def test_keys_rotate_and_have_7_day_window_and_explicit_policy(root: Module, key: str) -> None:
    conf = root.resource("aws_kms_key", key)
    assert unwrap(conf["enable_key_rotation"]) is True
    assert unwrap(conf["deletion_window_in_days"]) == 7
    assert key_policy(root, key)
    assert "bypass_policy_lockout_safety_check" not in conf


def test_exactly_three_keys_split_by_purpose(root: Module) -> None:
    assert set(root.of_type("aws_kms_key")) == set(KEYS)
    assert "Keys are split by purpose" in root.texts["kms.tf"]


@pytest.mark.parametrize("key", KEYS)
def test_key_policies_have_no_wildcard_actions(root: Module, key: str) -> None:
    for statement in key_policy(root, key):
        assert unwrap(statement.get("sid", [""])), statement
        assert not {"not_actions", "not_resources", "not_principals"} & set(statement)
        for action in actions_of(statement, root.locals):
            assert not is_wildcard_action(action), f"{key}: {action}"


@pytest.mark.parametrize("key", KEYS)
def test_account_root_administers_without_using_the_key(root: Module, key: str) -> None:
    (admin,) = [s for s in key_policy(root, key) if unwrap(s["sid"]) == "AccountKeyAdministration"]
    assert principals_of(admin) == [("AWS", ["${local.account_root_arn}"])]
    assert root.locals["account_root_arn"] == "arn:aws:iam::${local.account_id}:root"
    actions = set(actions_of(admin, root.locals))
    assert {
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
        "kms:EnableKeyRotation",
        "kms:DescribeKey",
    } <= actions
    assert not actions & NEVER_FOR_ADMINS
    assert all(action.startswith("kms:") for action in actions)


@pytest.mark.parametrize("key", KEYS)
def test_every_other_key_statement_is_conditioned(root: Module, key: str) -> None:
    for statement in key_policy(root, key):
        if unwrap(statement["sid"]) != "AccountKeyAdministration":
            assert conditions_of(statement), unwrap(statement["sid"])


def test_logs_key_trusts_regional_logs_service_for_stack_log_groups_only(root: Module) -> None:
    (logs,) = [s for s in key_policy(root, "logs") if principals_of(s)[0][0] == "Service"]
    assert principals_of(logs) == [("Service", ["logs.${local.region}.amazonaws.com"])]
    assert resolve("logs.${local.region}.amazonaws.com", root) == "logs.us-east-1.amazonaws.com"
    assert conditions_of(logs) == [
        ("ArnLike", "kms:EncryptionContext:aws:logs:arn", ["${local.log_group_arns}"])
    ]
    assert (
        "arn:aws:logs:${local.region}:${local.account_id}:log-group:${name}" in root.locals["log_group_arns"]
    )
    assert set(root.locals["log_group_names"]) == {
        "validator",
        "processor",
        "api_access",
        "api_execution",
        "waf",
    }


def test_alarms_key_trusts_cloudwatch_for_the_alarm_topic(root: Module) -> None:
    (cloudwatch,) = [s for s in key_policy(root, "alarms") if principals_of(s)[0][0] == "Service"]
    assert principals_of(cloudwatch) == [("Service", ["cloudwatch.amazonaws.com"])]
    assert set(actions_of(cloudwatch)) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert conditions_of(cloudwatch) == [
        ("StringEquals", "kms:EncryptionContext:aws:sns:topicArn", ["${local.alarms_topic_arn}"]),
        ("ArnLike", "aws:SourceArn", ["arn:aws:cloudwatch:${local.region}:${local.account_id}:alarm:*"]),
    ]
    assert resolve(root.locals["alarms_topic_arn"].split(":")[-1], root) == "topic-alarms-dev"


def test_data_key_is_used_only_by_the_function_roles_through_services(root: Module) -> None:
    policy = key_policy(root, "data")
    assert not any(p[0] == "Service" for s in policy for p in principals_of(s)), (
        "no service principal on data key"
    )
    (roles,) = [s for s in policy if unwrap(s["sid"]) == "FunctionRolesThroughServices"]
    conditions = {variable: values for _, variable, values in conditions_of(roles)}
    assert conditions["aws:PrincipalArn"] == ["${local.validator_role_arn}", "${local.processor_role_arn}"]
    assert conditions["kms:ViaService"] == ["${local.kms_via_services}"]
    via = root.locals["kms_via_services"]
    assert via.endswith(' : "${service}.${local.region}.amazonaws.com"]}')
    assert re.findall(r"'(\w+)'", via) == ["dynamodb", "sqs", "sns", "secretsmanager", "lambda"]
    for name in ("validator", "processor"):
        built = resolve(root.locals[f"{name}_role_arn"].split("/")[-1], root)
        assert built == resolve(unwrap(root.modules[name]["role_name"]), root)
    (account,) = [s for s in policy if unwrap(s["sid"]) == "AccountUseThroughStackServices"]
    assert ("StringEquals", "kms:CallerAccount", ["${local.account_id}"]) in conditions_of(account)
    via = {
        v for _, variable, values in conditions_of(account) if variable == "kms:ViaService" for v in values
    }
    assert {resolve(v, root).split(".")[0] for v in via} == {"dynamodb", "lambda", "secretsmanager", "sqs"}
    for statement in policy:
        if unwrap(statement["sid"]) != "AccountKeyAdministration":
            assert "kms:ViaService" in {variable for _, variable, _ in conditions_of(statement)}


def test_every_encrypted_resource_uses_a_stack_key(root: Module, function_module: Module) -> None:
    expected = {
        ("aws_dynamodb_table", "webhooks"): None,
        ("aws_sqs_queue", "webhooks"): "kms_master_key_id",
        ("aws_sqs_queue", "webhooks_dlq"): "kms_master_key_id",
        ("aws_sns_topic", "events"): "kms_master_key_id",
        ("aws_sns_topic", "alarms"): "kms_master_key_id",
        ("aws_secretsmanager_secret", "signing"): "kms_key_id",
    }
    for (kind, name), attribute in expected.items():
        conf = root.resource(kind, name)
        value = (
            unwrap(conf[attribute]) if attribute else unwrap(conf["server_side_encryption"][0]["kms_key_arn"])
        )
        assert re.fullmatch(r"\$\{aws_kms_key\.(data|alarms)\.arn\}", value), (kind, name)
    for kind in ("aws_sqs_queue", "aws_sns_topic", "aws_dynamodb_table", "aws_secretsmanager_secret"):
        assert {n for k, n in expected if k == kind} == set(root.of_type(kind)), f"unchecked {kind}"


def test_every_log_group_is_cmk_encrypted_with_7_day_retention(root: Module, function_module: Module) -> None:
    log_groups = root.of_type("aws_cloudwatch_log_group")
    assert set(log_groups) == {"api_access", "api_execution", "waf"}
    for name, conf in log_groups.items():
        assert unwrap(conf["kms_key_id"]) == "${aws_kms_key.logs.arn}", name
        assert unwrap(conf["retention_in_days"]) == "${var.log_retention_in_days}", name
        assert unwrap(conf["name"]) == f"${{local.log_group_names.{name}}}"
    module_group = function_module.resource("aws_cloudwatch_log_group", "this")
    assert unwrap(module_group["kms_key_id"]) == "${var.log_kms_key_arn}"
    assert root.default("log_retention_in_days") == 7


def test_one_role_per_function_and_only_inline_policies(root: Module, function_module: Module) -> None:
    assert set(function_module.of_type("aws_iam_role")) == {"this"}
    assert set(root.of_type("aws_iam_role")) == {"api_gateway_cloudwatch"}
    assert set(function_module.of_type("aws_iam_role_policy")) == {"logs", "tracing"}
    by_role: dict[str, set[str]] = {}
    for conf in root.of_type("aws_iam_role_policy").values():
        by_role.setdefault(unwrap(conf["role"]), set()).add(unwrap(conf["name"]))
    assert by_role["${module.validator.role_name}"] == {"table", "queue", "secret", "kms"}
    assert by_role["${module.processor.role_name}"] == {"table", "queue", "topic", "kms"}


def test_function_trust_policy_is_lambda_for_this_account(function_module: Module) -> None:
    (trust,) = statements(function_module.policy_document("assume_role"))
    assert actions_of(trust) == ["sts:AssumeRole"]
    assert principals_of(trust) == [("Service", ["lambda.amazonaws.com"])]
    assert conditions_of(trust) == [
        ("StringEquals", "aws:SourceAccount", ["${data.aws_caller_identity.current.account_id}"])
    ]


@pytest.mark.parametrize("module_name", ["root", "function"])
def test_identity_policies_are_least_privilege(
    root: Module, function_module: Module, module_name: str
) -> None:
    module = root if module_name == "root" else function_module
    documents = documents_attached_to_roles(module)
    assert documents
    for policy_name, document in documents.items():
        for statement in document:
            assert unwrap(statement.get("sid", [""])), policy_name
            assert unwrap(statement["effect"]) == "Allow"
            assert not {"not_actions", "not_resources", "not_principals"} & set(statement)
            actions = actions_of(statement)
            assert actions and not any(is_wildcard_action(a) for a in actions), (policy_name, actions)
            resources = unwrap(statement["resources"])
            resources = resources if isinstance(resources, list) else [resources]
            if "*" in resources:
                assert set(actions) <= XRAY_ONLY_WILDCARD, (policy_name, actions)


def test_xray_wildcard_is_commented_with_a_link(function_module: Module) -> None:
    text = function_module.texts["main.tf"]
    assert re.search(r"#.*X-Ray.*\n\s*#.*https://docs\.aws\.amazon\.com/\S*x-?ray", text)


def test_exact_actions_per_concern(root: Module, function_module: Module) -> None:
    def actions(module: Module, document: str) -> set[str]:
        return {a for s in statements(module.policy_document(document)) for a in actions_of(s)}

    assert actions(root, "validator_table") == {"dynamodb:PutItem"}
    assert actions(root, "validator_queue") == {"sqs:SendMessage"}
    assert actions(root, "validator_secret") == {"secretsmanager:GetSecretValue"}
    assert actions(root, "processor_table") == {"dynamodb:BatchGetItem", "dynamodb:PartiQLUpdate"}
    assert actions(root, "processor_queue") == {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
    }
    assert actions(root, "processor_topic") == {"sns:Publish"}
    assert actions(function_module, "logs") == {"logs:CreateLogStream", "logs:PutLogEvents"}
    assert actions(function_module, "tracing") == XRAY_ONLY_WILDCARD


def test_identity_kms_statements_go_through_services(root: Module) -> None:
    for document in ("validator_kms", "processor_kms"):
        for statement in statements(root.policy_document(document)):
            assert "kms:ViaService" in {variable for _, variable, _ in conditions_of(statement)}
            assert unwrap(statement["resources"]) != "*"


def test_every_policy_statement_everywhere_has_a_sid(root: Module, function_module: Module) -> None:
    for module in (root, function_module):
        for (kind, name), conf in module.data.items():
            if kind == "aws_iam_policy_document":
                for statement in statements(conf):
                    assert unwrap(statement.get("sid", [""])), f"{module.path}: {name}"
                    if unwrap(statement["effect"]) == "Allow":
                        assert not any(is_wildcard_action(a) for a in actions_of(statement, module.locals)), (
                            name
                        )
