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
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-west-2:123456789012:key/mock", key_id = "mock" }
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
  mock_resource "aws_kinesis_stream" {
    defaults = { arn = "arn:aws:kinesis:us-west-2:123456789012:stream/acme-telemetry-stream" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::acme-telemetry-data-123456789012-us-west-2" }
  }
  mock_resource "aws_glue_catalog_database" {
    defaults = { arn = "arn:aws:glue:us-west-2:123456789012:database/acme_telemetry" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-west-2:123456789012:acme-pipeline-alarms" }
  }
  mock_resource "aws_glue_catalog_table" {
    defaults = { arn = "arn:aws:glue:us-west-2:123456789012:table/acme_telemetry/streaming_events" }
  }
}

variables {
  lambda_package_path = "modules/generator/tests/fixtures/package.zip"
}

run "seed_defaults_wire_together" {
  command = apply

  assert {
    condition     = output.stream_name == "acme-telemetry-stream"
    error_message = "The default prefix gives the seed's stream name."
  }
  assert {
    condition     = output.data_bucket_name == "acme-telemetry-data-123456789012-us-west-2"
    error_message = "The bucket is <prefix>-telemetry-data-<account>-<region>."
  }
  assert {
    condition     = output.glue_database_name == "acme_telemetry"
    error_message = "The default prefix gives the seed's database, acme_telemetry."
  }
  assert {
    condition     = output.generator_function_name == "acme-data-generator" && output.producer_function_name == "acme-data-producer"
    error_message = "Lambda names follow the seed."
  }
  assert {
    condition     = strcontains(output.dashboard_url, "region=us-west-2#dashboards:name=acme-pipeline")
    error_message = "The dashboard URL points at the pipeline dashboard."
  }
  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The stack key rotates."
  }
  # Wiring: Firehose writes where Glue and Athena read, and reads the stream the producer writes.
  assert {
    condition = (
      module.delivery.destination.bucket_arn == module.lake.bucket_arn &&
      module.delivery.destination.source_stream_arn == module.stream.arn &&
      module.delivery.destination.database_name == module.lake.database_name &&
      module.delivery.destination.table_name == module.lake.events_table_name &&
      module.delivery.prefix == "${module.lake.telemetry_prefix}year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/"
    )
    error_message = "Firehose reads the stream the producer writes and delivers into the lake's table location, converting with the lake's table."
  }
  # The schedule cannot fire before Firehose exists: Firehose reads Kinesis from LATEST.
  assert {
    condition     = strcontains(module.generator.schedule_description, module.delivery.name)
    error_message = "The schedule is created after (and names) the delivery stream."
  }
}

run "cloudwatch_may_publish_to_the_encrypted_alarm_topic" {
  command = plan

  assert {
    condition     = one([for s in jsondecode(aws_kms_key.this.policy).Statement : s.Principal.Service if s.Sid == "CloudWatchAlarmsPublish"]) == "cloudwatch.amazonaws.com"
    error_message = "The key policy lets CloudWatch alarms use the topic's key."
  }
}

run "blue_stack" {
  command = apply
  variables {
    prefix = "blue"
  }
  assert {
    condition     = output.resource_names.database == "blue_telemetry" && output.resource_names.stream == "blue-telemetry-stream"
    error_message = "Names derive from the prefix."
  }
}

run "green_stack_shares_no_name_with_blue" {
  command = apply
  variables {
    prefix = "green"
  }
  assert {
    condition     = length(setintersection(toset(values(run.blue_stack.resource_names)), toset(values(output.resource_names)))) == 0
    error_message = "Two prefixes give disjoint names, so two stacks share an account."
  }
  assert {
    condition     = alltrue([for k, v in output.resource_names : strcontains(v, "green")])
    error_message = "Every name carries the prefix."
  }
}

run "rejects_bad_prefix" {
  command = plan
  variables {
    prefix = "Acme Data"
  }
  expect_failures = [var.prefix]
}

run "rejects_prefix_too_long_for_the_bucket_name" {
  command = plan
  variables {
    prefix = "a-very-long-prefix-xyz"
  }
  expect_failures = [var.prefix]
}

run "rejects_zero_buffering" {
  command = plan
  variables {
    firehose_buffering_interval_seconds = 0
  }
  expect_failures = [var.firehose_buffering_interval_seconds]
}

run "emr_backfill_is_off_by_default" {
  command = plan

  assert {
    condition     = length(module.backfill) == 0
    error_message = "No EMR Serverless application unless asked for."
  }
}

run "emr_backfill_needs_an_image" {
  command = plan
  variables {
    emr_backfill_enabled = true
  }
  expect_failures = [var.emr_backfill_image_uri]
}

run "emr_backfill_when_enabled" {
  command = plan
  variables {
    emr_backfill_enabled   = true
    emr_backfill_image_uri = "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-backfill-spark:1"
  }
  assert {
    condition     = length(module.backfill) == 1
    error_message = "emr_backfill_enabled creates the application."
  }
  # Every path a backfill writes (--faults: _truth/ and errors/; --incident: _truth/;
  # --table-format iceberg: iceberg/; --overwrite deletes them), from the code's constants.
  assert {
    condition = length(setsubtract([
      "_truth/*", "errors/*", "iceberg/*", "telemetry/*", "customers/*", "titles/*", "campaigns/*", "_acme_manifest.json", "emr/*",
    ], [for r in module.backfill[0].writable_resources : trimprefix(r, "${module.lake.bucket_arn}/")])) == 0
    error_message = "The EMR job may write every path the backfill writes, as tables.json lists them."
  }
}

run "iceberg_stack_wires_together" {
  command = apply
  variables {
    table_format = "iceberg"
  }
  assert {
    condition = (
      module.delivery.destination.bucket_arn == module.lake.bucket_arn &&
      module.delivery.destination.database_name == module.lake.database_name &&
      module.delivery.destination.table_name == module.lake.events_table_name
    )
    error_message = "Firehose upserts into the lake's Iceberg table."
  }
  assert {
    condition     = alltrue([for f in module.generator.function_environments : f["ACME_TABLE_FORMAT"] == "iceberg"])
    error_message = "The producer adds the partition fields Firehose's Iceberg destination maps by name."
  }
  assert {
    condition     = length(module.lake.named_query_ids) == 12
    error_message = "The seed's named queries are deployed on the Iceberg table too."
  }
}

run "rejects_an_unknown_table_format" {
  command = plan
  variables {
    table_format = "orc"
  }
  expect_failures = [var.table_format]
}

run "rejects_an_availability_zone_as_region" {
  command = plan
  variables {
    region = "us-west-2a"
  }
  expect_failures = [var.region]
}

run "rejects_a_lower_case_stream_mode" {
  command = plan
  variables {
    stream_mode = "on_demand"
  }
  expect_failures = [var.stream_mode]
}

run "rejects_a_database_name_glue_would_lower_case" {
  command = plan
  variables {
    database_name = "Acme-Telemetry"
  }
  expect_failures = [var.database_name]
}

run "producers_share_the_stream_capacity" {
  command = plan
  assert {
    condition     = module.generator.function_environments["producer"]["ACME_PUT_RECORDS_PER_SECOND"] == "3200"
    error_message = "On demand: 80% of a new stream's 4,000 records/s."
  }
}

run "a_provisioned_stream_budgets_its_shards" {
  command = plan
  variables {
    stream_mode        = "PROVISIONED"
    stream_shard_count = 2
  }
  assert {
    condition     = module.generator.function_environments["producer"]["ACME_PUT_RECORDS_PER_SECOND"] == "1600"
    error_message = "Provisioned: 80% of 1,000 records/s per shard."
  }
}
