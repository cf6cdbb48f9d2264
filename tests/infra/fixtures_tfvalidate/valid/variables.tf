variable "region" {
  type        = string
  description = "AWS region."
  default     = "us-east-1"
}

variable "environment_suffix" {
  type        = string
  description = "Lowercase suffix of every name (1-8 characters)."

  validation {
    condition     = can(regex("^[a-z0-9]{1,8}$", var.environment_suffix))
    error_message = "environment_suffix must be 1-8 lowercase letters or digits, got ${var.environment_suffix}."
  }
}

variable "alarm_emails" {
  type        = list(object({ address = string, protocol = optional(string, "email") }))
  description = "Alarm subscribers."
  default     = []
}

variable "alarm" {
  type = object({
    period_seconds     = number
    evaluation_periods = optional(number, 1)
  })
  description = "DLQ alarm window: period in seconds (60-3600) and periods to evaluate."
  default     = { period_seconds = 60 }
}

variable "log_retention_in_days" {
  type        = number
  description = "Log retention in days (exactly 7)."
  default     = 7
}
