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
  description = "Prefix of every resource name; two stacks with different prefixes share an account. The default gives the original stack's names."
  type        = string
  default     = "acme"

  validation {
    # The bucket name <prefix>-telemetry-data-<account>-<region> must fit S3's 63 characters.
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.prefix))
    error_message = "prefix must be 2-20 lowercase letters, digits or '-', starting with a letter and not ending with '-'."
  }
}

variable "stream_name" {
  description = "Name of the Kinesis data stream; null means <prefix>-telemetry-stream."
  type        = string
  default     = null
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

variable "put_records_per_second" {
  description = "Records/s the producers may write, shared by a window's chunks; null (the default) takes 80% of the stream's capacity: 1,000 per shard when PROVISIONED, a new ON_DEMAND stream's 4,000. Raise it for an on-demand stream that has scaled up."
  type        = number
  default     = null
}

variable "stream_retention_hours" {
  description = "Kinesis retention, hours (24-8760)."
  type        = number
  default     = 24
}

variable "database_name" {
  description = "Glue database / Athena schema; null means <prefix>_telemetry (acme_telemetry by default)."
  type        = string
  default     = null

  validation {
    condition     = var.database_name == null || can(regex("^[a-z][a-z0-9_]{0,254}$", var.database_name))
    error_message = "database_name must be lowercase letters, digits or '_', starting with a letter."
  }
}

variable "projection_start_year" {
  description = "First year Athena's partition projection covers (the range ends at NOW): set it to the earliest year you backfill."
  type        = number
  default     = 2024
}

variable "error_output_retention_days" {
  description = "Days records that Firehose could not convert or partition stay under errors/ for investigation."
  type        = number
  default     = 365
}

variable "generator_reserved_concurrency" {
  description = "Reserved concurrency of the generator Lambda; null reserves none. AWS refuses reservations that leave fewer than 100 unreserved executions in the account (new accounts have low quotas)."
  type        = number
  default     = null
}

variable "producer_reserved_concurrency" {
  description = "Reserved concurrency of the producer Lambda; null reserves none (see generator_reserved_concurrency)."
  type        = number
  default     = null
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

variable "traffic_shape" {
  description = "Traffic over the day of the live stream: diurnal (local-time curve) or flat (constant)."
  type        = string
  default     = "diurnal"
}

variable "table_format" {
  description = "How streaming_events is stored: \"hive\" (Parquet in event-time partitions, the default) or \"iceberg\" (an Apache Iceberg v2 table Firehose updates on event_id). See \"Iceberg\" in the README."
  type        = string
  default     = "hive"

  validation {
    condition     = contains(["hive", "iceberg"], var.table_format)
    error_message = "table_format must be hive or iceberg."
  }
}

variable "iceberg_table_optimizers" {
  description = "With table_format = \"iceberg\": Glue compacts the table, expires old snapshots and deletes orphan files."
  type        = bool
  default     = true
}

variable "faults" {
  description = "Faults the live stream's Lambdas inject (\"KIND=R,...\": duplicate, drop, skew, malformed); \"\" for none. See \"Test your pipeline\" in the README."
  type        = string
  default     = ""
}

variable "incidents" {
  description = "Incidents the live stream's Lambdas play (\"TYPE:SCOPE@YYYY-MM-DDTHH:MM/DURATION\"), e.g. [\"isp-outage:Comcast Xfinity@2026-01-15T20:00/60m\"]."
  type        = list(string)
  default     = []
}

variable "generation_seed" {
  description = "Seed of the generated world and traffic (use the same for backfills)."
  type        = number
  default     = 42
}

variable "customers" {
  description = "Customers in the generated world; null (the default) sizes the world to events_per_day, about 2 h of viewing per active subscriber-day."
  type        = number
  default     = null
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
  description = "Firehose buffer interval, seconds (60-900: dynamic partitioning has no zero buffering)."
  type        = number
  default     = 300

  validation {
    condition     = var.firehose_buffering_interval_seconds >= 60 && var.firehose_buffering_interval_seconds <= 900
    error_message = "firehose_buffering_interval_seconds must be from 60 to 900: zero buffering is not available with dynamic partitioning."
  }
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
  description = "Further ARNs notified by the pipeline's alarms, besides the stack's own KMS-encrypted SNS topic."
  type        = list(string)
  default     = []
}

variable "alarm_email" {
  description = "An email address subscribed to the alarm topic (AWS sends a confirmation mail); null subscribes none."
  type        = string
  default     = null
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

variable "emr_backfill_image_uri" {
  description = "Custom EMR Serverless image with Python >= 3.11 and acme_gen's dependencies (make emr-image); required when emr_backfill_enabled."
  type        = string
  default     = null

  validation {
    condition     = !var.emr_backfill_enabled || var.emr_backfill_image_uri != null
    error_message = "emr_backfill_enabled needs emr_backfill_image_uri: release images ship a Python older than acme_gen's 3.11 (build one with make emr-image)."
  }
}

variable "emr_backfill_max_vcpu" {
  description = "Most vCPUs the EMR Serverless backfill may use at once."
  type        = number
  default     = 64
}
