variable "name" {
  description = "Name of the Firehose delivery stream."
  type        = string
}

variable "source_stream_arn" {
  description = "ARN of the Kinesis data stream Firehose reads."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the data lake bucket."
  type        = string
}

variable "telemetry_prefix" {
  description = "Key prefix of the events table, ending in '/'."
  type        = string
  default     = "telemetry/"

  validation {
    condition     = endswith(var.telemetry_prefix, "/")
    error_message = "telemetry_prefix must end with '/'."
  }
}

variable "error_prefix" {
  description = "Key prefix for records Firehose could not convert or deliver, ending in '/'."
  type        = string
  default     = "errors/"

  validation {
    condition     = endswith(var.error_prefix, "/")
    error_message = "error_prefix must end with '/'."
  }
}

variable "glue_database_name" {
  description = "Glue database of the events table (the schema for JSON -> Parquet conversion)."
  type        = string
}

variable "glue_table_name" {
  description = "Glue table whose columns define the Parquet schema."
  type        = string
}

variable "glue_database_arn" {
  description = "ARN of the Glue database."
  type        = string
}

variable "glue_table_arn" {
  description = "ARN of the Glue table."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the stream and the bucket."
  type        = string
}

variable "buffering_size_mb" {
  description = "Buffer size before delivery, MiB (64-128 when converting to Parquet)."
  type        = number
  default     = 128

  validation {
    condition     = var.buffering_size_mb >= 64 && var.buffering_size_mb <= 128
    error_message = "buffering_size_mb must be between 64 and 128 with format conversion."
  }
}

variable "buffering_interval_seconds" {
  description = "Longest wait before delivery, seconds (60-900: zero buffering, below 60 s, is not available with dynamic partitioning)."
  type        = number
  default     = 300

  validation {
    condition     = var.buffering_interval_seconds >= 60 && var.buffering_interval_seconds <= 900 && floor(var.buffering_interval_seconds) == var.buffering_interval_seconds
    error_message = "buffering_interval_seconds must be a whole number from 60 to 900 (dynamic partitioning has no zero buffering)."
  }
}

variable "log_retention_days" {
  description = "Retention of the delivery stream's CloudWatch log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 3653)."
  }
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

variable "table_format" {
  description = "hive: extended S3 delivery, JSON converted to Parquet in event-time partitions; iceberg: the Apache Iceberg destination, each record an update on event_id (a JQ metadata query) into the Glue Iceberg table."
  type        = string
  default     = "hive"

  validation {
    condition     = contains(["hive", "iceberg"], var.table_format)
    error_message = "table_format must be hive or iceberg."
  }
}

variable "iceberg_prefix" {
  description = "Key prefix of the Iceberg table's files (its Glue location), with the trailing slash."
  type        = string
  default     = "iceberg/streaming_events/"

  validation {
    condition     = can(regex("^[^/].*/$", var.iceberg_prefix))
    error_message = "iceberg_prefix must not start with / and must end with /."
  }
}
