"""The offline `terraform validate` (policies.tfvalidate): a valid stack passes, each single mistake is
reported once with its file and line, and the real infra/ validates clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policies.tfvalidate import load_schema, validate_directory
from policies.tfvalidate import schema as schema_module
from policies.tfvalidate.schema import ProviderSchema

REPO = Path(__file__).resolve().parents[2]
VALID = Path(__file__).parent / "fixtures_tfvalidate" / "valid"


@pytest.fixture(scope="module")
def schema() -> ProviderSchema:
    return load_schema()


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture, for one mutation per test."""
    return Path(shutil.copytree(VALID, tmp_path / "stack"))


def mutate(root: Path, file: str, old: str, new: str) -> int:
    """Replace `old` (present exactly once) in `file`; returns the line it is on."""
    path = root / file
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} must occur once in {file}"
    path.write_text(text.replace(old, new))
    return text[: text.index(old)].count("\n") + 1


def rendered(root: Path, schema: ProviderSchema) -> list[tuple[str, int, str]]:
    return [(str(f.path.relative_to(root)), f.line, f.message) for f in validate_directory(root, schema)]


def test_schema_knows_resources_data_sources_and_computed_attributes(schema: ProviderSchema) -> None:
    function = schema.resources["aws_lambda_function"]
    assert function.arguments["function_name"] is True
    assert function.arguments["runtime"] is False
    assert function.blocks["tracing_config"].is_block
    assert {"arn", "invoke_arn", "qualified_arn", "id", "function_name"} <= function.attributes
    stage = schema.resources["aws_api_gateway_stage"]
    assert {"invoke_url", "execution_arn", "arn"} <= stage.attributes
    assert "destination_arn" in stage.blocks["access_log_settings"].schema.arguments
    assert "json" in schema.data_sources["aws_iam_policy_document"].attributes
    assert "default_tags" in schema.provider.blocks


def test_valid_stack_has_no_errors(schema: ProviderSchema) -> None:
    assert validate_directory(VALID, schema) == []


