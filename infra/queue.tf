# Main FIFO queue: one message group per business object keeps a payment's events in order while other
# objects are processed in parallel (high-throughput FIFO needs both settings below).
resource "aws_sqs_queue" "webhooks" {
  name                              = local.names.queue
  fifo_queue                        = true
  deduplication_scope               = "messageGroup"
  fifo_throughput_limit             = "perMessageGroupId"
  visibility_timeout_seconds        = 300    # >= 6 x processor timeout (<= 50 s)
  message_retention_seconds         = 345600 # 4 days: longer than the 3 receives ever take
  kms_master_key_id                 = aws_kms_key.data.arn
  kms_data_key_reuse_period_seconds = 300
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.webhooks_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# A FIFO queue can only dead-letter into a FIFO queue. Failed webhooks stay 14 days (the SQS maximum) for
# investigation and redrive; the DLQ alarm pages on the first one.
resource "aws_sqs_queue" "webhooks_dlq" {
  name                              = local.names.dlq
  fifo_queue                        = true
  message_retention_seconds         = 1209600 # 14 days
  kms_master_key_id                 = aws_kms_key.data.arn
  kms_data_key_reuse_period_seconds = 300
  # Only the main queue may dead-letter here. Its ARN is built from the name: referencing the queue would
  # create a cycle with the queue's redrive_policy.
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [local.queue_arn]
  })
}

data "aws_iam_policy_document" "webhooks_queue" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.webhooks.arn]

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

resource "aws_sqs_queue_policy" "webhooks" {
  queue_url = aws_sqs_queue.webhooks.id
  policy    = data.aws_iam_policy_document.webhooks_queue.json
}

data "aws_iam_policy_document" "webhooks_dlq" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.webhooks_dlq.arn]

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

resource "aws_sqs_queue_policy" "webhooks_dlq" {
  queue_url = aws_sqs_queue.webhooks_dlq.id
  policy    = data.aws_iam_policy_document.webhooks_dlq.json
}
