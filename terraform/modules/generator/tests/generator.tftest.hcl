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
  prefix                  = "acme-data"
  generator_function_name = "acme-data-generator"
  producer_function_name  = "acme-data-producer"
  delivery_stream_name    = "acme-telemetry-delivery"
  package_path            = "tests/fixtures/package.zip"
  stream_name             = "acme-telemetry-stream"
  stream_arn              = "arn:aws:kinesis:us-west-2:123456789012:stream/acme-telemetry-stream"
  kms_key_arn             = "arn:aws:kms:us-west-2:123456789012:key/test"
}

run "functions_match_the_seed" {
  command = apply

  assert {
    condition     = aws_lambda_function.this["generator"].function_name == "acme-data-generator" && aws_lambda_function.this["producer"].function_name == "acme-data-producer"
    error_message = "Function names follow the seed."
  }
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.runtime == "python3.13" && one(f.architectures) == "arm64" && f.timeout == 60])
    error_message = "python3.13 on arm64 with a 60 s timeout by default."
  }
  assert {
    condition     = aws_lambda_function.this["producer"].handler == "acme_gen.lambdas.producer.handler" && aws_lambda_function.this["generator"].handler == "acme_gen.lambdas.generator.handler"
    error_message = "Handlers point into acme_gen.lambdas."
  }
  assert {
    condition     = aws_lambda_function.this["producer"].source_code_hash == filebase64sha256("tests/fixtures/package.zip")
    error_message = "The code hash follows the zip, so only changed code redeploys."
  }
  assert {
    condition     = aws_lambda_function.this["producer"].environment[0].variables["ACME_STREAM_NAME"] == "acme-telemetry-stream" && aws_lambda_function.this["generator"].environment[0].variables["ACME_PRODUCER_NAME"] == "acme-data-producer"
    error_message = "The functions learn the stream and the producer from their environment."
  }
  assert {
    condition     = aws_lambda_function.this["generator"].environment[0].variables["ACME_EVENTS_PER_DAY"] == "1000000" && aws_lambda_function.this["generator"].environment[0].variables["ACME_SEED"] == "42" && aws_lambda_function.this["producer"].environment[0].variables["ACME_TRAFFIC_SHAPE"] == "diurnal"
    error_message = "Generation settings are passed as environment."
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days == 365])
    error_message = "Log groups have a retention."
  }
  assert {
    condition     = alltrue([for c in aws_lambda_function_event_invoke_config.this : c.destination_config[0].on_failure[0].destination == aws_sqs_queue.failures.arn])
    error_message = "Failed async invocations go to the failure queue."
  }
}

run "schedule_every_five_minutes" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_rule.schedule.schedule_expression == "rate(5 minutes)" && aws_cloudwatch_event_rule.schedule.state == "ENABLED"
    error_message = "The generator runs every 5 minutes."
  }
}

run "schedule_can_be_disabled" {
  command = plan
  variables {
    schedule_enabled = false
  }
  assert {
    condition     = aws_cloudwatch_event_rule.schedule.state == "DISABLED"
    error_message = "schedule_enabled = false disables the rule."
  }
}

run "least_privilege" {
  command = apply

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this["producer"].policy).Statement : s if s.Sid == "PutToStream"][0].Resource == [var.stream_arn]
    error_message = "The producer may put records to its stream only."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.this["producer"].policy).Statement : s if anytrue([for a in s.Action : startswith(a, "kinesis:")])]) == 1
    error_message = "Only one producer statement grants Kinesis actions."
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this["generator"].policy).Statement : s if s.Sid == "InvokeProducer"][0].Resource == ["arn:aws:lambda:us-west-2:123456789012:function:acme-data-producer"]
    error_message = "The generator may invoke the producer only."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.this["generator"].policy, "kinesis:")
    error_message = "The generator may not write to Kinesis."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.this["producer"].policy, "lambda:")
    error_message = "The producer may not invoke functions."
  }
}

run "rejects_unknown_architecture" {
  command = plan
  variables {
    architecture = "sparc"
  }
  expect_failures = [var.architecture]
}

run "rejects_unknown_traffic_shape" {
  command = plan
  variables {
    traffic_shape = "square"
  }
  expect_failures = [var.traffic_shape]
}

