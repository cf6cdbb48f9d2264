variable "name" {
  type        = string
  description = "Queue name, ending in .fifo."
}

variable "kms_key_id" {
  type        = string
  description = "CMK ARN."
}

variable "max_receive_count" {
  type        = number
  description = "Receives before a message moves to the DLQ (exactly 3)."
  default     = 3

  validation {
    condition     = var.max_receive_count == 3
    error_message = "max_receive_count must be 3."
  }
}

resource "aws_sqs_queue" "dlq" {
  name                      = replace(var.name, ".fifo", "-dlq.fifo")
  fifo_queue                = true
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_id
}

resource "aws_sqs_queue" "this" {
  name                       = var.name
  fifo_queue                 = true
  deduplication_scope        = "messageGroup"
  fifo_throughput_limit      = "perMessageGroupId"
  visibility_timeout_seconds = 300
  kms_master_key_id          = var.kms_key_id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

output "url" {
  description = "Main queue URL."
  value       = aws_sqs_queue.this.url
}

output "dlq_name" {
  description = "DLQ name."
  value       = aws_sqs_queue.dlq.name
}
