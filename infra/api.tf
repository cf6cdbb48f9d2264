resource "aws_api_gateway_rest_api" "webhooks" {
  name                         = local.names.api
  description                  = "payhooks ${var.environment_suffix}: payment webhook receiver"
  disable_execute_api_endpoint = var.disable_execute_api_endpoint

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "webhooks" {
  rest_api_id = aws_api_gateway_rest_api.webhooks.id
  parent_id   = aws_api_gateway_rest_api.webhooks.root_resource_id
  path_part   = "webhooks"
}

# No API Gateway authorizer: payment processors cannot send AWS credentials or tokens; the validator
# authenticates every request by its HMAC signature and rejects unsigned ones with 401.
resource "aws_api_gateway_method" "webhooks_post" {
  rest_api_id   = aws_api_gateway_rest_api.webhooks.id
  resource_id   = aws_api_gateway_resource.webhooks.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "validator" {
  rest_api_id             = aws_api_gateway_rest_api.webhooks.id
  resource_id             = aws_api_gateway_resource.webhooks.id
  http_method             = aws_api_gateway_method.webhooks_post.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.validator.invoke_arn
}

resource "aws_lambda_permission" "api_invoke_validator" {
  statement_id  = "AllowApiGatewayPostWebhooks"
  action        = "lambda:InvokeFunction"
  function_name = module.validator.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.webhooks.execution_arn}/${local.stage_name}/POST/webhooks"
}

resource "aws_api_gateway_deployment" "webhooks" {
  rest_api_id = aws_api_gateway_rest_api.webhooks.id
  description = "payhooks ${var.environment_suffix}"

  # Redeploy whenever the API definition changes.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.webhooks,
      aws_api_gateway_method.webhooks_post,
      aws_api_gateway_integration.validator,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = local.log_group_names.api_access
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.logs.arn
}

# API Gateway would otherwise create the execution log group itself, without retention or CMK.
resource "aws_cloudwatch_log_group" "api_execution" {
  name              = local.log_group_names.api_execution
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.logs.arn
}

resource "aws_api_gateway_stage" "webhooks" {
  rest_api_id          = aws_api_gateway_rest_api.webhooks.id
  deployment_id        = aws_api_gateway_deployment.webhooks.id
  stage_name           = local.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      requestTime        = "$context.requestTime"
      sourceIp           = "$context.identity.sourceIp"
      userAgent          = "$context.identity.userAgent"
      domainName         = "$context.domainName"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      protocol           = "$context.protocol"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integration.status"
      integrationLatency = "$context.integration.latency"
      integrationError   = "$context.integration.error"
      wafResponseCode    = "$context.wafResponseCode"
      webAclArn          = "$context.webaclArn"
      xrayTraceId        = "$context.xrayTraceId"
    })
  }

  # The stage goes live only once execution logging can work and the validator holds all its permissions.
  depends_on = [
    aws_api_gateway_account.this,
    aws_cloudwatch_log_group.api_execution,
    aws_iam_role_policy.validator_table,
    aws_iam_role_policy.validator_queue,
    aws_iam_role_policy.validator_secret,
    aws_iam_role_policy.validator_kms,
  ]
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.webhooks.id
  stage_name  = aws_api_gateway_stage.webhooks.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = var.api_logging_level
    data_trace_enabled     = false # would write request bodies (possible cardholder data) to the logs
    throttling_burst_limit = var.api_throttling_burst_limit
    throttling_rate_limit  = var.api_throttling_rate_limit
  }

  lifecycle {
    precondition {
      condition     = var.api_throttling_burst_limit >= var.api_throttling_rate_limit
      error_message = "api_throttling_burst_limit must be at least api_throttling_rate_limit."
    }
  }
}

# --- Custom domain -------------------------------------------------------------------------------------------

resource "aws_api_gateway_domain_name" "webhooks" {
  domain_name              = var.domain_name
  regional_certificate_arn = var.certificate_arn
  security_policy          = "TLS_1_2"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_base_path_mapping" "webhooks" {
  api_id      = aws_api_gateway_rest_api.webhooks.id
  stage_name  = aws_api_gateway_stage.webhooks.stage_name
  domain_name = aws_api_gateway_domain_name.webhooks.domain_name
}

resource "aws_route53_record" "webhooks" {
  count = var.hosted_zone_id != "" ? 1 : 0

  zone_id = var.hosted_zone_id
  name    = aws_api_gateway_domain_name.webhooks.domain_name
  type    = "A"

  alias {
    name                   = aws_api_gateway_domain_name.webhooks.regional_domain_name
    zone_id                = aws_api_gateway_domain_name.webhooks.regional_zone_id
    evaluate_target_health = false
  }
}

# --- Account-wide CloudWatch Logs role ----------------------------------------------------------------------
# aws_api_gateway_account is account-wide, a singleton per account and region: it sets the role every REST API in
# the account uses to write execution and access logs, and destroying it (provider 6.x) resets that setting for all
# of them. Turn manage_api_gateway_account off when another stack owns it.

data "aws_iam_policy_document" "api_gateway_assume_role" {
  statement {
    sid     = "ApiGatewayAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }

    # No aws:SourceAccount/SourceArn condition: AWS's documented trust policy for this role has none, and a key
    # API Gateway does not send makes aws_api_gateway_account fail at apply ("role ARN does not have required
    # permissions"). The role is only attached to this account's API Gateway setting.
  }
}

resource "aws_iam_role" "api_gateway_cloudwatch" {
  count = var.manage_api_gateway_account ? 1 : 0

  name               = local.names.api_cloudwatch_role
  description        = "Account-wide API Gateway role for writing execution and access logs"
  assume_role_policy = data.aws_iam_policy_document.api_gateway_assume_role.json
}

data "aws_iam_policy_document" "api_gateway_cloudwatch" {
  statement {
    sid    = "WriteApiGatewayLogGroups"
    effect = "Allow"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    resources = [
      "arn:aws:logs:${local.region}:${local.account_id}:log-group:API-Gateway-Execution-Logs_*",
      "arn:aws:logs:${local.region}:${local.account_id}:log-group:API-Gateway-Execution-Logs_*:log-stream:*",
      aws_cloudwatch_log_group.api_access.arn,
      "${aws_cloudwatch_log_group.api_access.arn}:*",
      # API Gateway writes a first event to this group when the account setting is applied.
      "arn:aws:logs:${local.region}:${local.account_id}:log-group:/aws/apigateway/welcome",
      "arn:aws:logs:${local.region}:${local.account_id}:log-group:/aws/apigateway/welcome:log-stream:*",
    ]
  }

  # DescribeLogGroups is authorised on the log-group:* form, not on individual groups.
  statement {
    sid       = "DescribeLogGroups"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:aws:logs:${local.region}:${local.account_id}:log-group:*"]
  }
}

resource "aws_iam_role_policy" "api_gateway_cloudwatch" {
  count = var.manage_api_gateway_account ? 1 : 0

  name   = "logs"
  role   = aws_iam_role.api_gateway_cloudwatch[0].id
  policy = data.aws_iam_policy_document.api_gateway_cloudwatch.json
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_api_gateway_account ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.api_gateway_cloudwatch[0].arn

  depends_on = [aws_iam_role_policy.api_gateway_cloudwatch]
}