run "passes_faults_and_incidents_to_both_functions" {
  command = plan
  variables {
    faults    = "duplicate=0.01, drop=0.005,skew=.001,malformed=0"
    incidents = ["isp-outage:Comcast Xfinity@2026-01-15T20:00/60m", "premiere:TITLE-00042@2026-01-16T18:00/3h"]
  }
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.environment[0].variables["ACME_FAULTS"] == "duplicate=0.01, drop=0.005,skew=.001,malformed=0"])
    error_message = "Both functions get the fault spec as given."
  }
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : jsondecode(f.environment[0].variables["ACME_INCIDENTS"])[1] == "premiere:TITLE-00042@2026-01-16T18:00/3h"])
    error_message = "Both functions get the incidents as a JSON list."
  }
}

run "rejects_faults_a_lambda_cannot_hold" {
  command = plan
  variables {
    faults = "late=0.01"
  }
  expect_failures = [var.faults]
}

run "rejects_an_unknown_fault" {
  command = plan
  variables {
    faults = "dupe=0.01"
  }
  expect_failures = [var.faults]
}

run "rejects_a_rate_of_one" {
  command = plan
  variables {
    faults = "drop=1"
  }
  expect_failures = [var.faults]
}

run "rejects_a_malformed_rate" {
  command = plan
  variables {
    faults = "drop=0.1.2"
  }
  expect_failures = [var.faults]
}

run "rejects_a_negative_rate" {
  command = plan
  variables {
    faults = "duplicate=0.01,drop=-0.1"
  }
  expect_failures = [var.faults]
}

run "rejects_a_rate_above_one" {
  command = plan
  variables {
    faults = "skew=1.5"
  }
  expect_failures = [var.faults]
}

run "rejects_a_fault_given_twice" {
  command = plan
  variables {
    faults = "drop=0.01, drop=0.02"
  }
  expect_failures = [var.faults]
}

run "rejects_fault_rates_that_add_up_to_one_or_more" {
  command = plan
  variables {
    faults = "drop=0.6,duplicate=0.6"
  }
  expect_failures = [var.faults]
}

run "accepts_fault_rates_just_under_one" {
  command = plan
  variables {
    faults = "drop=0.5,duplicate=0.49"
  }
}

run "rejects_a_malformed_incident" {
  command = plan
  variables {
    incidents = ["isp-outage:Comcast Xfinity@tonight/60m"]
  }
  expect_failures = [var.incidents]
}

run "rejects_zero_volume" {
  command = plan
  variables {
    events_per_day = 0
  }
  expect_failures = [var.events_per_day]
}

run "schedule_waits_for_delivery" {
  command = plan

  # Firehose reads Kinesis from LATEST: the schedule's target names the delivery stream, so
  # Terraform creates it only after the delivery stream exists.
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.environment[0].variables["ACME_DELIVERY_NAME"] == "acme-telemetry-delivery"])
    error_message = "The functions name the delivery stream they feed."
  }
  assert {
    condition     = strcontains(aws_cloudwatch_event_rule.schedule.description, "acme-telemetry-delivery")
    error_message = "The schedule rule depends on the delivery stream."
  }
}

run "no_reserved_concurrency_by_default" {
  command = plan

  # AWS refuses a reservation that leaves fewer than 100 unreserved executions; new accounts
  # have low concurrency quotas, so reserving is opt-in.
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : coalesce(f.reserved_concurrent_executions, -1) == -1])
    error_message = "No reservation unless asked for."
  }
}

run "reserved_concurrency_when_asked" {
  command = plan
  variables {
    producer_reserved_concurrency = 20
  }
  assert {
    condition     = aws_lambda_function.this["producer"].reserved_concurrent_executions == 20
    error_message = "A reservation passes through."
  }
}

run "rejects_zero_reservation" {
  command = plan
  variables {
    generator_reserved_concurrency = 0
  }
  expect_failures = [var.generator_reserved_concurrency]
}

