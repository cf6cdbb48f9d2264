locals {
  name = "payhooks-${var.environment_suffix}"
  names = {
    alarm_topic = "topic-alarms-${var.environment_suffix}"
    dlq_alarm   = "alarm-dlq-${var.environment_suffix}"
  }
  tags = {
    project     = "payhooks"
    environment = var.environment_suffix
  }
  queues = { for q in ["main", "dlq"] : q => "${local.name}-${q}.fifo" }
  emails = { for index, subscriber in var.alarm_emails : tostring(index) => subscriber.address }
}
