# Gate fixture: the HCL behind plan/tfplan.json (the plan's enrichment root).

variable "data_key_arn" {
  type        = string
  description = "ARN of the existing customer-managed data key."
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
    kms_key_arn = var.data_key_arn
  }

  point_in_time_recovery {
    enabled = true
  }
}

module "events" {
  source = "./modules/queue"
  name   = "events"
}
