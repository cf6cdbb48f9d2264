variable "environment_suffix" {
  type        = string
  description = "Suffix appended to every resource name (resource-type-<suffix>), e.g. dev, stg, prod: 2 to 12 characters, lowercase letters, digits and inner hyphens, starting with a letter."
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,10}[a-z0-9]$", var.environment_suffix))
    error_message = "environment_suffix must be 2-12 characters: lowercase letters, digits and inner hyphens, starting with a letter."
  }
}

variable "lambda_runtime" {
  type        = string
  description = "Python runtime of both Lambda functions. Defaults to python3.9 as the mission requires; python3.9 is deprecated on Lambda (no security patches since 2025-12-15), so set python3.12 or newer to upgrade."
  default     = "python3.9"

  validation {
    condition     = contains(["python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14"], var.lambda_runtime)
    error_message = "lambda_runtime must be one of python3.9, python3.10, python3.11, python3.12, python3.13, python3.14."
  }
}

variable "lambda_architecture" {
  type        = string
  description = "Instruction set of both Lambda functions: x86_64 or arm64. Must match the platform the zips in lambda_build_dir were built for."
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be x86_64 or arm64."
  }
}

variable "lambda_memory_size_mb" {
  type        = number
  description = "Memory of both Lambda functions in MB. The mission fixes it at exactly 512."
  default     = 512

  validation {
    condition     = var.lambda_memory_size_mb == 512
    error_message = "lambda_memory_size_mb must be exactly 512."
  }
}

variable "lambda_reserved_concurrency" {
  type        = number
  description = "Reserved concurrent executions of each Lambda function: 1 to 100 (the mission caps each function at 100)."
  default     = 100

  validation {
    condition     = var.lambda_reserved_concurrency >= 1 && var.lambda_reserved_concurrency <= 100 && floor(var.lambda_reserved_concurrency) == var.lambda_reserved_concurrency
    error_message = "lambda_reserved_concurrency must be a whole number from 1 to 100."
  }
}

variable "validator_timeout_seconds" {
  type        = number
  description = "Timeout of the webhook validator in seconds: 1 to 10 (it answers the payment processor synchronously)."
  default     = 10

  validation {
    condition     = var.validator_timeout_seconds >= 1 && var.validator_timeout_seconds <= 10 && floor(var.validator_timeout_seconds) == var.validator_timeout_seconds
    error_message = "validator_timeout_seconds must be a whole number from 1 to 10."
  }
}

variable "processor_timeout_seconds" {
  type        = number
  description = "Timeout of the batch processor in seconds: 1 to 50, so that 6 x timeout stays within the queue's 300-second visibility timeout."
  default     = 30

  validation {
    condition     = var.processor_timeout_seconds >= 1 && var.processor_timeout_seconds <= 50 && floor(var.processor_timeout_seconds) == var.processor_timeout_seconds
    error_message = "processor_timeout_seconds must be a whole number from 1 to 50 (6 x timeout <= 300 s visibility timeout)."
  }
}

variable "processor_maximum_concurrency" {
  type        = number
  description = "Maximum concurrent batch-processor invocations the SQS event source mapping may start: 2 to 100 and never above lambda_reserved_concurrency (more would throttle, raise receive counts and dead-letter good messages)."
  default     = 100

  validation {
    condition     = var.processor_maximum_concurrency >= 2 && var.processor_maximum_concurrency <= 100 && floor(var.processor_maximum_concurrency) == var.processor_maximum_concurrency
    error_message = "processor_maximum_concurrency must be a whole number from 2 to 100."
  }
}

variable "sqs_batch_size" {
  type        = number
  description = "Messages per batch-processor invocation. The mission fixes it at exactly 10 (the FIFO maximum)."
  default     = 10

  validation {
    condition     = var.sqs_batch_size == 10
    error_message = "sqs_batch_size must be exactly 10."
  }
}

variable "max_receive_count" {
  type        = number
  description = "Receives of a message before SQS moves it to the dead-letter queue. The mission fixes it at exactly 3."
  default     = 3

  validation {
    condition     = var.max_receive_count == 3
    error_message = "max_receive_count must be exactly 3."
  }
}

variable "log_retention_in_days" {
  type        = number
  description = "Retention of every CloudWatch log group in days. The mission fixes it at exactly 7 (the 12-month audit trail lives in CloudTrail, see SECURITY.md)."
  default     = 7

  validation {
    condition     = var.log_retention_in_days == 7
    error_message = "log_retention_in_days must be exactly 7."
  }
}

variable "webhook_retention_in_days" {
  type        = number
  description = "Days a stored webhook is kept before DynamoDB TTL deletes it (the validator's RETENTION_DAYS). The mission fixes it at exactly 30."
  default     = 30

  validation {
    condition     = var.webhook_retention_in_days == 30
    error_message = "webhook_retention_in_days must be exactly 30."
  }
}

variable "signature_tolerance_seconds" {
  type        = number
  description = "Maximum age of a webhook signature timestamp in seconds (the validator's SIGNATURE_TOLERANCE_SECONDS): 60 to 600."
  default     = 300

  validation {
    condition     = var.signature_tolerance_seconds >= 60 && var.signature_tolerance_seconds <= 600
    error_message = "signature_tolerance_seconds must be from 60 to 600."
  }
}

