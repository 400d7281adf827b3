mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-west-2" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-west-2:123456789012:log-group:mock" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-west-2:123456789012:mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:us-west-2:123456789012:function:mock" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-west-2:123456789012:rule/mock" }
  }
}

variables {
  name               = "acme-data-telemetry-delivery"
  source_stream_arn  = "arn:aws:kinesis:us-west-2:123456789012:stream/acme-telemetry-stream"
  bucket_arn         = "arn:aws:s3:::acme-telemetry-data-123456789012-us-west-2"
  glue_database_name = "acme_telemetry"
  glue_table_name    = "streaming_events"
  glue_database_arn  = "arn:aws:glue:us-west-2:123456789012:database/acme_telemetry"
  glue_table_arn     = "arn:aws:glue:us-west-2:123456789012:table/acme_telemetry/streaming_events"
  kms_key_arn        = "arn:aws:kms:us-west-2:123456789012:key/test"
}

run "event_time_partitions_and_parquet" {
  command = apply

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].prefix == "telemetry/year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/"
    error_message = "Firehose must write the Hive layout keyed on event time."
  }
  assert {
    condition     = startswith(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].error_output_prefix, "errors/!{firehose:error-output-type}/")
    error_message = "Errors go under errors/ by error type."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].dynamic_partitioning_configuration[0].enabled
    error_message = "Dynamic partitioning must be on."
  }
  assert {
    condition     = anytrue([for p in aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].processing_configuration[0].processors[0].parameters : strcontains(p.parameter_value, "hour: .event_timestamp[11:13]")])
    error_message = "The hour partition comes from event_timestamp."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].data_format_conversion_configuration[0].output_format_configuration[0].serializer[0].parquet_ser_de[0].compression == "SNAPPY"
    error_message = "Firehose converts to Snappy Parquet."
  }
  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].data_format_conversion_configuration[0].input_format_configuration[0].deserializer[0].open_x_json_ser_de) == 1
    error_message = "Input records are JSON (OpenX SerDe)."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].data_format_conversion_configuration[0].schema_configuration[0].table_name == "streaming_events"
    error_message = "Conversion uses the Glue events table."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].cloudwatch_logging_options[0].enabled
    error_message = "Delivery logs to CloudWatch."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.kinesis_source_configuration[0].kinesis_stream_arn == var.source_stream_arn
    error_message = "Firehose reads the given stream."
  }
}

run "role_names_only_what_it_needs" {
  command = apply

  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Resource])) == toset([
      var.source_stream_arn,
      var.bucket_arn,
      "${var.bucket_arn}/telemetry/*",
      "${var.bucket_arn}/errors/*",
      "arn:aws:glue:us-west-2:123456789012:catalog",
      var.glue_database_arn,
      var.glue_table_arn,
      var.kms_key_arn,
      "${aws_cloudwatch_log_group.this.arn}:log-stream:DestinationDelivery",
    ])
    error_message = "The Firehose role must name exactly its stream, prefixes, table, key and log stream."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.this.policy, "\"*\"")
    error_message = "No wildcard resources in the Firehose policy."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["sts:ExternalId"] == "123456789012"
    error_message = "Only this account's Firehose may assume the role."
  }
}

run "rejects_small_buffer_with_conversion" {
  command = plan
  variables {
    buffering_size_mb = 5
  }
  expect_failures = [var.buffering_size_mb]
}

run "rejects_prefix_without_slash" {
  command = plan
  variables {
    telemetry_prefix = "telemetry"
  }
  expect_failures = [var.telemetry_prefix]
}

run "rejects_zero_buffering_with_dynamic_partitioning" {
  command = plan
  variables {
    buffering_interval_seconds = 0
  }
  expect_failures = [var.buffering_interval_seconds]
}

run "rejects_buffering_below_a_minute" {
  command = plan
  variables {
    buffering_interval_seconds = 59
  }
  expect_failures = [var.buffering_interval_seconds]
}

run "accepts_the_documented_range" {
  command = plan
  variables {
    buffering_interval_seconds = 60
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].buffering_interval == 60 && aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].dynamic_partitioning_configuration[0].enabled
    error_message = "60 s is the shortest interval dynamic partitioning takes."
  }
}

