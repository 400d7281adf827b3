mock_provider "aws" {}

variables {
  name        = "acme-telemetry-stream"
  kms_key_arn = "arn:aws:kms:us-west-2:123456789012:key/test"
}

run "on_demand_by_default" {
  command = plan

  assert {
    condition     = aws_kinesis_stream.this.stream_mode_details[0].stream_mode == "ON_DEMAND"
    error_message = "The stream must default to ON_DEMAND."
  }
  assert {
    condition     = aws_kinesis_stream.this.shard_count == null
    error_message = "An on-demand stream takes no shard count."
  }
  assert {
    condition     = aws_kinesis_stream.this.retention_period == 24
    error_message = "Retention must default to 24 hours."
  }
  assert {
    condition     = aws_kinesis_stream.this.encryption_type == "KMS" && aws_kinesis_stream.this.kms_key_id == var.kms_key_arn
    error_message = "The stream must be KMS-encrypted with the given key."
  }
}

run "provisioned_with_shards" {
  command = plan
  variables {
    stream_mode = "PROVISIONED"
    shard_count = 4
  }
  assert {
    condition     = aws_kinesis_stream.this.shard_count == 4
    error_message = "A provisioned stream uses shard_count."
  }
  assert {
    condition     = aws_kinesis_stream.this.stream_mode_details[0].stream_mode == "PROVISIONED"
    error_message = "stream_mode reaches the stream: PROVISIONED mode, not on-demand with shards ignored."
  }
}

run "rejects_short_retention" {
  command = plan
  variables {
    retention_hours = 12
  }
  expect_failures = [var.retention_hours]
}

run "rejects_unknown_mode" {
  command = plan
  variables {
    stream_mode = "FAST"
  }
  expect_failures = [var.stream_mode]
}

run "rejects_fractional_shards" {
  command = plan
  variables {
    shard_count = 1.5
  }
  expect_failures = [var.shard_count]
}

run "rejects_a_stream_name_with_a_space" {
  command = plan
  variables {
    name = "acme telemetry"
  }
  expect_failures = [var.name]
}

run "rejects_a_stream_name_over_128_characters" {
  command = plan
  variables {
    name = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  }
  expect_failures = [var.name]
}
