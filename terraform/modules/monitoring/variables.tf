variable "prefix" {
  description = "Name prefix of the alarms and the dashboard."
  type        = string
}

variable "stream_name" {
  description = "Kinesis data stream to watch."
  type        = string
}

variable "delivery_stream_name" {
  description = "Firehose delivery stream to watch."
  type        = string
}

variable "function_names" {
  description = "Lambda functions to watch, by role (generator, producer)."
  type        = map(string)
}

variable "metrics_namespace" {
  description = "Namespace of the producer's EMF metrics."
  type        = string
  default     = "AcmeTelemetry"
}

variable "alarm_actions" {
  description = "Further ARNs notified when an alarm fires or clears, besides the module's own SNS topic."
  type        = list(string)
  default     = []
}

variable "alarm_email" {
  description = "An email address subscribed to the alarm topic; null subscribes none."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an email address."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the alarm topic; its policy must let cloudwatch.amazonaws.com use it."
  type        = string
}

variable "failure_queue_name" {
  description = "SQS queue of failed Lambda invocations to watch."
  type        = string
}

variable "expect_continuous_traffic" {
  description = "The schedule is on, so no records or no deliveries for two periods is an outage (missing data breaches)."
  type        = bool
  default     = true
}

variable "iterator_age_threshold_ms" {
  description = "Alarm when the oldest unread record in the stream is older than this."
  type        = number
  default     = 900000

  validation {
    condition     = var.iterator_age_threshold_ms > 0
    error_message = "iterator_age_threshold_ms must be positive."
  }
}

variable "freshness_threshold_seconds" {
  description = "Alarm when Firehose's oldest undelivered record is older than this."
  type        = number
  default     = 900

  validation {
    condition     = var.freshness_threshold_seconds > 0
    error_message = "freshness_threshold_seconds must be positive."
  }
}

variable "throttle_alarm_percent" {
  description = "Alarm when more than this share (%) of the records put to the stream are refused for throughput, two periods running."
  type        = number
  default     = 10

  validation {
    condition     = var.throttle_alarm_percent > 0 && var.throttle_alarm_percent < 100
    error_message = "throttle_alarm_percent must be between 0 and 100, exclusive."
  }
}

variable "table_format" {
  description = "The delivery stream's destination: \"hive\" (S3 with Parquet conversion) or \"iceberg\" (the Iceberg destination); each publishes its own metrics."
  type        = string
  default     = "hive"

  validation {
    condition     = contains(["hive", "iceberg"], var.table_format)
    error_message = "table_format must be \"hive\" or \"iceberg\"."
  }
}

variable "buffering_interval_seconds" {
  description = "The delivery stream's buffering interval: the delivery alarm's period is at least this long, since a period with no flush in it has no delivery datapoint."
  type        = number
  default     = 300

  validation {
    condition     = var.buffering_interval_seconds >= 0 && var.buffering_interval_seconds <= 900
    error_message = "buffering_interval_seconds must be from 0 to 900 (Firehose's range)."
  }
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
