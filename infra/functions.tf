# Signing secret: Terraform creates the container only. Its value (JSON, scheme -> list of active secrets) is
# set by operators with `aws secretsmanager put-secret-value` (README), so it never enters Terraform state.
# An existing secret is adopted with `terraform import` rather than passed in as an ARN: a variable ARN would
# leave the validator's IAM resource unverifiable for the policy gate.
resource "aws_secretsmanager_secret" "signing" {
  name                    = local.names.signing_secret
  description             = "payhooks ${var.environment_suffix}: webhook signing secrets, JSON mapping each scheme to its active secrets"
  kms_key_id              = aws_kms_key.data.arn
  recovery_window_in_days = var.secret_recovery_window_in_days
}

# Only the validator reads the signing secrets; operators write new versions but cannot read them back.
data "aws_iam_policy_document" "signing_secret" {
  statement {
    sid       = "DenyReadExceptValidator"
    effect    = "Deny"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.signing.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [local.validator_role_arn]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "signing" {
  secret_arn          = aws_secretsmanager_secret.signing.arn # pragma: allowlist secret
  policy              = data.aws_iam_policy_document.signing_secret.json
  block_public_policy = true
}

module "validator" {
  source = "./modules/function"

  function_name                  = local.names.validator
  description                    = "Verifies payment webhook signatures, stores each webhook once and enqueues it"
  role_name                      = local.names.validator_role
  handler                        = "webhook_validator.handler.lambda_handler"
  filename                       = "${local.build_dir}/webhook_validator.zip"
  runtime                        = var.lambda_runtime
  architecture                   = var.lambda_architecture
  memory_size_mb                 = var.lambda_memory_size_mb
  timeout_seconds                = var.validator_timeout_seconds
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  kms_key_arn                    = aws_kms_key.data.arn
  log_kms_key_arn                = aws_kms_key.logs.arn
  log_retention_in_days          = var.log_retention_in_days

  environment_variables = {
    TABLE_NAME                  = aws_dynamodb_table.webhooks.name
    QUEUE_URL                   = aws_sqs_queue.webhooks.url
    SIGNING_SECRET_ARN          = aws_secretsmanager_secret.signing.arn # pragma: allowlist secret
    SIGNATURE_TOLERANCE_SECONDS = tostring(var.signature_tolerance_seconds)
    RETENTION_DAYS              = tostring(var.webhook_retention_in_days)
    MAX_BODY_BYTES              = tostring(var.max_body_bytes)
  }
}

# No dead_letter_config on this SQS consumer: a function-level DLQ only receives failed *asynchronous*
# invocations, and the SQS event source invokes synchronously, so it would never see a failed message (nor can
# it be FIFO). Failed messages are retried by SQS and moved to the queue's redrive DLQ after max_receive_count.
module "processor" {
  source = "./modules/function"

  function_name                  = local.names.processor
  description                    = "Marks queued webhooks processed and publishes their metadata to SNS"
  role_name                      = local.names.processor_role
  handler                        = "batch_processor.handler.lambda_handler"
  filename                       = "${local.build_dir}/batch_processor.zip"
  runtime                        = var.lambda_runtime
  architecture                   = var.lambda_architecture
  memory_size_mb                 = var.lambda_memory_size_mb
  timeout_seconds                = var.processor_timeout_seconds
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  kms_key_arn                    = aws_kms_key.data.arn
  log_kms_key_arn                = aws_kms_key.logs.arn
  log_retention_in_days          = var.log_retention_in_days

  environment_variables = {
    TABLE_NAME = aws_dynamodb_table.webhooks.name
    TOPIC_ARN  = aws_sns_topic.events.arn
  }
}

# --- Validator permissions: one document per concern --------------------------------------------------------

# One conditional PutItem per webhook; on a redelivery ReturnValuesOnConditionCheckFailure=ALL_OLD returns the
# stored item, which PutItem itself authorises (no GetItem needed).
data "aws_iam_policy_document" "validator_table" {
  statement {
    sid       = "StoreWebhooks"
    effect    = "Allow"
    actions   = ["dynamodb:PutItem"]
    resources = [aws_dynamodb_table.webhooks.arn]
  }
}

resource "aws_iam_role_policy" "validator_table" {
  name   = "table"
  role   = module.validator.role_name
  policy = data.aws_iam_policy_document.validator_table.json
}

data "aws_iam_policy_document" "validator_queue" {
  statement {
    sid       = "EnqueueWebhooks"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.webhooks.arn]
  }
}

resource "aws_iam_role_policy" "validator_queue" {
  name   = "queue"
  role   = module.validator.role_name
  policy = data.aws_iam_policy_document.validator_queue.json
}

data "aws_iam_policy_document" "validator_secret" {
  statement {
    sid       = "ReadSigningSecret"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.signing.arn]
  }
}

