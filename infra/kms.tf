# Keys are split by purpose so that each key policy names only the principals of one data class:
# - data:   webhook payloads and metadata (table, queues, events topic, signing secret, Lambda environment).
#           Used only through those services: by the two function roles, and by account principals whose IAM
#           policies allow it (Terraform, operators); no service principal is trusted on it.
# - logs:   CloudWatch Logs. The logs service principal must be able to use it; keeping it separate means that
#           grant never reaches the key protecting cardholder data, and log access can be delegated to
#           operations staff without exposing payloads.
# - alarms: the alarm topic. CloudWatch alarms (a service principal outside our roles) must publish to it, so
#           the data key never has to trust cloudwatch.amazonaws.com.

locals {
  # Key administration for the account, listed exactly (no kms:*): manage, describe, rotate, tag and schedule
  # deletion, but never encrypt or decrypt. Identity policies in the account decide who may do these.
  kms_admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]
}

data "aws_iam_policy_document" "data_key" {
  statement {
    sid       = "AccountKeyAdministration"
    effect    = "Allow"
    actions   = local.kms_admin_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  # People and pipelines of the account, as far as their IAM policies allow, and only through the stack's
  # services: Terraform creates DynamoDB and Lambda grants and reads the functions' encrypted environment;
  # operators set the signing secret (put-secret-value) and inspect or redrive dead-lettered messages.
  statement {
    sid       = "AccountUseThroughStackServices"
    effect    = "Allow"
    actions   = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values = [
        "dynamodb.${local.region}.amazonaws.com",
        "lambda.${local.region}.amazonaws.com",
        "secretsmanager.${local.region}.amazonaws.com",
        "sqs.${local.region}.amazonaws.com",
      ]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }

  # The function roles, only through the services they call (no direct Decrypt of arbitrary ciphertext).
  statement {
    sid       = "FunctionRolesThroughServices"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = [local.validator_role_arn, local.processor_role_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.kms_via_services
    }
  }
}

resource "aws_kms_key" "data" {
  description             = "payhooks ${var.environment_suffix}: webhook payloads, queues, events topic, signing secret, Lambda environment"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.data_key.json
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.names.data_key}"
  target_key_id = aws_kms_key.data.key_id
}

data "aws_iam_policy_document" "logs_key" {
  statement {
    sid       = "AccountKeyAdministration"
    effect    = "Allow"
    actions   = local.kms_admin_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  statement {
    sid    = "CloudWatchLogsForStackLogGroups"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = local.log_group_arns
    }
  }
}

resource "aws_kms_key" "logs" {
  description             = "payhooks ${var.environment_suffix}: CloudWatch Logs of the Lambdas, API Gateway and WAF"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.logs_key.json
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${local.names.logs_key}"
  target_key_id = aws_kms_key.logs.key_id
}

data "aws_iam_policy_document" "alarms_key" {
  statement {
    sid       = "AccountKeyAdministration"
    effect    = "Allow"
    actions   = local.kms_admin_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  # CloudWatch alarms cannot publish to a topic encrypted with alias/aws/sns; they need this grant, limited to
  # the alarm topic through SNS's encryption context and to this account's alarms.
  # https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
  # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
  statement {
    sid       = "CloudWatchAlarmsPublishToAlarmTopic"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [local.alarms_topic_arn]
    }

    # Confused-deputy guard: only alarms of this account.
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudwatch:${local.region}:${local.account_id}:alarm:*"]
    }
  }

  # Operators may publish test notifications to the alarm topic through SNS.
  statement {
    sid       = "AccountPublishThroughSns"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "alarms" {
  description             = "payhooks ${var.environment_suffix}: alarm notification topic"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.alarms_key.json
}

resource "aws_kms_alias" "alarms" {
  name          = "alias/${local.names.alarms_key}"
  target_key_id = aws_kms_key.alarms.key_id
}
