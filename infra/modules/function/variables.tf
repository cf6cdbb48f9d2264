variable "function_name" {
  type        = string
  description = "Name of the Lambda function (lambda-<purpose>-<suffix>); also names its log group /aws/lambda/<name>."

  validation {
    condition     = can(regex("^[a-zA-Z0-9-_]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  type        = string
  description = "Human-readable description of the function: 1 to 256 characters."

  validation {
    condition     = length(var.description) >= 1 && length(var.description) <= 256
    error_message = "description must be 1 to 256 characters."
  }
}

variable "role_name" {
  type        = string
  description = "Name of the function's own execution role (role-<purpose>-<suffix>), at most 64 characters."

  validation {
    condition     = length(var.role_name) <= 64
    error_message = "role_name must be at most 64 characters."
  }
}

variable "handler" {
  type        = string
  description = "Entry point as <package>.<module>.<function>, e.g. webhook_validator.handler.lambda_handler."

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*){2,}$", var.handler))
    error_message = "handler must be a dotted Python path such as webhook_validator.handler.lambda_handler."
  }
}

variable "filename" {
  type        = string
  description = "Path of the deployment zip built by `make build` (build/<function>.zip)."

  validation {
    condition     = endswith(var.filename, ".zip")
    error_message = "filename must be a .zip deployment package."
  }
}

variable "runtime" {
  type        = string
  description = "Lambda Python runtime identifier, e.g. python3.9 or python3.12."

  validation {
    condition     = can(regex("^python3\\.[0-9]+$", var.runtime))
    error_message = "runtime must be a Python runtime identifier such as python3.12."
  }
}

variable "architecture" {
  type        = string
  description = "Instruction set: x86_64 or arm64."

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "memory_size_mb" {
  type        = number
  description = "Memory in MB: 128 to 10240."

  validation {
    condition     = var.memory_size_mb >= 128 && var.memory_size_mb <= 10240
    error_message = "memory_size_mb must be from 128 to 10240."
  }
}

variable "timeout_seconds" {
  type        = number
  description = "Timeout in seconds: 1 to 900."

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be from 1 to 900."
  }
}

variable "reserved_concurrent_executions" {
  type        = number
  description = "Reserved concurrency: 1 to 100."

  validation {
    condition     = var.reserved_concurrent_executions >= 1 && var.reserved_concurrent_executions <= 100
    error_message = "reserved_concurrent_executions must be from 1 to 100."
  }
}

variable "environment_variables" {
  type        = map(string)
  description = "Environment variables of the function, names in UPPER_SNAKE_CASE (never secrets: they are visible to anyone who can read the configuration and decrypt with kms_key_arn)."

  validation {
    condition     = alltrue([for name in keys(var.environment_variables) : can(regex("^[A-Z][A-Z0-9_]*$", name))])
    error_message = "environment variable names must be UPPER_SNAKE_CASE."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the environment variables."

  validation {
    condition     = can(regex("^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (not an alias or an AWS managed key)."
  }
}

variable "log_kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the function's log group."

  validation {
    condition     = can(regex("^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (not an alias or an AWS managed key)."
  }
}

variable "log_retention_in_days" {
  type        = number
  description = "Retention of the function's log group in days (the stack uses exactly 7)."

  validation {
    condition     = var.log_retention_in_days == 7
    error_message = "log_retention_in_days must be exactly 7."
  }
}
