variable "prefix" {
  description = "Name prefix for roles and queues."
  type        = string
}

variable "generator_function_name" {
  description = "Name of the generator Lambda (plans each 5-minute window and fans out)."
  type        = string
}

variable "producer_function_name" {
  description = "Name of the producer Lambda (generates one chunk and puts it to Kinesis)."
  type        = string
}

variable "delivery_stream_name" {
  description = "The Firehose stream that reads the Kinesis stream. Firehose starts at LATEST, so the schedule's target is created only after it exists (a record put earlier is never delivered)."
  type        = string
}

variable "package_path" {
  description = "Path of the Lambda zip built by `make lambda-zip`; its hash redeploys changed code only."
  type        = string
}

variable "architecture" {
  description = "Lambda CPU architecture: arm64 (cheaper) or x86_64; must match the zip."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "python3.13"
}

variable "put_records_per_second" {
  description = "The stream's write capacity (records/s) a window's producers share: each chunk paces itself at this over the number of chunks, so a window is not one burst. null: no pacing."
  type        = number
  default     = null

  validation {
    condition     = var.put_records_per_second == null || try(var.put_records_per_second > 0, false)
    error_message = "put_records_per_second must be positive (or null for no pacing)."
  }
}

variable "timeout_seconds" {
  description = "Timeout of both functions, seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be between 1 and 900."
  }
}

variable "memory_mb" {
  description = "Memory of both functions, MB (CPU scales with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb must be between 128 and 10240."
  }
}

variable "producer_reserved_concurrency" {
  description = "Reserved concurrency of the producer (bounds the fan-out and the write rate); null reserves none. AWS refuses a reservation that leaves fewer than 100 unreserved executions in the account."
  type        = number
  default     = null

  validation {
    condition     = var.producer_reserved_concurrency == null || try(var.producer_reserved_concurrency >= 1, false)
    error_message = "producer_reserved_concurrency must be null (no reservation) or at least 1."
  }
}

variable "generator_reserved_concurrency" {
  description = "Reserved concurrency of the generator; null reserves none (see producer_reserved_concurrency)."
  type        = number
  default     = null

  validation {
    condition     = var.generator_reserved_concurrency == null || try(var.generator_reserved_concurrency >= 1, false)
    error_message = "generator_reserved_concurrency must be null (no reservation) or at least 1."
  }
}

variable "schedule_enabled" {
  description = "Whether the EventBridge rate(5 minutes) schedule fires."
  type        = bool
  default     = true
}

variable "stream_name" {
  description = "Kinesis stream the producer writes to."
  type        = string
}

variable "stream_arn" {
  description = "ARN of that stream (the producer may put records to it and nothing else)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the stream, the logs, the queue and the functions' environment."
  type        = string
}

variable "events_per_day" {
  description = "Mean events per day the live stream generates."
  type        = number
  default     = 1000000

  validation {
    condition     = var.events_per_day > 0
    error_message = "events_per_day must be positive."
  }
}

variable "traffic_shape" {
  description = "diurnal: the local-time daily and weekly curve around events_per_day; flat: a constant rate (as the stream's and backfill's --shape)."
  type        = string
  default     = "diurnal"

  validation {
    condition     = contains(["diurnal", "flat"], var.traffic_shape)
    error_message = "traffic_shape must be diurnal or flat."
  }
}

variable "table_format" {
  description = "hive or iceberg: in iceberg mode each record also carries year/month/day/hour (Firehose's Iceberg destination maps JSON fields to columns by name)."
  type        = string
  default     = "hive"

  validation {
    condition     = contains(["hive", "iceberg"], var.table_format)
    error_message = "table_format must be hive or iceberg."
  }
}

variable "faults" {
  description = "Faults the Lambdas inject, as the stream's --faults: \"KIND=R,...\" with KIND one of duplicate, drop, skew, malformed and R a share of events in [0, 1); \"\" for none. late and out_of_order need a sender that holds records (python -m acme_gen.stream): a Lambda invocation cannot."
  type        = string
  default     = ""

  validation {
    # The one check of each rate's form and range: a decimal in [0, 1), as the CLI takes.
    condition     = var.faults == "" || alltrue([for part in split(",", var.faults) : can(regex("^(duplicate|drop|skew|malformed)=(0|0?\\.[0-9]+)$", trimspace(part)))])
    error_message = "faults must be \"KIND=R,...\" with KIND one of duplicate, drop, skew, malformed and R in [0, 1); late and out_of_order need python -m acme_gen.stream."
  }
  validation {
    # Each kind once (acme_gen.scenario refuses a repeat the same way). A malformed part
    # is the check above's to name: this one passes what it cannot read.
    condition     = try(length(distinct([for part in split(",", var.faults) : split("=", trimspace(part))[0]])) == length(split(",", var.faults)), true)
    error_message = "each fault kind may be given once."
  }
  validation {
    # A share of events gets at most one fault: rates adding up to 1 or more fail every
    # invocation (acme_gen.scenario refuses them the same way). A malformed part or a rate
    # out of [0, 1) is the first check's to name: this one passes what it cannot read, and
    # sums only rates that are each in range.
    condition     = try(anytrue([for part in split(",", var.faults) : tonumber(split("=", trimspace(part))[1]) < 0 || tonumber(split("=", trimspace(part))[1]) >= 1]) || sum([for part in split(",", var.faults) : tonumber(split("=", trimspace(part))[1])]) < 1, true)
    error_message = "the fault rates must add up to less than 1 (each event gets at most one fault)."
  }
}

variable "incidents" {
  description = "Incidents the Lambdas play, as the stream's --incident: \"TYPE:SCOPE@YYYY-MM-DDTHH:MM/DURATION\" with TYPE isp-outage, cdn-degradation, bad-release or premiere and DURATION like 90m, 2h or 1d (UTC)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for i in var.incidents : can(regex("^(isp-outage|cdn-degradation|bad-release|premiere):[^@]+@[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z?/[0-9]+[mhd]$", i))])
    error_message = "each incident must be \"TYPE:SCOPE@YYYY-MM-DDTHH:MM/DURATION\" with TYPE isp-outage, cdn-degradation, bad-release or premiere, e.g. \"isp-outage:Comcast Xfinity@2026-01-15T20:00/60m\"."
  }
}

variable "chunk_events" {
  description = "Most events one producer invocation generates and sends."
  type        = number
  default     = 25000

  validation {
    condition     = var.chunk_events >= 100
    error_message = "chunk_events must be at least 100."
  }
}

variable "seed" {
  description = "Generation seed: with the same seed, a backfilled window equals the streamed one."
  type        = number
  default     = 42

  validation {
    condition     = var.seed >= 0 && floor(var.seed) == var.seed
    error_message = "seed must be a non-negative whole number."
  }
}

variable "customers" {
  description = "Customers in the generated world; null sizes the world to events_per_day (about 2 h of viewing per active subscriber-day), and too few for the volume fails the functions, naming the minimum."
  type        = number
  default     = null

  validation {
    condition     = var.customers == null || try(var.customers >= 1, false)
    error_message = "customers must be at least 1 (or null, to size the world to events_per_day)."
  }
}

variable "titles" {
  description = "Titles in the generated catalogue."
  type        = number
  default     = 500

  validation {
    condition     = var.titles >= 1
    error_message = "titles must be at least 1."
  }
}

variable "campaigns" {
  description = "Marketing campaigns in the generated world."
  type        = number
  default     = 50

  validation {
    condition     = var.campaigns >= 1
    error_message = "campaigns must be at least 1."
  }
}

variable "log_level" {
  description = "Powertools log level."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups."
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
