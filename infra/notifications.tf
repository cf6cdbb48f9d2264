# --- Processed-webhook metadata --------------------------------------------------------------------------------

resource "aws_sns_topic" "events" {
  name              = local.names.events_topic
  display_name      = "payhooks processed webhooks (${var.environment_suffix})"
  kms_master_key_id = aws_kms_key.data.arn
}

data "aws_iam_policy_document" "events_topic" {
  statement {
    sid       = "ProcessorPublishes"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]

    principals {
      type        = "AWS"
      identifiers = [module.processor.role_arn]
    }
  }

  # Identity policies in the account could otherwise grant sns:Publish to anyone else.
  statement {
    sid       = "DenyPublishExceptProcessor"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [module.processor.role_arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:*"]
    resources = [aws_sns_topic.events.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "events" {
  arn    = aws_sns_topic.events.arn
  policy = data.aws_iam_policy_document.events_topic.json
}

# --- Alarms ------------------------------------------------------------------------------------------------------

resource "aws_sns_topic" "alarms" {
  name              = local.names.alarms_topic
  display_name      = "payhooks alarms (${var.environment_suffix})"
  kms_master_key_id = aws_kms_key.alarms.arn
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudwatch:${local.region}:${local.account_id}:alarm:*"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:*"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email != "" ? 1 : 0

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# A dead-lettered webhook is a payment event nobody processed: page on the first one.
resource "aws_cloudwatch_metric_alarm" "dlq_visible" {
  alarm_name          = "alarm-webhooks-dlq-visible-${var.environment_suffix}"
  alarm_description   = "Webhooks failed processing ${var.max_receive_count} times and are in ${local.names.dlq}; inspect, fix and redrive them."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.webhooks_dlq.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

locals {
  function_alarms = {
    validator-errors    = { function_name = module.validator.function_name, metric_name = "Errors" }
    validator-throttles = { function_name = module.validator.function_name, metric_name = "Throttles" }
    processor-errors    = { function_name = module.processor.function_name, metric_name = "Errors" }
    processor-throttles = { function_name = module.processor.function_name, metric_name = "Throttles" }
  }
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = local.function_alarms

  alarm_name          = "alarm-${each.key}-${var.environment_suffix}"
  alarm_description   = "${each.value.function_name} reported ${each.value.metric_name} in the last 5 minutes."
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric_name
  dimensions          = { FunctionName = each.value.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# 5XX answers make the payment processor retry; a burst means webhooks are not being stored or enqueued.
resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "alarm-api-5xx-${var.environment_suffix}"
  alarm_description   = "${local.names.api} stage ${local.stage_name} answered 5XX in the last 5 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = { ApiName = aws_api_gateway_rest_api.webhooks.name, Stage = aws_api_gateway_stage.webhooks.stage_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}
