"""API Gateway (REST, stage, logging, throttling, custom domain, DNS, account role) and the WAFv2 web ACL."""

from __future__ import annotations

import re

from stack_hcl import Module, block, conditions_of, expr, principals_of, statements, unwrap


def test_regional_rest_api_with_post_webhooks_without_authorizer(root: Module) -> None:
    api = root.resource("aws_api_gateway_rest_api", "webhooks")
    assert unwrap(block(api["endpoint_configuration"])["types"]) == ["REGIONAL"]
    resource = root.resource("aws_api_gateway_resource", "webhooks")
    assert unwrap(resource["path_part"]) == "webhooks"
    assert unwrap(resource["parent_id"]) == "${aws_api_gateway_rest_api.webhooks.root_resource_id}"
    method = root.resource("aws_api_gateway_method", "webhooks_post")
    assert unwrap(method["http_method"]) == "POST"
    assert unwrap(method["authorization"]) == "NONE"
    assert len(root.of_type("aws_api_gateway_method")) == 1


def test_aws_proxy_integration_to_the_validator(root: Module) -> None:
    integration = root.resource("aws_api_gateway_integration", "validator")
    assert unwrap(integration["type"]) == "AWS_PROXY"
    assert unwrap(integration["integration_http_method"]) == "POST"
    assert unwrap(integration["uri"]) == "${module.validator.invoke_arn}"


def test_lambda_permission_is_scoped_to_post_webhooks_of_this_api(root: Module) -> None:
    permission = root.resource("aws_lambda_permission", "api_invoke_validator")
    assert unwrap(permission["principal"]) == "apigateway.amazonaws.com"
    assert unwrap(permission["action"]) == "lambda:InvokeFunction"
    assert unwrap(permission["function_name"]) == "${module.validator.function_name}"
    assert unwrap(permission["source_arn"]) == (
        "${aws_api_gateway_rest_api.webhooks.execution_arn}/${local.stage_name}/POST/webhooks"
    )


def test_deployment_redeploys_on_change_and_is_created_before_destroy(root: Module) -> None:
    deployment = root.resource("aws_api_gateway_deployment", "webhooks")
    trigger = expr(unwrap(deployment["triggers"])["redeployment"])
    assert trigger.startswith("sha1(jsonencode([")
    for referenced in (
        "aws_api_gateway_resource.webhooks",
        "aws_api_gateway_method.webhooks_post",
        "aws_api_gateway_integration.validator",
    ):
        assert referenced in trigger
    (lifecycle,) = deployment["lifecycle"]
    assert unwrap(lifecycle["create_before_destroy"]) is True


def test_stage_traces_and_writes_json_access_logs_to_cmk_log_group(root: Module) -> None:
    stage = root.resource("aws_api_gateway_stage", "webhooks")
    assert unwrap(stage["xray_tracing_enabled"]) is True
    settings = block(stage["access_log_settings"])
    assert unwrap(settings["destination_arn"]) == "${aws_cloudwatch_log_group.api_access.arn}"
    log_format = expr(unwrap(settings["format"]))
    assert log_format.startswith("jsonencode({")
    fields = dict(re.findall(r"'(\w+)': '(\$context\.[\w.]+)'", log_format))
    assert {"requestId", "sourceIp", "status", "httpMethod", "resourcePath", "requestTime"} <= set(fields)
    assert fields["requestId"] == "$context.requestId"
    assert "$context.requestBody" not in log_format
    access = root.resource("aws_cloudwatch_log_group", "api_access")
    assert unwrap(access["kms_key_id"]) == "${aws_kms_key.logs.arn}"
    depends_on = unwrap(stage["depends_on"])
    assert "${aws_api_gateway_account.this}" in depends_on
    for concern in ("table", "queue", "secret", "kms"):
        assert f"${{aws_iam_role_policy.validator_{concern}}}" in depends_on, concern


def test_method_settings_metrics_logging_no_data_trace_and_throttling(root: Module) -> None:
    settings_resource = root.resource("aws_api_gateway_method_settings", "all")
    assert unwrap(settings_resource["method_path"]) == "*/*"
    settings = block(settings_resource["settings"])
    assert unwrap(settings["metrics_enabled"]) is True
    assert unwrap(settings["data_trace_enabled"]) is False
    assert unwrap(settings["logging_level"]) == "${var.api_logging_level}"
    assert root.default("api_logging_level") in ("ERROR", "INFO")
    assert unwrap(settings["throttling_burst_limit"]) == "${var.api_throttling_burst_limit}"
    assert unwrap(settings["throttling_rate_limit"]) == "${var.api_throttling_rate_limit}"
    rate, burst = root.default("api_throttling_rate_limit"), root.default("api_throttling_burst_limit")
    # Sized for the validator's 100 reserved concurrency: even at 1 s per request the steady rate fits.
    assert rate * 1.0 <= root.default("lambda_reserved_concurrency")
    assert burst >= rate