run "arns_follow_the_partition" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-cn" }
  }
  assert {
    condition     = strcontains(aws_iam_role_policy.this["generator"].policy, "arn:aws-cn:lambda:us-west-2:123456789012:function:acme-data-producer")
    error_message = "The producer ARN uses the partition."
  }
  assert {
    condition     = strcontains(aws_iam_role_policy.this["producer"].policy, "arn:aws-cn:logs:") && !strcontains(aws_iam_role_policy.this["producer"].policy, "arn:aws:logs:")
    error_message = "Log group ARNs use the partition."
  }
}

run "sizes_the_world_to_the_volume_by_default" {
  command = plan

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : !contains(keys(f.environment[0].variables), "ACME_CUSTOMERS")])
    error_message = "Without customers, the functions size the world to events_per_day."
  }
}

run "passes_customers_when_given" {
  command = plan

  variables {
    customers = 250000
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.environment[0].variables["ACME_CUSTOMERS"] == "250000"])
    error_message = "Given customers reach both functions."
  }
}

run "rejects_zero_customers" {
  command = plan

  variables {
    customers = 0
  }

  expect_failures = [var.customers]
}

run "rejects_a_timeout_of_zero" {
  command = plan
  variables {
    timeout_seconds = 0
  }
  expect_failures = [var.timeout_seconds]
}

run "rejects_a_timeout_over_lambdas_900_s" {
  command = plan
  variables {
    timeout_seconds = 901
  }
  expect_failures = [var.timeout_seconds]
}

run "rejects_memory_under_lambdas_128_mb" {
  command = plan
  variables {
    memory_mb = 127
  }
  expect_failures = [var.memory_mb]
}

run "rejects_memory_over_lambdas_10240_mb" {
  command = plan
  variables {
    memory_mb = 10241
  }
  expect_failures = [var.memory_mb]
}

run "rejects_a_producer_reserved_concurrency_of_zero" {
  command = plan
  variables {
    producer_reserved_concurrency = 0
  }
  expect_failures = [var.producer_reserved_concurrency]
}

run "rejects_an_unknown_table_format" {
  command = plan
  variables {
    table_format = "delta"
  }
  expect_failures = [var.table_format]
}

run "rejects_chunks_under_100_events" {
  command = plan
  variables {
    chunk_events = 99
  }
  expect_failures = [var.chunk_events]
}

run "rejects_a_negative_seed" {
  command = plan
  variables {
    seed = -1
  }
  expect_failures = [var.seed]
}

run "rejects_a_fractional_seed" {
  command = plan
  variables {
    seed = 1.5
  }
  expect_failures = [var.seed]
}

run "rejects_zero_titles" {
  command = plan
  variables {
    titles = 0
  }
  expect_failures = [var.titles]
}

run "rejects_zero_campaigns" {
  command = plan
  variables {
    campaigns = 0
  }
  expect_failures = [var.campaigns]
}

run "rejects_an_unknown_log_level" {
  command = plan
  variables {
    log_level = "TRACE"
  }
  expect_failures = [var.log_level]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

# Kinesis Data Streams guide: a shard takes 1,000 records/s of writes in either capacity
# mode. Paced at the budget, the busiest window (2x a mean one) must fit in the timeout.
run "producers_pace_at_the_write_budget" {
  command = plan
  variables {
    put_records_per_second = 800
  }
  assert {
    condition     = aws_lambda_function.this["producer"].environment[0].variables["ACME_PUT_RECORDS_PER_SECOND"] == "800"
    error_message = "The producers learn the stream's write budget."
  }
}

run "rejects_a_volume_the_stream_cannot_take_in_time" {
  command = plan
  variables {
    events_per_day         = 10000000
    put_records_per_second = 800
  }
  expect_failures = [aws_lambda_function.this["producer"], aws_lambda_function.this["generator"]]
}

run "rejects_a_zero_write_budget" {
  command = plan
  variables {
    put_records_per_second = 0
  }
  expect_failures = [var.put_records_per_second]
}

run "rejects_a_window_that_would_overlap_the_next" {
  command = plan
  variables {
    events_per_day         = 10000000
    put_records_per_second = 200
    timeout_seconds        = 900
  }
  # 69,445 records at 200/s take 347 s: within a 900 s timeout, but past the next tick.
  expect_failures = [aws_lambda_function.this["producer"], aws_lambda_function.this["generator"]]
}
