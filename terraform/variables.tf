variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-west-2."
  }
}

variable "prefix" {
  description = "Prefix of resource names."
  type        = string
  default     = "acme-data"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.prefix))
    error_message = "prefix must be 2-31 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "stream_name" {
  description = "Name of the Kinesis data stream."
  type        = string
  default     = "acme-telemetry-stream"
}

variable "stream_mode" {
  description = "Kinesis capacity mode: ON_DEMAND or PROVISIONED."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream_mode)
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "stream_shard_count" {
  description = "Shards when stream_mode is PROVISIONED."
  type        = number
  default     = 1
}

variable "stream_retention_hours" {
  description = "Kinesis retention, hours (24-8760)."
  type        = number
  default     = 24
}

variable "database_name" {
  description = "Glue database / Athena schema."
  type        = string
  default     = "acme_telemetry"
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket and Athena workgroup with their contents."
  type        = bool
  default     = false
}

variable "lambda_timeout_seconds" {
  description = "Timeout of the generator and producer Lambdas."
  type        = number
  default     = 60
}

variable "lambda_memory_mb" {
  description = "Memory of the generator and producer Lambdas."
  type        = number
  default     = 512
}

variable "lambda_architecture" {
  description = "arm64 or x86_64; selects dist/acme-lambda-<arch>.zip."
  type        = string
  default     = "arm64"
}

variable "lambda_package_path" {
  description = "Lambda zip; null means ../dist/acme-lambda-<architecture>.zip from `make lambda-zip`."
  type        = string
  default     = null
}

variable "schedule_enabled" {
  description = "Whether the 5-minute generation schedule fires."
  type        = bool
  default     = true
}

variable "events_per_day" {
  description = "Mean events per day of the live stream."
  type        = number
  default     = 1000000
}

variable "generation_seed" {
  description = "Seed of the generated world and traffic (use the same for backfills)."
  type        = number
  default     = 42
}

variable "customers" {
  description = "Customers in the generated world."
  type        = number
  default     = 10000
}

variable "titles" {
  description = "Titles in the generated catalogue."
  type        = number
  default     = 500
}

variable "campaigns" {
  description = "Campaigns in the generated world."
  type        = number
  default     = 50
}

variable "firehose_buffering_size_mb" {
  description = "Firehose buffer size, MiB (64-128 with Parquet conversion)."
  type        = number
  default     = 128
}

variable "firehose_buffering_interval_seconds" {
  description = "Firehose buffer interval, seconds (0-900)."
  type        = number
  default     = 300
}

variable "athena_bytes_scanned_cutoff" {
  description = "Per-query scan limit of the Athena workgroup, bytes."
  type        = number
  default     = 10737418240
}

variable "log_retention_days" {
  description = "Retention of the stack's CloudWatch log groups."
  type        = number
  default     = 365
}

variable "alarm_actions" {
  description = "ARNs (e.g. an SNS topic) notified by the pipeline's alarms."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "emr_backfill_enabled" {
  description = "Create the EMR Serverless Spark application for large backfills (off by default)."
  type        = bool
  default     = false
}

variable "emr_backfill_max_vcpu" {
  description = "Most vCPUs the EMR Serverless backfill may use at once."
  type        = number
  default     = 64
}