run "iceberg_destination_upserts_on_event_id" {
  command = plan
  variables {
    table_format = "iceberg"
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "iceberg" && length(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration) == 0
    error_message = "Iceberg mode delivers to the Iceberg destination only."
  }
  # Firehose guide: with unique keys, updates and deletes run on those columns, and the
  # table must exist before the stream (the lake module's table name is the input here).
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].destination_table_configuration[0].unique_keys == tolist(["event_id"])
    error_message = "A retried chunk's duplicates collapse on event_id."
  }
  # Firehose guide, "Route incoming records to a single Iceberg table": to update or delete,
  # "you must provide the operation for each incoming record ... using either the JSONQuery
  # method or Lambda method"; without one it inserts and keeps the duplicates.
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].processing_configuration[0].enabled && aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].processing_configuration[0].processors[0].type == "MetadataExtraction"
    error_message = "Iceberg records go through a MetadataExtraction (JQ) processor."
  }
  assert {
    condition = jsondecode(one([
      for p in aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].processing_configuration[0].processors[0].parameters : p.parameter_value if p.parameter_name == "MetadataExtractionQuery"
    ])) == { destinationDatabaseName = "acme_telemetry", destinationTableName = "streaming_events", operation = "update" }
    error_message = "Each record updates (deletes the row of its event_id, then inserts) in the stack's table."
  }
  # API ProcessorParameter: the JQ engine is JQ-1.6; a value holds 1-5120 characters.
  assert {
    condition = alltrue([
      for p in aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].processing_configuration[0].processors[0].parameters : (p.parameter_name == "JsonParsingEngine" ? p.parameter_value == "JQ-1.6" : length(p.parameter_value) <= 5120)
    ])
    error_message = "The query runs on JQ-1.6 and fits the parameter's 5,120 characters."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].catalog_arn == "arn:aws:glue:us-west-2:123456789012:catalog"
    error_message = "Firehose commits through this account's Glue Data Catalog."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].s3_backup_mode == "FailedDataOnly" && aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].s3_configuration[0].error_output_prefix == "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
    error_message = "Records Firehose cannot write land under errors/, as in Hive mode."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].cloudwatch_logging_options[0].enabled
    error_message = "Delivery errors are logged."
  }
  assert {
    condition     = contains(jsondecode(aws_iam_role_policy.this.policy).Statement[3].Action, "glue:UpdateTable") && !contains(jsondecode(aws_iam_role_policy.this.policy).Statement[3].Action, "glue:GetTableVersions")
    error_message = "The role may commit to the table (UpdateTable) and needs no table versions."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this.policy).Statement[2].Resource == ["arn:aws:s3:::acme-telemetry-data-123456789012-us-west-2/iceberg/streaming_events/*", "arn:aws:s3:::acme-telemetry-data-123456789012-us-west-2/errors/*"]
    error_message = "The role writes only the table's files and the error prefix."
  }
}

run "no_iceberg_destination_where_firehose_has_none" {
  command = plan
  variables {
    table_format = "iceberg"
  }
  override_data {
    target = data.aws_region.current
    values = { name = "ap-southeast-5" }
  }
  expect_failures = [aws_kinesis_firehose_delivery_stream.this]
}

run "hive_keeps_the_parquet_conversion" {
  command = plan
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "extended_s3" && length(aws_kinesis_firehose_delivery_stream.this.iceberg_configuration) == 0
    error_message = "Hive mode is the extended S3 destination, as before."
  }
}

run "rejects_an_error_prefix_without_a_slash" {
  command = plan
  variables {
    error_prefix = "errors"
  }
  expect_failures = [var.error_prefix]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_an_unknown_table_format" {
  command = plan
  variables {
    table_format = "delta"
  }
  expect_failures = [var.table_format]
}

run "rejects_an_iceberg_prefix_with_a_leading_slash" {
  command = plan
  variables {
    iceberg_prefix = "/iceberg/"
  }
  expect_failures = [var.iceberg_prefix]
}
