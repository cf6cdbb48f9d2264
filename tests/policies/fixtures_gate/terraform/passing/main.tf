# Gate fixture: passes the fixture pack; the built-in failures it keeps are excepted in
# fixtures_gate/exceptions/active.yaml, and the python3.9 runtime is the soft-fail warning.

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:Describe*", "kms:Get*", "kms:List*", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "data" {
  description             = "payhooks data key"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_dynamodb_table" "webhooks" {
  name         = "webhooks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "webhook_id"

  attribute {
    name = "webhook_id"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.data.arn
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_cloudwatch_log_group" "validator" {
  name              = "/aws/lambda/validator"
  retention_in_days = 7
  kms_key_id        = aws_kms_key.data.arn
}

module "queue" {
  source  = "./modules/queue"
  name    = "webhooks"
  kms_key = aws_kms_key.data.arn
}
