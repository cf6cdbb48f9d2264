"""Layout, versions, provider, naming and hygiene of the Terraform stack in infra/."""

from __future__ import annotations

import re

import pytest
from stack_hcl import INFRA, Module, block, expr, iter_strings, resolve, unwrap, validation_accepts

SUFFIX_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*-dev(\.fifo)?$")


@pytest.mark.parametrize(
    "path",
    [
        "terraform.tf",
        "providers.tf",
        "variables.tf",
        "outputs.tf",
        "locals.tf",
        "main.tf",
        "modules/function/main.tf",
        "modules/function/variables.tf",
        "modules/function/outputs.tf",
        "examples/dev.tfvars",
        "examples/backend.hcl.example",
        "README.md",
    ],
)
def test_stack_files_exist(path: str) -> None:
    assert (INFRA / path).is_file()


def test_terraform_and_provider_versions(root: Module) -> None:
    (terraform,) = root.terraform
    assert unwrap(terraform["required_version"]) == ">= 1.6.0"
    aws = unwrap(block(terraform["required_providers"])["aws"])
    assert aws == {"source": "hashicorp/aws", "version": "~> 6.0"}


def test_provider_region_is_us_east_1_with_default_tags(root: Module) -> None:
    (provider,) = root.providers
    aws = provider["aws"]
    assert resolve(unwrap(aws["region"]), root) == "us-east-1"
    tags = unwrap(block(aws["default_tags"])["tags"])
    assert expr(tags) == "local.tags"
    assert {"Project", "Environment", "DataClassification"} <= set(root.locals["tags"])
    assert root.locals["tags"]["Environment"] == "${var.environment_suffix}"


def test_function_module_serves_both_lambdas(root: Module) -> None:
    assert {name: unwrap(m["source"]) for name, m in root.modules.items()} == {
        "validator": "./modules/function",
        "processor": "./modules/function",
    }
    assert root.of_type("aws_lambda_function") == {}


def test_no_prevent_destroy_anywhere(modules: list[Module]) -> None:
    for module in modules:
        assert "prevent_destroy" not in module.all_text()
        for conf in module.resources.values():
            for lifecycle in conf.get("lifecycle", []):
                assert "prevent_destroy" not in lifecycle


def test_no_placeholders_left() -> None:
    for path in INFRA.rglob("*"):
        if path.is_file():
            assert not re.search(r"\b(TODO|FIXME|XXX|TBD)\b", path.read_text()), path


def test_no_managed_policy_attachments(modules: list[Module]) -> None:
    for module in modules:
        kinds = {kind for kind, _ in module.resources}
        assert not kinds & {
            "aws_iam_role_policy_attachment",
            "aws_iam_policy_attachment",
            "aws_iam_user_policy_attachment",
            "aws_iam_group_policy_attachment",
            "aws_iam_policy",
        }
        for conf in module.of_type("aws_iam_role").values():
            assert "managed_policy_arns" not in conf
            assert "inline_policy" not in conf
        assert not any(
            "arn:aws:iam::aws:policy" in s for c in module.resources.values() for s in iter_strings(c)
        )


def test_every_variable_is_typed_and_described(modules: list[Module]) -> None:
    for module in modules:
        assert module.variables
        for name, spec in module.variables.items():
            assert unwrap(spec.get("type", [""])).startswith("${"), f"{module.path}: {name} has no type"
            assert len(unwrap(spec.get("description", [""]))) > 20, f"{module.path}: {name} is not described"


def test_every_output_is_described(modules: list[Module]) -> None:
    for module in modules:
        assert module.outputs
        for name, spec in module.outputs.items():
            assert len(unwrap(spec.get("description", [""]))) > 10, f"{module.path}: output {name}"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("validator", "lambda-webhook-validator-dev"),
        ("processor", "lambda-batch-processor-dev"),
        ("queue", "queue-webhooks-dev.fifo"),
        ("dlq", "queue-webhooks-dlq-dev.fifo"),
        ("table", "table-webhooks-dev"),
        ("events_topic", "topic-webhook-events-dev"),
        ("alarms_topic", "topic-alarms-dev"),
    ],
)
def test_names_follow_resource_type_suffix(root: Module, key: str, expected: str) -> None:
    assert resolve(root.locals["names"][key], root) == expected


def test_every_named_resource_uses_the_pattern(root: Module) -> None:
    named = {
        "aws_dynamodb_table": "name",
        "aws_sqs_queue": "name",
        "aws_sns_topic": "name",
        "aws_secretsmanager_secret": "name",  # pragma: allowlist secret
        "aws_api_gateway_rest_api": "name",
        "aws_wafv2_web_acl": "name",
        "aws_iam_role": "name",
        "aws_cloudwatch_metric_alarm": "alarm_name",
    }
    checked = 0
    for (kind, name), conf in root.resources.items():
        if kind not in named:
            continue
        value = unwrap(conf[named[kind]])
        if "${each.key}" in value:
            keys = list(root.locals["function_alarms"])
            values = [value.replace("${each.key}", key) for key in keys]
        else:
            values = [value]
        for candidate in values:
            assert SUFFIX_PATTERN.match(resolve(candidate, root)), f"{kind}.{name}: {candidate}"
            checked += 1
    for call in root.modules.values():
        for argument in ("function_name", "role_name"):
            assert SUFFIX_PATTERN.match(resolve(unwrap(call[argument]), root))
            checked += 1
    assert checked >= 19


def test_kms_aliases_follow_the_pattern(root: Module) -> None:
    aliases = root.of_type("aws_kms_alias")
    assert set(aliases) == {"data", "logs", "alarms"}
    for conf in aliases.values():
        alias = resolve(unwrap(conf["name"]), root)
        assert alias.startswith("alias/") and SUFFIX_PATTERN.match(alias.removeprefix("alias/"))


@pytest.mark.parametrize("good", ["dev", "prod", "stg2", "pr-12"])
def test_environment_suffix_accepts_short_lowercase(root: Module, good: str) -> None:
    assert validation_accepts(root, "environment_suffix", good)


@pytest.mark.parametrize("bad", ["", "d", "Dev", "dev_1", "-dev", "dev-", "abcdefghijklm", "1dev"])
def test_environment_suffix_rejects_others(root: Module, bad: str) -> None:
    assert not validation_accepts(root, "environment_suffix", bad)
