data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  schema      = jsondecode(file(var.schema_json_path))
  table_dirs  = local.schema.table_dirs
  events      = local.schema.tables.streaming_events
  dimensions  = { for name, table in local.schema.tables : name => table if name != "streaming_events" }
  lake_url    = "s3://${aws_s3_bucket.this.bucket}"
  catalog_arn = "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:catalog"
  events_url  = "${local.lake_url}/${local.table_dirs.streaming_events}/"
  iceberg     = var.table_format == "iceberg"
  # An Iceberg table keeps year/month/day/hour as ordinary columns (every seed query runs
  # unchanged); Glue's Iceberg CREATE takes no partition keys ("Cannot create partitions in
  # an iceberg table" with this provider), so filters on them prune on column statistics.
  iceberg_dir     = "iceberg/streaming_events"
  iceberg_url     = "${local.lake_url}/${local.iceberg_dir}/"
  iceberg_columns = concat(local.events.columns, local.events.partition_keys)
  # IAM role names hold at most 64 characters and Glue database names 255: a long database
  # name is cut and made unique again by its hash.
  optimizer_suffix = "-iceberg-optimizer"
  optimizer_role = (length(var.database_name) <= 64 - length(local.optimizer_suffix)
    ? "${var.database_name}${local.optimizer_suffix}"
  : "${substr(var.database_name, 0, 37)}-${substr(sha1(var.database_name), 0, 8)}${local.optimizer_suffix}")

  # Partition projection: Athena computes partitions from these ranges, so new hours are
  # queryable at once without MSCK REPAIR TABLE (Athena then ignores registered partitions).
  # year is date-typed and ends at NOW: Athena enumerates only the years that can hold data,
  # and data of a new year is visible without a change here.
  projection = {
    "projection.enabled"            = "true"
    "projection.year.type"          = "date"
    "projection.year.format"        = "yyyy"
    "projection.year.range"         = "${var.projection_start_year},NOW"
    "projection.year.interval"      = "1"
    "projection.year.interval.unit" = "YEARS"
    "projection.month.type"         = "integer"
    "projection.month.range"        = "1,12"
    "projection.month.digits"       = "2"
    "projection.day.type"           = "integer"
    "projection.day.range"          = "1,31"
    "projection.day.digits"         = "2"
    "projection.hour.type"          = "integer"
    "projection.hour.range"         = "0,23"
    "projection.hour.digits"        = "2"
    "storage.location.template"     = "${local.events_url}year=$${year}/month=$${month}/day=$${day}/hour=$${hour}/"
  }
  # The de-duplicated view, from the same SQL the local DuckDB views run.
  event_columns = concat(local.events.columns, local.events.partition_keys)
  unique_view_sql = replace(replace(
    file("${var.queries_dir}/views/streaming_events_unique.sql"),
    "{columns}", join(", ", [for c in local.event_columns : c.name])),
  "{database}", var.database_name)
  presto_types = { string = "varchar", int = "integer", bigint = "bigint", double = "double", boolean = "boolean" }
  # The sessions and QoE KPI views: their columns from views.json (as DuckDB types the same
  # SQL), their SQL from the files the local views run, naming this stack's database.
  views         = jsondecode(file(var.views_json_path)).views
  view_sql      = { for name, _ in local.views : name => replace(file("${var.queries_dir}/views/${name}.sql"), "{database}", var.database_name) }
  parquet_serde = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
  parquet_in    = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
  parquet_out   = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
}

