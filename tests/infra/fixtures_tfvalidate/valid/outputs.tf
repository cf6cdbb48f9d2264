output "queue_url" {
  description = "URL of the main queue."
  value       = module.queue.url
}

output "alarm_topic_arn" {
  description = "ARN of the alarm topic."
  value       = aws_sns_topic.alarms.arn
}

output "account_id" {
  description = "Account the stack runs in."
  value       = data.aws_caller_identity.current.account_id
}
