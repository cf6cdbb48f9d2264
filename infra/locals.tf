locals {
  # The stack is single-region by design: the ACM certificate, the REGIONAL WAF scope and the
  # CloudWatch Logs service principal in the logs key policy all assume us-east-1.
  region     = "us-east-1"
  account_id = data.aws_caller_identity.current.account_id

  tags = {
    Project            = "payhooks"
    Environment        = var.environment_suffix
    DataClassification = "pci-cardholder-data"
    ManagedBy          = "terraform"
  }

  # One source of truth for names: resource-type-<suffix>.
  names = {
    data_key            = "kms-data-${var.environment_suffix}"
    logs_key            = "kms-logs-${var.environment_suffix}"
    alarms_key          = "kms-alarms-${var.environment_suffix}"
    table               = "table-webhooks-${var.environment_suffix}"
    queue               = "queue-webhooks-${var.environment_suffix}.fifo"
    dlq                 = "queue-webhooks-dlq-${var.environment_suffix}.fifo"
    events_topic        = "topic-webhook-events-${var.environment_suffix}"
    alarms_topic        = "topic-alarms-${var.environment_suffix}"
    signing_secret      = "secret-webhook-signing-${var.environment_suffix}"
    validator           = "lambda-webhook-validator-${var.environment_suffix}"
    processor           = "lambda-batch-processor-${var.environment_suffix}"
    validator_role      = "role-webhook-validator-${var.environment_suffix}"
    processor_role      = "role-batch-processor-${var.environment_suffix}"
    api                 = "api-webhooks-${var.environment_suffix}"
    api_cloudwatch_role = "role-apigateway-cloudwatch-${var.environment_suffix}"
    web_acl             = "waf-webhooks-${var.environment_suffix}"
  }

  stage_name = "v1"

  log_group_names = {
    validator     = "/aws/lambda/${local.names.validator}"
    processor     = "/aws/lambda/${local.names.processor}"
    api_access    = "/aws/apigateway/${local.names.api}/access"
    api_execution = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.webhooks.id}/${local.stage_name}"
    # WAF only delivers to log groups whose name starts with aws-waf-logs-.
    waf = "aws-waf-logs-${local.names.api}"
  }

  # ARNs built from names (not resource references) so that key policies do not depend on the
  # resources the keys encrypt.
  log_group_arns     = [for name in values(local.log_group_names) : "arn:aws:logs:${local.region}:${local.account_id}:log-group:${name}"]
  validator_role_arn = "arn:aws:iam::${local.account_id}:role/${local.names.validator_role}"
  processor_role_arn = "arn:aws:iam::${local.account_id}:role/${local.names.processor_role}"
  queue_arn          = "arn:aws:sqs:${local.region}:${local.account_id}:${local.names.queue}"
  alarms_topic_arn   = "arn:aws:sns:${local.region}:${local.account_id}:${local.names.alarms_topic}"
  account_root_arn   = "arn:aws:iam::${local.account_id}:root"
  build_dir          = var.lambda_build_dir != "" ? var.lambda_build_dir : "${path.root}/../build"
  kms_via_services   = [for service in ["dynamodb", "sqs", "sns", "secretsmanager", "lambda"] : "${service}.${local.region}.amazonaws.com"]
}