# --- S3 ------------------------------------------------------------------------------------

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a per-deployment choice; this is a generated, reproducible dataset.
  #checkov:skip=CKV_AWS_18:Access logging needs a second bucket; enable it with an organisation-wide log bucket.
  #checkov:skip=CKV2_AWS_62:Event notifications have no consumer in this stack; Glue finds data by partition projection.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_policy" "tls_only" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-athena-results"
    status = "Enabled"
    filter {
      prefix = "athena-results/"
    }
    expiration {
      days = var.athena_results_expiration_days
    }
  }

  rule {
    id     = "expire-delivery-errors"
    status = "Enabled"
    filter {
      prefix = "errors/"
    }
    expiration {
      days = var.error_output_expiration_days
    }
  }

  rule {
    id     = "tidy-versions-and-uploads"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
    # Once its noncurrent versions expire, a deleted object leaves only its delete marker;
    # S3 removes such markers only when asked (S3 guide, "Removing expired object delete
    # markers"). Not with days or a date: S3 refuses ExpiredObjectDeleteMarker beside them.
    expiration {
      expired_object_delete_marker = true
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

# --- Glue catalog --------------------------------------------------------------------------

resource "aws_glue_catalog_database" "this" {
  name        = var.database_name
  description = "ACME video-streaming telemetry (acme_gen)."
  tags        = var.tags
}

resource "aws_glue_catalog_table" "streaming_events" {
  count = local.iceberg ? 0 : 1

  name          = "streaming_events"
  database_name = aws_glue_catalog_database.this.name
  description   = "Player events; columns generated from acme_gen.models.StreamingEvent."
  table_type    = "EXTERNAL_TABLE"

  parameters = merge(local.projection, {
    "classification"      = "parquet"
    "parquet.compression" = "SNAPPY"
    "EXTERNAL"            = "TRUE"
  })

  dynamic "partition_keys" {
    for_each = local.events.partition_keys
    content {
      name = partition_keys.value.name
      type = partition_keys.value.type
    }
  }

  storage_descriptor {
    location      = local.events_url
    input_format  = local.parquet_in
    output_format = local.parquet_out

    ser_de_info {
      serialization_library = local.parquet_serde
      parameters            = { "serialization.format" = "1" }
    }

    dynamic "columns" {
      for_each = local.events.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }
}

moved {
  from = aws_glue_catalog_table.streaming_events
  to   = aws_glue_catalog_table.streaming_events[0]
}

# Iceberg: Glue creates a format-v2 table (the only version Firehose writes to) and owns its
# metadata from then on; writers (Firehose, Athena, the optimizers, pyiceberg) update its
# parameters (metadata_location), which Terraform must leave alone.
resource "aws_glue_catalog_table" "streaming_events_iceberg" {
  count = local.iceberg ? 1 : 0

  name          = "streaming_events"
  database_name = aws_glue_catalog_database.this.name
  description   = "Player events (Apache Iceberg); columns generated from acme_gen.models.StreamingEvent."
  table_type    = "EXTERNAL_TABLE"

  open_table_format_input {
    iceberg_input {
      metadata_operation = "CREATE"
      version            = "2"
    }
  }

  storage_descriptor {
    location = local.iceberg_url

    dynamic "columns" {
      for_each = local.iceberg_columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = lookup(columns.value, "comment", "the event's hour, as a string: a column here, not a Hive partition")
      }
    }
  }

  lifecycle {
    ignore_changes = [parameters, storage_descriptor]
  }
}

locals {
  events_table = one(concat(aws_glue_catalog_table.streaming_events, aws_glue_catalog_table.streaming_events_iceberg))
}

# --- Iceberg table maintenance (Glue table optimizers) --------------------------------------

resource "aws_iam_role" "optimizer" {
  count = local.iceberg && var.iceberg_table_optimizers ? 1 : 0
  name  = local.optimizer_role
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "glue.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "optimizer" {
  count = local.iceberg && var.iceberg_table_optimizers ? 1 : 0
  name  = "iceberg-maintenance"
  role  = aws_iam_role.optimizer[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "TableFiles"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = ["${aws_s3_bucket.this.arn}/${local.iceberg_dir}/*"]
      },
      {
        Sid       = "ListTable"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = [aws_s3_bucket.this.arn]
        Condition = { StringLike = { "s3:prefix" = ["${local.iceberg_dir}/*"] } }
      },
      {
        Sid      = "Catalog"
        Effect   = "Allow"
        Action   = ["glue:GetTable", "glue:UpdateTable"]
        Resource = [local.catalog_arn, aws_glue_catalog_database.this.arn, local.events_table.arn]
      },
      {
        Sid      = "UseKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
      },
      {
        Sid      = "Log"
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws-glue/iceberg-*"]
      },
    ]
  })
}