def test_custom_domain_is_regional_tls12_with_base_path_mapping(root: Module) -> None:
    domain = root.resource("aws_api_gateway_domain_name", "webhooks")
    assert unwrap(domain["regional_certificate_arn"]) == "${var.certificate_arn}"
    assert unwrap(domain["security_policy"]) in ("TLS_1_2", "SecurityPolicy_TLS13_1_2_2021_06")
    assert unwrap(block(domain["endpoint_configuration"])["types"]) == ["REGIONAL"]
    assert "certificate_arn" not in domain
    mapping = root.resource("aws_api_gateway_base_path_mapping", "webhooks")
    assert unwrap(mapping["api_id"]) == "${aws_api_gateway_rest_api.webhooks.id}"
    assert unwrap(mapping["stage_name"]) == "${aws_api_gateway_stage.webhooks.stage_name}"
    assert unwrap(mapping["domain_name"]) == "${aws_api_gateway_domain_name.webhooks.domain_name}"


def test_route53_alias_only_when_a_zone_is_given(root: Module) -> None:
    record = root.resource("aws_route53_record", "webhooks")
    assert unwrap(record["count"]) == '${var.hosted_zone_id != "" ? 1 : 0}'
    assert root.default("hosted_zone_id") == ""
    alias = block(record["alias"])
    assert unwrap(alias["name"]) == "${aws_api_gateway_domain_name.webhooks.regional_domain_name}"
    assert unwrap(alias["zone_id"]) == "${aws_api_gateway_domain_name.webhooks.regional_zone_id}"
    assert unwrap(record["type"]) == "A"


def test_account_cloudwatch_role_behind_a_switch(root: Module) -> None:
    account = root.resource("aws_api_gateway_account", "this")
    assert unwrap(account["count"]) == "${var.manage_api_gateway_account ? 1 : 0}"
    assert unwrap(account["cloudwatch_role_arn"]) == "${aws_iam_role.api_gateway_cloudwatch[0].arn}"
    for kind, name in (
        ("aws_iam_role", "api_gateway_cloudwatch"),
        ("aws_iam_role_policy", "api_gateway_cloudwatch"),
    ):
        assert unwrap(root.resource(kind, name)["count"]) == "${var.manage_api_gateway_account ? 1 : 0}"
    (trust,) = statements(root.policy_document("api_gateway_assume_role"))
    assert principals_of(trust) == [("Service", ["apigateway.amazonaws.com"])]
    # No condition: an unsupported key would make aws_api_gateway_account fail at apply.
    assert not conditions_of(trust)
    write, describe = statements(root.policy_document("api_gateway_cloudwatch"))
    assert "logs:DescribeLogGroups" not in unwrap(write["actions"])
    welcome = "arn:aws:logs:${local.region}:${local.account_id}:log-group:/aws/apigateway/welcome"
    assert {welcome, welcome + ":log-stream:*"} <= set(unwrap(write["resources"]))
    assert unwrap(describe["sid"]) == "DescribeLogGroups"
    assert unwrap(describe["actions"]) == ["logs:DescribeLogGroups"]
    assert unwrap(describe["resources"]) == ["arn:aws:logs:${local.region}:${local.account_id}:log-group:*"]
    assert "account-wide" in root.texts["api.tf"].lower()


def test_waf_acl_has_managed_rules_and_rate_limit_and_is_associated(root: Module) -> None:
    acl = root.resource("aws_wafv2_web_acl", "api")
    assert unwrap(acl["count"]) == "${var.waf_enabled ? 1 : 0}"
    assert unwrap(acl["scope"]) == "REGIONAL"
    managed, rate_limits = set(), []
    for rule in acl["rule"]:
        statement = block(rule["statement"])
        if "managed_rule_group_statement" in statement:
            group = block(statement["managed_rule_group_statement"])
            assert unwrap(group["vendor_name"]) == "AWS"
            managed.add(unwrap(group["name"]))
            assert "none" in block(rule["override_action"])
        if "rate_based_statement" in statement:
            rate = block(statement["rate_based_statement"])
            rate_limits.append(unwrap(rate["limit"]))
            assert unwrap(rate["aggregate_key_type"]) == "IP"
            assert "block" in block(rule["action"])
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= managed
    assert rate_limits == ["${var.waf_rate_limit_per_5_minutes}"]
    priorities = [unwrap(rule["priority"]) for rule in acl["rule"]]
    assert len(set(priorities)) == len(priorities)
    association = root.resource("aws_wafv2_web_acl_association", "api")
    assert unwrap(association["resource_arn"]) == "${aws_api_gateway_stage.webhooks.arn}"
    assert unwrap(association["web_acl_arn"]) == "${aws_wafv2_web_acl.api[0].arn}"
    assert unwrap(association["count"]) == "${var.waf_enabled ? 1 : 0}"
    assert root.default("waf_enabled") is True


def test_waf_logs_to_cmk_log_group_with_signatures_redacted(root: Module) -> None:
    logging = root.resource("aws_wafv2_web_acl_logging_configuration", "api")
    assert unwrap(logging["log_destination_configs"]) == ["${aws_cloudwatch_log_group.waf[0].arn}"]
    redacted = {unwrap(block(f["single_header"])["name"]) for f in logging["redacted_fields"]}
    assert redacted == {"stripe-signature", "webhook-signature"}
    assert root.locals["log_group_names"]["waf"].startswith("aws-waf-logs-")
