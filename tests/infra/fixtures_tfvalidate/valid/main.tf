data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:Describe*", "kms:Enable*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = toset(["logs", "sns"])
    iterator = service

    content {
      sid       = "Service${title(service.value)}"
      actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["${service.value}.amazonaws.com"]
      }
    }
  }
}

resource "aws_kms_key" "data" {
  description             = "Data key for ${local.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${local.name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.data.arn
}

module "queue" {
  source = "./modules/queue"

  name       = local.queues["main"]
  kms_key_id = aws_kms_key.data.arn
}

resource "aws_sns_topic" "alarms" {
  name              = local.names.alarm_topic
  kms_master_key_id = aws_kms_key.data.id
}

resource "aws_sns_topic_subscription" "email" {
  for_each = local.emails

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "dlq" {
  count = length(var.alarm_emails) > 0 ? 1 : 0

  alarm_name          = "${local.names.dlq_alarm}-${var.environment_suffix}"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = var.alarm.evaluation_periods
  metric_name         = "ApproximateNumberOfMessagesVisible"
  namespace           = "AWS/SQS"
  period              = var.alarm.period_seconds
  statistic           = "Maximum"
  threshold           = 0
  alarm_actions       = [aws_sns_topic.alarms.arn]
  alarm_description   = <<-EOT
    Messages in ${module.queue.dlq_name} (alarm ${count.index}).
    %{~ for subscriber in var.alarm_emails ~}
    Notifies ${subscriber.address}.
    %{~ endfor ~}
  EOT
  dimensions = {
    QueueName = module.queue.dlq_name
  }

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
  }

  depends_on = [module.queue]
}
