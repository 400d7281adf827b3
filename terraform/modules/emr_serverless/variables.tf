variable "name" {
  description = "Name of the EMR Serverless application."
  type        = string
}

variable "image_uri" {
  description = "Custom image (ECR URI, tag or digest) extending the EMR Serverless Spark base image with Python >= 3.11 and acme_gen's dependencies (docker/emr-serverless/Dockerfile)."
  type        = string

  validation {
    # The pattern AWS documents for ImageConfigurationInput.ImageUri.
    condition     = can(regex("^([a-z0-9]+[a-z0-9-.]*)/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([a-zA-Z0-9_][a-zA-Z0-9-._]{0,299})|@(sha256:[0-9a-f]{64}))$", var.image_uri))
    error_message = "image_uri must be an ECR image URI with a tag or a sha256 digest, e.g. 123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-backfill-spark:1."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the image repository with its images."
  type        = bool
  default     = false
}

variable "release_label" {
  description = "EMR release (Spark version and default Python); the job needs Python >= 3.11, see the README."
  type        = string
  default     = "emr-7.9.0"

  validation {
    condition     = can(regex("^emr-[0-9]+\\.[0-9]+\\.[0-9]+$", var.release_label))
    error_message = "release_label must look like emr-7.9.0."
  }
}

variable "architecture" {
  description = "ARM64 (cheaper) or X86_64."
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.architecture)
    error_message = "architecture must be ARM64 or X86_64."
  }
}

variable "max_vcpu" {
  description = "Most vCPUs the application may use at once (bounds cost)."
  type        = number
  default     = 64

  validation {
    condition     = var.max_vcpu >= 1
    error_message = "max_vcpu must be at least 1."
  }
}

variable "max_memory_gb" {
  description = "Most memory (GB) the application may use at once."
  type        = number
  default     = 256

  validation {
    condition     = var.max_memory_gb >= 1
    error_message = "max_memory_gb must be at least 1."
  }
}

variable "idle_timeout_minutes" {
  description = "Stop the application after this many idle minutes."
  type        = number
  default     = 15

  validation {
    condition     = var.idle_timeout_minutes >= 1 && var.idle_timeout_minutes <= 10080
    error_message = "idle_timeout_minutes must be between 1 and 10080."
  }
}

variable "bucket_arn" {
  description = "ARN of the data lake bucket the job writes to."
  type        = string
}

variable "writable_prefixes" {
  description = "Key prefixes (ending in '/') and keys the job may read, write and delete: every path a backfill writes (the root passes tables.json's backfill_writes) and the job's code."
  type        = list(string)

  validation {
    condition     = length(var.writable_prefixes) > 0 && alltrue([for p in var.writable_prefixes : p != "" && !startswith(p, "/") && !strcontains(p, "*")])
    error_message = "writable_prefixes must be non-empty keys or prefixes, without a leading '/' or a wildcard."
  }
}

variable "glue_database_name" {
  description = "Glue database whose events table receives the partitions."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the bucket."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
