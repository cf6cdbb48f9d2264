resource "aws_dynamodb_table" "webhooks" {
  name                        = local.names.table
  billing_mode                = "PAY_PER_REQUEST" # scales with provider retry storms without capacity planning
  hash_key                    = "webhook_id"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "webhook_id"
    type = "S"
  }

  # The validator writes expiry_time = received + RETENTION_DAYS (30 days); DynamoDB deletes expired items.
  ttl {
    attribute_name = "expiry_time"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.data.arn
  }
}
