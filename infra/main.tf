# Root module of the payhooks webhook pipeline. Resources are split by domain:
#   kms.tf (keys), storage.tf (DynamoDB), queue.tf (SQS), functions.tf (secret, Lambdas, IAM, event source),
#   api.tf (REST API, stage, custom domain, DNS), waf.tf, notifications.tf (SNS topics, alarms).

data "aws_caller_identity" "current" {}
