data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  # Event-time partitions: the hour of each record's own event_timestamp
  # ("2026-01-15T07:23:45.123Z"), not the hour Firehose happened to receive it.
  partition_query = "{year: .event_timestamp[0:4], month: .event_timestamp[5:7], day: .event_timestamp[8:10], hour: .event_timestamp[11:13]}"
  prefix          = "${var.telemetry_prefix}year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/"
  error_prefix    = "${var.error_prefix}!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
  log_stream      = "DestinationDelivery"

  iceberg     = var.table_format == "iceberg"
  catalog_arn = "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:catalog"
  # Firehose's guide ("Considerations and limitations"): no Iceberg destination in these.
  regions_without_iceberg = ["cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
  "ap-east-2", "ap-southeast-5", "ap-southeast-6", "mx-central-1"]
  # Iceberg: without an operation per record Firehose inserts, and keeps every duplicate
  # ("Route incoming records to a single Iceberg table"). Each record says "update": with
  # unique_keys that deletes the row of the same event_id and inserts this one (a missing
  # row is inserted), so a chunk sent twice leaves one row per event.
  iceberg_operation_query = jsonencode({ destinationDatabaseName = var.glue_database_name, destinationTableName = var.glue_table_name, operation = "update" })
  lake_prefixes           = local.iceberg ? [var.iceberg_prefix, var.error_prefix] : [var.telemetry_prefix, var.error_prefix]
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/kinesisfirehose/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_stream" "this" {
  name           = local.log_stream
  log_group_name = aws_cloudwatch_log_group.this.name
}

resource "aws_iam_role" "this" {
  name = "${var.name}-firehose"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "firehose.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = data.aws_caller_identity.current.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name = "delivery"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadSourceStream"
        Effect   = "Allow"
        Action   = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"]
        Resource = [var.source_stream_arn]
      },
      {
        Sid      = "LocateBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
        Resource = [var.bucket_arn]
      },
      {
        Sid    = "WriteLakePrefixes"
        Effect = "Allow"
        # Iceberg: Firehose also removes the files of a commit that failed.
        Action   = concat(["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], local.iceberg ? ["s3:DeleteObject"] : [])
        Resource = [for p in local.lake_prefixes : "${var.bucket_arn}/${p}*"]
      },
      {
        Sid = "ReadTableSchema"
        # Iceberg: Firehose commits through the Glue catalog (UpdateTable swaps the metadata).
        Effect   = "Allow"
        Action   = local.iceberg ? ["glue:GetTable", "glue:GetDatabase", "glue:UpdateTable"] : ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"]
        Resource = [local.catalog_arn, var.glue_database_arn, var.glue_table_arn]
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
        Action   = ["logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.this.arn}:log-stream:${local.log_stream}"]
      },
    ]
  })
}

resource "aws_kinesis_firehose_delivery_stream" "this" {
  name        = var.name
  destination = local.iceberg ? "iceberg" : "extended_s3"

  kinesis_source_configuration {
    kinesis_stream_arn = var.source_stream_arn
    role_arn           = aws_iam_role.this.arn
  }

  dynamic "extended_s3_configuration" {
    for_each = local.iceberg ? [] : [1]
    content {
      role_arn            = aws_iam_role.this.arn
      bucket_arn          = var.bucket_arn
      prefix              = local.prefix
      error_output_prefix = local.error_prefix
      buffering_size      = var.buffering_size_mb
      buffering_interval  = var.buffering_interval_seconds
      compression_format  = "UNCOMPRESSED" # Parquet compresses its own pages (Snappy)
      kms_key_arn         = var.kms_key_arn

      dynamic_partitioning_configuration {
        enabled = true
      }

      processing_configuration {
        enabled = true
        processors {
          type = "MetadataExtraction"
          parameters {
            parameter_name  = "MetadataExtractionQuery"
            parameter_value = local.partition_query
          }
          parameters {
            parameter_name  = "JsonParsingEngine"
            parameter_value = "JQ-1.6"
          }
        }
      }

      data_format_conversion_configuration {
        enabled = true
        input_format_configuration {
          deserializer {
            open_x_json_ser_de {}
          }
        }
        output_format_configuration {
          serializer {
            parquet_ser_de {
              compression = "SNAPPY"
            }
          }
        }
        schema_configuration {
          database_name = var.glue_database_name
          table_name    = var.glue_table_name
          role_arn      = aws_iam_role.this.arn
          region        = data.aws_region.current.name
          catalog_id    = data.aws_caller_identity.current.account_id
          version_id    = "LATEST"
        }
      }

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.this.name
        log_stream_name = aws_cloudwatch_log_stream.this.name
      }
    }
  }

  # Iceberg: Firehose writes Parquet into the Glue table (columns by name from the JSON's
  # first level; the producer adds year/month/day/hour), upserting on event_id (the JQ
  # query's operation), so the duplicates a retried producer sends collapse. Records it
  # cannot write go to S3.
  dynamic "iceberg_configuration" {
    for_each = local.iceberg ? [1] : []
    content {
      role_arn           = aws_iam_role.this.arn
      catalog_arn        = local.catalog_arn
      buffering_size     = var.buffering_size_mb
      buffering_interval = var.buffering_interval_seconds
      s3_backup_mode     = "FailedDataOnly"

      destination_table_configuration {
        database_name          = var.glue_database_name
        table_name             = var.glue_table_name
        unique_keys            = ["event_id"]
        s3_error_output_prefix = var.error_prefix
      }

      # The JQ method of "Route incoming records to different Iceberg tables": database,
      # table and operation per record; a JSON object is also a JQ expression of constants.
      processing_configuration {
        enabled = true
        processors {
          type = "MetadataExtraction"
          parameters {
            parameter_name  = "MetadataExtractionQuery"
            parameter_value = local.iceberg_operation_query
          }
          parameters {
            parameter_name  = "JsonParsingEngine"
            parameter_value = "JQ-1.6"
          }
        }
      }

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.bucket_arn
        error_output_prefix = local.error_prefix
        kms_key_arn         = var.kms_key_arn
        compression_format  = "UNCOMPRESSED"
      }

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.this.name
        log_stream_name = aws_cloudwatch_log_stream.this.name
      }
    }
  }

  lifecycle {
    precondition {
      condition     = !local.iceberg || !contains(local.regions_without_iceberg, data.aws_region.current.name)
      error_message = "Firehose has no Apache Iceberg destination in ${data.aws_region.current.name}; use table_format = \"hive\" there."
    }
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.this]
}