MUTATIONS = [
    pytest.param(
        "main.tf",
        "enable_key_rotation     = true",
        "enable_key_rotaton      = true",
        'resource "aws_kms_key" "data": unsupported argument "enable_key_rotaton"; '
        'did you mean "enable_key_rotation"?',
        id="misspelled-argument",
    ),
    pytest.param(
        "main.tf",
        'resource "aws_cloudwatch_log_group" "api"',
        'resource "aws_cloudwatch_loggroup" "api"',
        'unknown resource type "aws_cloudwatch_loggroup"; did you mean "aws_cloudwatch_log_group"?',
        id="unknown-resource-type",
    ),
    pytest.param(
        "main.tf",
        'resource "aws_sns_topic_subscription" "email" {\n  for_each = local.emails\n\n'
        '  topic_arn = aws_sns_topic.alarms.arn\n  protocol  = "email"',
        'resource "aws_sns_topic_subscription" "email" {\n  for_each = local.emails\n\n'
        "  topic_arn = aws_sns_topic.alarms.arn",
        'resource "aws_sns_topic_subscription" "email": missing required argument "protocol"',
        id="missing-required-argument",
    ),
    pytest.param(
        "main.tf",
        '    principals {\n      type        = "AWS"',
        '    principal {\n      type        = "AWS"',
        'data "aws_iam_policy_document" "key" statement: unsupported block type "principal"; '
        'did you mean "principals"?',
        id="unknown-nested-block",
    ),
    pytest.param(
        "main.tf",
        "var.log_retention_in_days",
        "var.log_retention_days",
        'reference to undeclared input variable "log_retention_days"; did you mean "log_retention_in_days"?',
        id="undefined-variable",
    ),
    pytest.param(
        "providers.tf",
        "local.tags",
        "local.tag",
        'reference to undeclared local value "tag"; did you mean "tags"?',
        id="undefined-local",
    ),
    pytest.param(
        "outputs.tf",
        "value       = aws_sns_topic.alarms.arn",
        "value       = aws_sns_topic.alarms.topic_arn",
        '"aws_sns_topic.alarms.topic_arn": aws_sns_topic has no attribute "topic_arn"',
        id="unknown-resource-attribute",
    ),
    pytest.param(
        "outputs.tf",
        "data.aws_caller_identity.current.account_id",
        "data.aws_caller_identity.current.account",
        '"data.aws_caller_identity.current.account": data.aws_caller_identity has no attribute "account"; '
        'did you mean "account_id"?',
        id="unknown-data-attribute",
    ),
    pytest.param(
        "main.tf",
        "local.names.alarm_topic",
        "local.names.alarms_topic",
        '"local.names.alarms_topic": local.names has no attribute "alarms_topic"; '
        'did you mean "alarm_topic"?',
        id="unknown-key-of-a-local-object",
    ),
    pytest.param(
        "main.tf",
        "var.alarm.period_seconds",
        "var.alarm.period_second",
        '"var.alarm.period_second": var.alarm has no attribute "period_second"; '
        'did you mean "period_seconds"?',
        id="unknown-attribute-of-an-object-variable",
    ),
    pytest.param(
        "outputs.tf",
        "module.queue.url",
        "module.queue.urls",
        'module "queue" has no output "urls"; did you mean "url"?',
        id="bad-module-output",
    ),
    pytest.param(
        "main.tf",
        "  name       = local.queues",
        "  visibility = 30\n  name       = local.queues",
        'module "queue": unsupported argument "visibility"',
        id="unknown-module-argument",
    ),
    pytest.param(
        "main.tf",
        "topic_arn = aws_sns_topic.alarms.arn",
        "topic_arn = aws_sns_topic.alerts.arn",
        'reference to undeclared resource "aws_sns_topic.alerts"',
        id="undeclared-resource",
    ),
    pytest.param(
        "main.tf",
        'alarm_name          = "${local.names.dlq_alarm}-${var.environment_suffix}"',
        'alarm_name          = "${local.names.dlq_alarm}-${each.key}"',
        '"each.key" is only valid in a block with for_each',
        id="each-without-for_each",
    ),
    pytest.param(
        "main.tf",
        "  dimensions = {",
        "  dimension = {",
        'resource "aws_cloudwatch_metric_alarm" "dlq": unsupported argument "dimension"; '
        'did you mean "dimensions"?',
        id="misspelled-argument-in-heredoc-resource",
    ),
    pytest.param(
        "main.tf",
        '  dynamic "statement" {',
        '  dynamic "statements" {',
        'data "aws_iam_policy_document" "key": unsupported block type "statements" in dynamic block; '
        'did you mean "statement"?',
        id="unknown-dynamic-block",
    ),
    pytest.param(
        "main.tf",
        'identifiers = ["${service.value}.amazonaws.com"]',
        'identifiers = ["${services.value}.amazonaws.com"]',
        'unknown reference "services.value"',
        id="wrong-dynamic-iterator",
    ),
    pytest.param(
        "modules/queue/main.tf",
        "condition     = var.max_receive_count == 3",
        "condition     = var.max_receive_count == var.visibility",
        'a validation before Terraform 1.9 may only refer to var.max_receive_count, not "var.visibility" '
        "(raise required_version to >= 1.9 to refer to other objects)",
        id="cross-variable-validation-before-1.9",
    ),
    pytest.param(
        "locals.tf",
        "tostring(index) => subscriber.address",
        "tostring(index) => subscriber.address if enabled",
        'unknown reference "enabled"',
        id="unbound-name-in-for-expression",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), MUTATIONS)
def test_single_mistake_is_reported_once_with_its_line(
    stack: Path, schema: ProviderSchema, file: str, old: str, new: str, message: str
) -> None:
    line = mutate(stack, file, old, new)
    assert rendered(stack, schema) == [(file, line, message)]


def test_unknown_data_source_and_the_references_to_it(stack: Path, schema: ProviderSchema) -> None:
    line = mutate(
        stack, "main.tf", 'data "aws_caller_identity" "current"', 'data "aws_caller_identities" "current"'
    )
    undeclared = 'reference to undeclared data source "data.aws_caller_identity.current"'
    assert rendered(stack, schema) == [
        ("main.tf", line, 'unknown data source "aws_caller_identities"; did you mean "aws_caller_identity"?'),
        ("main.tf", 11, undeclared),
        ("outputs.tf", 13, undeclared),
    ]


def test_module_call_missing_required_variable(stack: Path, schema: ProviderSchema) -> None:
    mutate(stack, "main.tf", "  kms_key_id = aws_kms_key.data.arn\n", "")
    assert rendered(stack, schema) == [
        ("main.tf", 45, 'module "queue": missing required argument "kms_key_id"')
    ]


