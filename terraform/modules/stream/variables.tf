variable "name" {
  description = "Name of the Kinesis data stream."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{1,128}$", var.name))
    error_message = "The stream name must be 1-128 characters of letters, digits, '_', '.' or '-'."
  }
}

variable "stream_mode" {
  description = "ON_DEMAND (scales by itself) or PROVISIONED (fixed shard_count)."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream_mode)
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "shard_count" {
  description = "Shards when stream_mode is PROVISIONED; ignored on demand."
  type        = number
  default     = 1

  validation {
    condition     = var.shard_count >= 1 && floor(var.shard_count) == var.shard_count
    error_message = "shard_count must be a whole number of at least 1."
  }
}

variable "retention_hours" {
  description = "How long records stay in the stream (24 to 8760 hours)."
  type        = number
  default     = 24

  validation {
    condition     = var.retention_hours >= 24 && var.retention_hours <= 8760
    error_message = "retention_hours must be between 24 and 8760."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the stream at rest."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