variable "max_body_bytes" {
  type        = number
  description = "Largest webhook body the validator accepts, in bytes (the validator's MAX_BODY_BYTES): 1024 to 262144."
  default     = 262144

  validation {
    condition     = var.max_body_bytes >= 1024 && var.max_body_bytes <= 262144
    error_message = "max_body_bytes must be from 1024 to 262144."
  }
}

variable "secret_recovery_window_in_days" {
  type        = number
  description = "Days Secrets Manager keeps the created signing secret after destroy before deleting it: 0 (immediately) or 7 to 30."
  default     = 7

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30)
    error_message = "secret_recovery_window_in_days must be 0 or from 7 to 30."
  }
}

variable "deletion_protection_enabled" {
  type        = bool
  description = "Turn on DynamoDB deletion protection for the webhook table. Off by default so the stack can be destroyed; turning it on in production needs an exception in the policy gate."
  default     = false
}

variable "domain_name" {
  type        = string
  description = "Custom domain the payment processor calls, e.g. webhooks.example.com (lowercase hostname, no scheme)."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lowercase hostname such as webhooks.example.com."
  }
}

variable "certificate_arn" {
  type        = string
  description = "ARN of an issued ACM certificate in us-east-1 covering domain_name (used as the REGIONAL custom domain's certificate)."

  validation {
    condition     = can(regex("^arn:aws:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN in us-east-1."
  }
}

variable "hosted_zone_id" {
  type        = string
  description = "Route 53 hosted zone ID in which to create the alias record for domain_name. Empty (default): no record is created; point DNS at the regional_domain_name output yourself."
  default     = ""

  validation {
    condition     = var.hosted_zone_id == "" || can(regex("^Z[A-Z0-9]{1,31}$", var.hosted_zone_id))
    error_message = "hosted_zone_id must be empty or a Route 53 hosted zone ID (Z followed by uppercase letters and digits)."
  }
}

variable "disable_execute_api_endpoint" {
  type        = bool
  description = "Turn off the default execute-api endpoint so that only the custom domain (TLS 1.2+) answers. Off by default so the stage invoke URL works before DNS is in place."
  default     = false
}

variable "api_throttling_rate_limit" {
  type        = number
  description = "Steady-state request rate of the stage in requests per second: 1 to 1000. The default 100 keeps the validator below its 100 reserved concurrency even at 1 s per request."
  default     = 100

  validation {
    condition     = var.api_throttling_rate_limit >= 1 && var.api_throttling_rate_limit <= 1000
    error_message = "api_throttling_rate_limit must be from 1 to 1000 requests per second."
  }
}

variable "api_throttling_burst_limit" {
  type        = number
  description = "Burst capacity of the stage in requests: 1 to 2000, at least api_throttling_rate_limit."
  default     = 200

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && var.api_throttling_burst_limit <= 2000 && floor(var.api_throttling_burst_limit) == var.api_throttling_burst_limit
    error_message = "api_throttling_burst_limit must be a whole number from 1 to 2000."
  }
}

variable "api_logging_level" {
  type        = string
  description = "API Gateway execution logging level: ERROR (default) or INFO. Request and response bodies are never logged (data tracing stays off)."
  default     = "ERROR"

  validation {
    condition     = contains(["ERROR", "INFO"], var.api_logging_level)
    error_message = "api_logging_level must be ERROR or INFO."
  }
}

variable "manage_api_gateway_account" {
  type        = bool
  description = "Manage the account-wide API Gateway CloudWatch Logs role (aws_api_gateway_account, one per account and region). Turn off when another stack in the account already manages it."
  default     = true
}

variable "waf_enabled" {
  type        = bool
  description = "Protect the stage with a WAFv2 web ACL (AWS managed common, known-bad-inputs and anonymous-IP rule groups plus a per-IP rate limit). On by default: PCI DSS 6.4.2 requires it."
  default     = true
}

variable "waf_rate_limit_per_5_minutes" {
  type        = number
  description = "Requests one client IP may send in any 5-minute window before WAF blocks it: 100 to 100000. Payment processors send from few IPs, so keep it well above their peak."
  default     = 6000

  validation {
    condition     = var.waf_rate_limit_per_5_minutes >= 100 && var.waf_rate_limit_per_5_minutes <= 100000
    error_message = "waf_rate_limit_per_5_minutes must be from 100 to 100000."
  }
}

variable "alarm_email" {
  type        = string
  description = "E-mail address subscribed to the alarm topic. Empty (default): no subscription; subscribe your paging tool to the alarm_topic_arn output instead."
  default     = ""

  validation {
    condition     = var.alarm_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be empty or an e-mail address."
  }
}

variable "lambda_build_dir" {
  type        = string
  description = "Directory holding webhook_validator.zip and batch_processor.zip from `make build`. Empty (default): the repository's build/ directory next to infra/."
  default     = ""

  validation {
    condition     = !endswith(var.lambda_build_dir, "/")
    error_message = "lambda_build_dir must not end with a slash."
  }
}