def test_block_written_as_argument(stack: Path, schema: ProviderSchema) -> None:
    line = mutate(
        stack, "modules/queue/main.tf", "  fifo_queue                 = true\n", "  timeouts = {}\n"
    )
    assert rendered(stack, schema) == [
        (
            "modules/queue/main.tf",
            line,
            'resource "aws_sqs_queue" "this": "timeouts" is a block, not an argument: write timeouts { ... }',
        )
    ]


def test_dynamic_block_satisfies_a_required_block(tmp_path: Path, schema: ProviderSchema) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "rules" {\n  type = list(string)\n}\n\n'
        'resource "aws_wafv2_ip_set" "block" {\n'
        '  name               = "blocked"\n'
        '  scope              = "REGIONAL"\n'
        '  ip_address_version = "IPV4"\n'
        "}\n\n"
        'resource "aws_api_gateway_method_settings" "all" {\n'
        '  rest_api_id = "abc"\n'
        '  stage_name  = "live"\n'
        '  method_path = "*/*"\n\n'
        '  dynamic "settings" {\n'
        "    for_each = var.rules\n"
        "    content {\n"
        "      logging_level = settings.value\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    assert rendered(tmp_path, schema) == []
    text = (tmp_path / "main.tf").read_text()
    (tmp_path / "main.tf").write_text(text[: text.index('  dynamic "settings"')] + "}\n")
    assert rendered(tmp_path, schema) == [
        ("main.tf", 11, 'resource "aws_api_gateway_method_settings" "all": missing required block "settings"')
    ]


def test_syntax_error_is_reported_with_its_line(stack: Path, schema: ProviderSchema) -> None:
    line = mutate(stack, "outputs.tf", 'output "account_id" {', 'output "account_id" {\n  value = = 1')
    findings = rendered(stack, schema)
    assert len(findings) == 1
    assert findings[0][:2] == ("outputs.tf", line + 1)
    assert findings[0][2].startswith("HCL syntax error")


def test_cli_prints_file_line_message_and_summary(stack: Path) -> None:
    mutate(stack, "main.tf", "enable_key_rotation     = true", "enable_key_rotaton      = true")
    result = subprocess.run(
        [sys.executable, "-m", "policies.tfvalidate", str(stack)], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr
    first, summary = result.stdout.splitlines()
    assert re.fullmatch(
        rf"{re.escape(str(stack / 'main.tf'))}:34: .*unsupported argument \"enable_key_rotaton\".*", first
    )
    assert summary.startswith(f"1 error(s) in {stack}")


def test_cli_exits_zero_on_a_valid_stack() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "policies.tfvalidate", str(VALID)], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("0 error(s)")


def test_real_infra_validates_clean(schema: ProviderSchema) -> None:
    infra = REPO / "infra"
    assert any(infra.glob("*.tf")), "infra/ holds no Terraform root module"
    findings = validate_directory(infra, schema)
    assert [f.render() for f in findings] == []


def test_blocks_too_deep_for_the_schema_are_open_but_their_references_checked(
    tmp_path: Path, schema: ProviderSchema
) -> None:
    # jsii types aws_wafv2_web_acl's recursive `statement` block as `any`.
    (tmp_path / "main.tf").write_text(
        'resource "aws_wafv2_web_acl" "api" {\n'
        '  name  = "waf"\n'
        '  scope = "REGIONAL"\n'
        "  default_action {\n"
        "    allow {}\n"
        "  }\n"
        "  rule {\n"
        '    name     = "common"\n'
        "    priority = 1\n"
        "    override_action {\n"
        "      none {}\n"
        "    }\n"
        "    statement {\n"
        "      managed_rule_group_statement {\n"
        '        name        = "AWSManagedRulesCommonRuleSet"\n'
        '        vendor_name = "AWS"\n'
        "        scope_down_statement {\n"
        "          rate_limit = var.rate_limit\n"
        "        }\n"
        "      }\n"
        "    }\n"
        "    visibility_config {\n"
        "      cloudwatch_metrics_enabled = true\n"
        '      metric_name                = "common"\n'
        "      sampled_requests_enabled   = true\n"
        "    }\n"
        "  }\n"
        "  visibility_config {\n"
        "    cloudwatch_metrics_enabled = true\n"
        '    metric_name                = "waf"\n'
        "    sampled_requests_enabled   = true\n"
        "  }\n"
        "}\n"
    )
    assert rendered(tmp_path, schema) == [
        ("main.tf", 18, 'reference to undeclared input variable "rate_limit"')
    ]