resource "aws_iam_role_policy" "validator_secret" {
  name   = "secret"
  role   = module.validator.role_name
  policy = data.aws_iam_policy_document.validator_secret.json
}

data "aws_iam_policy_document" "validator_kms" {
  statement {
    sid       = "UseDataKeyThroughServices"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.data.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${local.region}.amazonaws.com", "sqs.${local.region}.amazonaws.com", "lambda.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "DecryptSigningSecret"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.data.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "validator_kms" {
  name   = "kms"
  role   = module.validator.role_name
  policy = data.aws_iam_policy_document.validator_kms.json
}

# --- Processor permissions: one document per concern --------------------------------------------------------

# BatchGetItem reads a batch's items; BatchExecuteStatement runs one conditional PartiQL UPDATE per item, which
# IAM authorises as dynamodb:PartiQLUpdate.
data "aws_iam_policy_document" "processor_table" {
  statement {
    sid       = "ReadAndMarkWebhooks"
    effect    = "Allow"
    actions   = ["dynamodb:BatchGetItem", "dynamodb:PartiQLUpdate"]
    resources = [aws_dynamodb_table.webhooks.arn]
  }
}

resource "aws_iam_role_policy" "processor_table" {
  name   = "table"
  role   = module.processor.role_name
  policy = data.aws_iam_policy_document.processor_table.json
}

# The three actions the SQS event source mapping needs on its queue.
data "aws_iam_policy_document" "processor_queue" {
  statement {
    sid       = "ConsumeWebhooks"
    effect    = "Allow"
    actions   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
    resources = [aws_sqs_queue.webhooks.arn]
  }
}

resource "aws_iam_role_policy" "processor_queue" {
  name   = "queue"
  role   = module.processor.role_name
  policy = data.aws_iam_policy_document.processor_queue.json
}

# PublishBatch is authorised as sns:Publish.
data "aws_iam_policy_document" "processor_topic" {
  statement {
    sid       = "PublishWebhookMetadata"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
  }
}

resource "aws_iam_role_policy" "processor_topic" {
  name   = "topic"
  role   = module.processor.role_name
  policy = data.aws_iam_policy_document.processor_topic.json
}

data "aws_iam_policy_document" "processor_kms" {
  statement {
    sid       = "UseDataKeyThroughServices"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.data.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${local.region}.amazonaws.com", "sqs.${local.region}.amazonaws.com", "sns.${local.region}.amazonaws.com", "lambda.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "processor_kms" {
  name   = "kms"
  role   = module.processor.role_name
  policy = data.aws_iam_policy_document.processor_kms.json
}

# --- Queue -> processor ---------------------------------------------------------------------------------------

resource "aws_lambda_event_source_mapping" "webhooks" {
  event_source_arn        = aws_sqs_queue.webhooks.arn
  function_name           = module.processor.function_arn
  batch_size              = var.sqs_batch_size
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.processor_maximum_concurrency
  }

  lifecycle {
    precondition {
      condition     = var.processor_maximum_concurrency <= var.lambda_reserved_concurrency
      error_message = "processor_maximum_concurrency must not exceed lambda_reserved_concurrency: the extra pollers would be throttled, raise receive counts and push good messages into the DLQ."
    }
  }

  # Lambda checks the role's queue and key permissions when the mapping is created.
  depends_on = [
    aws_iam_role_policy.processor_queue,
    aws_iam_role_policy.processor_kms,
  ]
}
