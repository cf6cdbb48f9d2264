output "webhook_invoke_url" {
  description = "Stage invoke URL of POST /webhooks on the default execute-api endpoint (for smoke tests before DNS is in place)."
  value       = "${aws_api_gateway_stage.webhooks.invoke_url}/webhooks"
}

output "custom_domain_url" {
  description = "Webhook URL to register with the payment processor (custom domain, TLS 1.2+)."
  value       = "https://${aws_api_gateway_domain_name.webhooks.domain_name}/webhooks"
}

output "regional_domain_name" {
  description = "Regional API Gateway domain name to point the custom domain's DNS alias (or CNAME) at."
  value       = aws_api_gateway_domain_name.webhooks.regional_domain_name
}

output "regional_zone_id" {
  description = "Route 53 hosted zone ID of the regional domain name, for an alias record."
  value       = aws_api_gateway_domain_name.webhooks.regional_zone_id
}

output "table_name" {
  description = "Name of the DynamoDB table storing webhooks."
  value       = aws_dynamodb_table.webhooks.name
}

output "table_arn" {
  description = "ARN of the DynamoDB table storing webhooks."
  value       = aws_dynamodb_table.webhooks.arn
}

output "queue_url" {
  description = "URL of the main SQS FIFO queue."
  value       = aws_sqs_queue.webhooks.url
}

output "queue_arn" {
  description = "ARN of the main SQS FIFO queue."
  value       = aws_sqs_queue.webhooks.arn
}

output "dlq_url" {
  description = "URL of the FIFO dead-letter queue (inspect and redrive failed webhooks here)."
  value       = aws_sqs_queue.webhooks_dlq.url
}

output "dlq_arn" {
  description = "ARN of the FIFO dead-letter queue."
  value       = aws_sqs_queue.webhooks_dlq.arn
}

output "events_topic_arn" {
  description = "ARN of the SNS topic receiving processed-webhook metadata (subscribe consumers here)."
  value       = aws_sns_topic.events.arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic receiving CloudWatch alarm notifications (subscribe on-call tooling here)."
  value       = aws_sns_topic.alarms.arn
}

output "signing_secret_arn" {
  description = "ARN of the Secrets Manager secret the validator reads signing secrets from (set its value with the AWS CLI, see README)."
  value       = aws_secretsmanager_secret.signing.arn
}

output "data_kms_key_arn" {
  description = "ARN of the KMS key encrypting webhook data (table, queues, events topic, secret, Lambda environment)."
  value       = aws_kms_key.data.arn
}

output "logs_kms_key_arn" {
  description = "ARN of the KMS key encrypting the CloudWatch log groups."
  value       = aws_kms_key.logs.arn
}

output "alarms_kms_key_arn" {
  description = "ARN of the KMS key encrypting the alarm topic."
  value       = aws_kms_key.alarms.arn
}

output "validator_function_name" {
  description = "Name of the webhook validator Lambda function."
  value       = module.validator.function_name
}

output "processor_function_name" {
  description = "Name of the batch processor Lambda function."
  value       = module.processor.function_name
}

output "web_acl_arn" {
  description = "ARN of the WAFv2 web ACL protecting the stage, or null when waf_enabled is false."
  value       = var.waf_enabled ? aws_wafv2_web_acl.api[0].arn : null
}