def test_framework_nested_attribute_is_not_a_block(tmp_path: Path, schema: ProviderSchema) -> None:
    nested = schema.resources["aws_s3tables_table"].blocks["encryption_configuration"]
    assert not nested.is_block
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3tables_table" "t" {\n'
        '  name             = "t"\n'
        '  namespace        = "n"\n'
        '  table_bucket_arn = "arn"\n'
        '  format           = "ICEBERG"\n'
        "  encryption_configuration {\n"
        '    sse_algorithm = "aws:kms"\n'
        "  }\n"
        "}\n"
    )
    assert rendered(tmp_path, schema) == [
        (
            "main.tf",
            6,
            'resource "aws_s3tables_table" "t": "encryption_configuration" is an argument, not a block: '
            "write encryption_configuration = ...",
        )
    ]


def test_schema_is_derived_once_per_assembly_then_read_from_the_cache(
    tmp_path: Path, schema: ProviderSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    derived = load_schema(cache_dir=tmp_path)
    assert len(list(tmp_path.glob("aws-*-v*.json"))) == 1
    assert derived.resources.keys() == schema.resources.keys()

    def derive_again(assembly: object) -> None:
        raise AssertionError("the cached schema must be used")

    monkeypatch.setattr(schema_module, "derive_compact", derive_again)
    assert load_schema(cache_dir=tmp_path) == derived


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('version = "~> 6.0"', 'version = "~> 6.0"', None),
        ('version = "~> 6.0"', 'version = ">= 5.0, < 7.0"', None),
        ('version = "~> 6.0"', 'version = "~> 5.0"', 'aws version "~> 5.0" excludes {version}'),
        ('version = "~> 6.0"', 'version = "< 6.0"', 'aws version "< 6.0" excludes {version}'),
        ('version = "~> 6.0"', 'version = "~> 6.24.1"', 'aws version "~> 6.24.1" excludes {version}'),
        ('source  = "hashicorp/aws"', 'sourse  = "hashicorp/aws"', 'unsupported key "sourse" for aws'),
    ],
)
def test_required_providers_keys_and_aws_version(
    stack: Path, schema: ProviderSchema, old: str, new: str, message: str | None
) -> None:
    assert schema.version.startswith("6.")
    mutate(stack, "terraform.tf", old, new)
    findings = rendered(stack, schema)
    if message is None:
        assert findings == []
    else:
        (finding,) = findings
        assert finding[:2] == ("terraform.tf", 5)  # the `aws = {` line
        assert finding[2].startswith(f"required_providers: {message.format(version=schema.version)}")


def test_references_into_nested_objects_are_checked(tmp_path: Path, schema: ProviderSchema) -> None:
    main = tmp_path / "main.tf"
    main.write_text(
        'resource "aws_lambda_function" "f" {\n'
        '  function_name = "f"\n'
        '  role          = "arn:aws:iam::123456789012:role/f"\n'
        "  logging_config {\n"
        '    log_format = "JSON"\n'
        "  }\n"
        "}\n\n"
        'data "aws_eks_cluster" "c" {\n'
        '  name = "c"\n'
        "}\n\n"
        'output "log_group" {\n'
        "  value = aws_lambda_function.f.logging_config[0].log_group\n"
        "}\n\n"
        'output "issuer" {\n'
        "  value = data.aws_eks_cluster.c.identity[0].oidc[0].issuer\n"
        "}\n\n"
        'output "tag" {\n'
        '  value = aws_lambda_function.f.tags_all["Name"]\n'
        "}\n"
    )
    assert rendered(tmp_path, schema) == []
    main.write_text(main.read_text().replace("].log_group", "].log_grup").replace("].issuer", "].issuers"))
    assert rendered(tmp_path, schema) == [
        (
            "main.tf",
            14,
            '"aws_lambda_function.f.logging_config[...].log_grup": aws_lambda_function.logging_config '
            'has no attribute "log_grup"; did you mean "log_group"?',
        ),
        (
            "main.tf",
            18,
            '"data.aws_eks_cluster.c.identity[...].oidc[...].issuers": data.aws_eks_cluster.identity.oidc '
            'has no attribute "issuers"; did you mean "issuer"?',
        ),
    ]
