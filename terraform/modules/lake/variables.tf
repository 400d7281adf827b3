variable "bucket_name" {
  description = "Name of the data lake bucket (acme-telemetry-data-<account>-<region> in the root)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete the bucket with its objects. Off: data outlives the stack."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "KMS key for bucket default encryption and Athena results."
  type        = string
}

variable "database_name" {
  description = "Glue database (Athena schema) holding the tables."
  type        = string
  default     = "acme_telemetry"

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.database_name))
    error_message = "database_name must be lowercase letters, digits and underscores."
  }
}

variable "schema_json_path" {
  description = "The Glue column document generated from the pydantic models (python -m acme_gen.schema)."
  type        = string
}

variable "views_json_path" {
  description = "The columns of the sessions and QoE KPI views (scripts/build_views_json.py writes terraform/schema/views.json)."
  type        = string
}

variable "queries_dir" {
  description = "Directory of *.sql files to publish as Athena named queries."
  type        = string
}

variable "projection_start_year" {
  description = "First year partition projection covers; the range ends at NOW, so unfiltered queries enumerate only years that can hold data."
  type        = number
  default     = 2024

  validation {
    condition     = var.projection_start_year >= 1971 && var.projection_start_year <= 9999 && floor(var.projection_start_year) == var.projection_start_year
    error_message = "projection_start_year must be a year from 1971 to 9999."
  }
}

variable "athena_workgroup_name" {
  description = "Athena workgroup for the lake's queries."
  type        = string
  default     = "acme-telemetry"
}

variable "athena_bytes_scanned_cutoff" {
  description = "Per-query scan limit in bytes (Athena's minimum is 10 MB)."
  type        = number
  default     = 10737418240

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760
    error_message = "athena_bytes_scanned_cutoff must be at least 10485760 (10 MB)."
  }
}

variable "athena_results_expiration_days" {
  description = "Days after which Athena results (athena-results/) expire."
  type        = number
  default     = 30

  validation {
    condition     = var.athena_results_expiration_days >= 1
    error_message = "athena_results_expiration_days must be at least 1."
  }
}

variable "error_output_expiration_days" {
  description = "Days records Firehose could not convert or partition stay under errors/ for investigation."
  type        = number
  default     = 365

  validation {
    condition     = var.error_output_expiration_days >= 7
    error_message = "error_output_expiration_days must be at least 7: failed records need time to be noticed and investigated."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten object versions expire."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

variable "table_format" {
  description = "hive: Parquet in year=/month=/day=/hour= partitions with partition projection; iceberg: an Apache Iceberg (v2) table Glue creates and maintains (compaction, snapshot retention, orphan-file deletion)."
  type        = string
  default     = "hive"

  validation {
    condition     = contains(["hive", "iceberg"], var.table_format)
    error_message = "table_format must be hive or iceberg."
  }
}

variable "iceberg_snapshot_retention_days" {
  description = "Iceberg: days an old snapshot stays for time travel before the retention optimizer expires it (and its unreferenced files)."
  type        = number
  default     = 5

  validation {
    condition     = var.iceberg_snapshot_retention_days >= 1
    error_message = "iceberg_snapshot_retention_days must be at least 1."
  }
}

variable "iceberg_orphan_file_retention_days" {
  description = "Iceberg: days a file no snapshot references stays before the orphan-file optimizer deletes it (it must outlive any write in flight)."
  type        = number
  default     = 3

  validation {
    condition     = var.iceberg_orphan_file_retention_days >= 1
    error_message = "iceberg_orphan_file_retention_days must be at least 1."
  }
}

variable "iceberg_table_optimizers" {
  description = "Iceberg: let Glue compact the table, expire old snapshots and delete orphan files (off only where another job maintains the table)."
  type        = bool
  default     = true
}
