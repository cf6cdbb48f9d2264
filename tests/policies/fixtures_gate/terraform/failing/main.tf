# Gate fixture: every way to fail. SQS-managed SSE only (CKV_PCI_901 fails, and an inline skip comment
# tries to hide it), a retention that comes from a variable without a value (CKV_PCI_903 is UNKNOWN and
# must fail closed), and a log group without a KMS key (built-in CKV_AWS_158 fails, no exception).

variable "retention_days" {
  type        = number
  description = "Log retention in days, deliberately left without a value."
}

resource "aws_sqs_queue" "plain" {
  #checkov:skip=CKV_PCI_901:SSE-SQS is enough here
  name                    = "plain"
  sqs_managed_sse_enabled = true
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/aws/lambda/app"
  retention_in_days = var.retention_days
}
