mock_provider "aws" {
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
    error_message = "The stream keeps the seed's name."
  }
  assert {
    condition     = output.data_bucket_name == "acme-telemetry-data-123456789012-us-west-2"
    error_message = "The bucket is acme-telemetry-data-<account>-<region>."
  }
  assert {
    condition     = output.glue_database_name == "acme_telemetry"
    error_message = "The database is acme_telemetry."
  }
  assert {
    condition     = output.generator_function_name == "acme-data-generator" && output.producer_function_name == "acme-data-producer"
    error_message = "Lambda names follow the seed."
  }
  assert {
    condition     = module.stream.arn == output.stream_arn
    error_message = "stream_arn is the stream's."
  }
  assert {
    condition     = strcontains(output.dashboard_url, "region=us-west-2#dashboards:name=acme-data-pipeline")
    error_message = "The dashboard URL points at the pipeline dashboard."
  }
  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The stack key rotates."
  }
}

run "rejects_bad_prefix" {
  command = plan
  variables {
    prefix = "Acme Data"
  }
  expect_failures = [var.prefix]
}

run "emr_backfill_is_off_by_default" {
  command = plan

  assert {
    condition     = length(module.backfill) == 0
    error_message = "No EMR Serverless application unless asked for."
  }
}

run "emr_backfill_when_enabled" {
  command = plan
  variables {
    emr_backfill_enabled = true
  }
  assert {
    condition     = length(module.backfill) == 1
    error_message = "emr_backfill_enabled creates the application."
  }
}
