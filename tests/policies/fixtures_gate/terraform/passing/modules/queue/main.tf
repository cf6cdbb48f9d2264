variable "name" {
  type        = string
  description = "Queue name without the .fifo suffix."
}

variable "kms_key" {
  type        = string
  description = "ARN of the customer-managed key."
}

resource "aws_sqs_queue" "this" {
  name                              = "${var.name}.fifo"
  fifo_queue                        = true
  kms_master_key_id                 = var.kms_key
  kms_data_key_reuse_period_seconds = 300
}
