data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  # Every name derives from the prefix, so two stacks share an account; the default prefix
  # "acme" gives the original stack's names (acme-telemetry-stream, acme_telemetry, ...).
  names = {
    stream    = coalesce(var.stream_name, "${var.prefix}-telemetry-stream")
    bucket    = "${var.prefix}-telemetry-data-${local.account_id}-${local.region}"
    database  = coalesce(var.database_name, "${replace(var.prefix, "-", "_")}_telemetry")
    workgroup = "${var.prefix}-telemetry"
    delivery  = "${var.prefix}-telemetry-delivery"
    generator = "${var.prefix}-data-generator"
    producer  = "${var.prefix}-data-producer"
    backfill  = "${var.prefix}-backfill"
  }
  package_path = coalesce(var.lambda_package_path, "${path.root}/../dist/acme-lambda-${var.lambda_architecture}.zip")
}

# One customer-managed key for the stream, the lake, Athena results, logs and the functions.
resource "aws_kms_key" "this" {
  description             = "${var.prefix}: ACME telemetry pipeline data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsEncrypt"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:*" } }
      },
      {
        # CloudWatch alarms publish to the KMS-encrypted alarm topic.
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.prefix}-telemetry"
  target_key_id = aws_kms_key.this.key_id
}

module "stream" {
  source = "./modules/stream"

  name            = local.names.stream
  stream_mode     = var.stream_mode
  shard_count     = var.stream_shard_count
  retention_hours = var.stream_retention_hours
  kms_key_arn     = aws_kms_key.this.arn
}

module "lake" {
  source = "./modules/lake"

  bucket_name                  = local.names.bucket
  force_destroy                = var.force_destroy
  kms_key_arn                  = aws_kms_key.this.arn
  database_name                = local.names.database
  schema_json_path             = "${path.root}/schema/tables.json"
  views_json_path              = "${path.root}/schema/views.json"
  queries_dir                  = "${path.root}/../python/acme_gen/queries"
  athena_workgroup_name        = local.names.workgroup
  projection_start_year        = var.projection_start_year
  error_output_expiration_days = var.error_output_retention_days
  athena_bytes_scanned_cutoff  = var.athena_bytes_scanned_cutoff
  table_format                 = var.table_format
  iceberg_table_optimizers     = var.iceberg_table_optimizers
}

module "delivery" {
  source = "./modules/delivery"

  name                       = local.names.delivery
  source_stream_arn          = module.stream.arn
  bucket_arn                 = module.lake.bucket_arn
  telemetry_prefix           = module.lake.telemetry_prefix
  glue_database_name         = module.lake.database_name
  glue_database_arn          = module.lake.database_arn
  glue_table_name            = module.lake.events_table_name
  glue_table_arn             = module.lake.events_table_arn
  kms_key_arn                = aws_kms_key.this.arn
  buffering_size_mb          = var.firehose_buffering_size_mb
  buffering_interval_seconds = var.firehose_buffering_interval_seconds
  log_retention_days         = var.log_retention_days
  table_format               = module.lake.table_format
  iceberg_prefix             = module.lake.iceberg_prefix
}

module "generator" {
  source = "./modules/generator"

  prefix                  = var.prefix
  generator_function_name = local.names.generator
  producer_function_name  = local.names.producer
  # The schedule targets a function that names the delivery stream, so it cannot fire before
  # Firehose is ACTIVE: Firehose reads Kinesis from LATEST and never sees earlier records.
  delivery_stream_name = module.delivery.name
  package_path         = local.package_path
  architecture         = var.lambda_architecture
  timeout_seconds      = var.lambda_timeout_seconds
  memory_mb            = var.lambda_memory_mb
  schedule_enabled     = var.schedule_enabled
  stream_name          = module.stream.name
  stream_arn           = module.stream.arn
  kms_key_arn          = aws_kms_key.this.arn
  events_per_day       = var.events_per_day
  # Kinesis: 1,000 records/s per shard in either mode; a new on-demand stream starts at
  # 4 MB/s of writes (4 shards). 80% of it, so retries and other writers have room.
  put_records_per_second = coalesce(var.put_records_per_second, 0.8 * (var.stream_mode == "PROVISIONED" ? var.stream_shard_count * 1000 : 4000))
  traffic_shape          = var.traffic_shape
  faults                 = var.faults
  table_format           = var.table_format
  incidents              = var.incidents
  seed                   = var.generation_seed
  customers              = var.customers
  titles                 = var.titles
  campaigns              = var.campaigns
  log_retention_days     = var.log_retention_days

  generator_reserved_concurrency = var.generator_reserved_concurrency
  producer_reserved_concurrency  = var.producer_reserved_concurrency
}

module "monitoring" {
  source = "./modules/monitoring"

  prefix               = var.prefix
  stream_name          = module.stream.name
  delivery_stream_name = module.delivery.name
  function_names = {
    generator = module.generator.generator_function_name
    producer  = module.generator.producer_function_name
  }
  metrics_namespace          = module.generator.metrics_namespace
  failure_queue_name         = module.generator.failure_queue_name
  kms_key_arn                = aws_kms_key.this.arn
  alarm_email                = var.alarm_email
  alarm_actions              = var.alarm_actions
  expect_continuous_traffic  = var.schedule_enabled
  table_format               = var.table_format
  buffering_interval_seconds = var.firehose_buffering_interval_seconds
}

module "backfill" {
  source = "./modules/emr_serverless"
  count  = var.emr_backfill_enabled ? 1 : 0

  name               = local.names.backfill
  force_destroy      = var.force_destroy
  image_uri          = var.emr_backfill_image_uri
  max_vcpu           = var.emr_backfill_max_vcpu
  bucket_arn         = module.lake.bucket_arn
  glue_database_name = module.lake.database_name
  kms_key_arn        = aws_kms_key.this.arn
  # What a backfill writes, from the code's own constants (acme_gen.schema.backfill_writes),
  # and emr/, where make emr-backfill puts the job's code.
  writable_prefixes = concat(jsondecode(file("${path.root}/schema/tables.json")).backfill_writes, ["emr/"])
}