resource "aws_glue_catalog_table_optimizer" "this" {
  for_each = local.iceberg && var.iceberg_table_optimizers ? toset(["compaction", "retention", "orphan_file_deletion"]) : toset([])

  catalog_id    = data.aws_caller_identity.current.account_id
  database_name = aws_glue_catalog_database.this.name
  table_name    = local.events_table.name
  type          = each.key

  configuration {
    role_arn = aws_iam_role.optimizer[0].arn
    enabled  = true

    dynamic "retention_configuration" {
      for_each = each.key == "retention" ? [1] : []
      content {
        iceberg_configuration {
          snapshot_retention_period_in_days = var.iceberg_snapshot_retention_days
          number_of_snapshots_to_retain     = 1
          clean_expired_files               = true
        }
      }
    }

    dynamic "orphan_file_deletion_configuration" {
      for_each = each.key == "orphan_file_deletion" ? [1] : []
      content {
        iceberg_configuration {
          orphan_file_retention_period_in_days = var.iceberg_orphan_file_retention_days
          location                             = local.iceberg_url
        }
      }
    }
  }

  depends_on = [aws_iam_role_policy.optimizer]
}

resource "aws_glue_catalog_table" "dimension" {
  for_each = local.dimensions

  name          = each.key
  database_name = aws_glue_catalog_database.this.name
  description   = "Dimension table ${each.key}; columns generated from acme_gen.models."
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "classification"      = "parquet"
    "parquet.compression" = "SNAPPY"
    "EXTERNAL"            = "TRUE"
  }

  storage_descriptor {
    location      = "${local.lake_url}/${local.table_dirs[each.key]}/"
    input_format  = local.parquet_in
    output_format = local.parquet_out

    ser_de_info {
      serialization_library = local.parquet_serde
      parameters            = { "serialization.format" = "1" }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }
}

# --- Athena --------------------------------------------------------------------------------

resource "aws_athena_workgroup" "this" {
  name          = var.athena_workgroup_name
  description   = "Queries over the ACME telemetry lake."
  force_destroy = var.force_destroy

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    result_configuration {
      output_location = "${local.lake_url}/athena-results/"
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}

resource "aws_athena_named_query" "example" {
  for_each = fileset(var.queries_dir, "*.sql")

  name        = trimsuffix(each.value, ".sql")
  description = trimspace(trimprefix(split("\n", file("${var.queries_dir}/${each.value}"))[0], "--"))
  database    = aws_glue_catalog_database.this.name
  workgroup   = aws_athena_workgroup.this.id
  # The example queries name the seed's database; they run against this stack's.
  query = replace(file("${var.queries_dir}/${each.value}"), "acme_telemetry.", "${aws_glue_catalog_database.this.name}.")
}

# An Athena view is a Glue table holding the Presto view definition (base64 JSON).
resource "aws_glue_catalog_table" "streaming_events_unique" {
  name          = "streaming_events_unique"
  database_name = aws_glue_catalog_database.this.name
  description   = "streaming_events with one row per event_id (at-least-once duplicates removed)."
  table_type    = "VIRTUAL_VIEW"
  parameters    = { presto_view = "true", comment = "Presto View" }

  view_original_text = "/* Presto View: ${base64encode(jsonencode({
    originalSql = local.unique_view_sql
    catalog     = "awsdatacatalog"
    schema      = aws_glue_catalog_database.this.name
    columns     = [for c in local.event_columns : { name = c.name, type = local.presto_types[c.type] }]
  }))} */"
  view_expanded_text = "/* Presto View */"

  storage_descriptor {
    dynamic "columns" {
      for_each = local.event_columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}

# The sessions, sessions by breakdown, concurrent plays and QoE KPI views: Athena views of
# the same SQL the local DuckDB views run (python/acme_gen/queries/views/).
resource "aws_glue_catalog_table" "view" {
  for_each      = local.views
  name          = each.key
  database_name = aws_glue_catalog_database.this.name
  description   = each.value.description
  table_type    = "VIRTUAL_VIEW"
  parameters    = { presto_view = "true", comment = "Presto View" }

  view_original_text = "/* Presto View: ${base64encode(jsonencode({
    originalSql = local.view_sql[each.key]
    catalog     = "awsdatacatalog"
    schema      = aws_glue_catalog_database.this.name
    columns     = [for c in each.value.columns : { name = c.name, type = local.presto_types[c.type] }]
  }))} */"
  view_expanded_text = "/* Presto View */"

  storage_descriptor {
    dynamic "columns" {
      for_each = each.value.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}
