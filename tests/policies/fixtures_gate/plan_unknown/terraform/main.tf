# Gate fixture: a first deploy, where the table's CMK ARN is known only after apply.

resource "aws_kms_key" "data" {
  description             = "Data key."
  enable_key_rotation     = true
  deletion_window_in_days = 7
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
}

resource "aws_dynamodb_table" "aws_owned" {
  name         = "aws-owned"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  server_side_encryption {
    enabled = true
  }
}
