mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-west-2" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-west-2:123456789012:acme-pipeline-alarms" }
  }
}

variables {
  prefix               = "acme"
  stream_name          = "acme-telemetry-stream"
  delivery_stream_name = "acme-telemetry-delivery"
  function_names       = { generator = "acme-data-generator", producer = "acme-data-producer" }
  failure_queue_name   = "acme-lambda-failures"
  kms_key_arn          = "arn:aws:kms:us-west-2:123456789012:key/test"
}

run "alarms_cover_the_pipeline" {
  command = apply

  assert {
    condition = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset([
      "kinesis-iterator-age", "firehose-delivery-failing", "firehose-data-stale",
      "firehose-conversion-failed", "firehose-partition-count-exceeded", "lambda-failures-queued",
      "generator-errors", "generator-throttles", "producer-errors", "producer-throttles",
    ])
    error_message = "Alarms on throttling, iterator age, delivery, freshness, failed records, the failure queue, Lambda errors and throttles."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["producer-errors"].dimensions["FunctionName"] == "acme-data-producer"
    error_message = "Lambda alarms are per function."
  }
}

run "failed_records_are_visible" {
  command = plan

  # Records failing conversion or partitioning go to errors/ and still count as delivered.
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["firehose-conversion-failed"].metric_name == "FailedConversion.Records" &&
      aws_cloudwatch_metric_alarm.this["firehose-conversion-failed"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["firehose-conversion-failed"].threshold == 0 &&
      aws_cloudwatch_metric_alarm.this["firehose-conversion-failed"].dimensions["DeliveryStreamName"] == "acme-telemetry-delivery"
    )
    error_message = "Any failed conversion alarms."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["firehose-partition-count-exceeded"].metric_name == "PartitionCountExceeded" && aws_cloudwatch_metric_alarm.this["firehose-partition-count-exceeded"].threshold == 0
    error_message = "Hitting the active-partition limit alarms."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["lambda-failures-queued"].namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.this["lambda-failures-queued"].metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.this["lambda-failures-queued"].dimensions["QueueName"] == "acme-lambda-failures"
    )
    error_message = "A message in the on-failure queue alarms."
  }
}

run "silence_is_an_outage_while_the_schedule_runs" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.firehose_not_reading.treat_missing_data == "breaching" && aws_cloudwatch_metric_alarm.this["firehose-delivery-failing"].treat_missing_data == "breaching"
    error_message = "No data from Kinesis/Firehose breaches while traffic is expected."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["producer-errors"].treat_missing_data == "notBreaching"
    error_message = "No error datapoints means no errors."
  }
  assert {
    condition     = one([for q in aws_cloudwatch_metric_alarm.firehose_not_reading.metric_query : q.expression if coalesce(q.return_data, false)]) == "IF(incoming > 0 AND FILL(read, 0) == 0, 1, 0)"
    error_message = "The not-reading alarm compares Kinesis IncomingRecords with Firehose's reads."
  }
  assert {
    condition = toset(flatten([for q in aws_cloudwatch_metric_alarm.firehose_not_reading.metric_query : [for m in q.metric : m.metric_name]])) == toset([
      "IncomingRecords", "DataReadFromKinesisStream.Records",
    ])
    error_message = "Both sides of the read are measured."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.period == 300 && a.evaluation_periods == 2 && a.datapoints_to_alarm == 2])
    error_message = "Two 5-minute periods (the schedule's) before an alarm."
  }
}

run "quiet_stack_does_not_page" {
  command = plan
  variables {
    expect_continuous_traffic = false
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.firehose_not_reading.treat_missing_data == "notBreaching"
    error_message = "With the schedule off, silence is expected."
  }
}

run "alarms_notify_an_encrypted_topic_by_default" {
  command = apply

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == "arn:aws:kms:us-west-2:123456789012:key/test"
    error_message = "The alarm topic is KMS-encrypted."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : contains(a.alarm_actions, aws_sns_topic.alarms.arn) && contains(a.ok_actions, aws_sns_topic.alarms.arn)]) && contains(aws_cloudwatch_metric_alarm.firehose_not_reading.alarm_actions, aws_sns_topic.alarms.arn)
    error_message = "Every alarm notifies the topic."
  }
  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0
    error_message = "No subscription unless an address is given."
  }
}

run "email_subscription" {
  command = plan
  variables {
    alarm_email = "oncall@example.com"
  }
  assert {
    condition     = aws_sns_topic_subscription.email[0].protocol == "email" && aws_sns_topic_subscription.email[0].endpoint == "oncall@example.com"
    error_message = "alarm_email subscribes to the topic."
  }
}

run "rejects_bad_email" {
  command = plan
  variables {
    alarm_email = "not an address"
  }
  expect_failures = [var.alarm_email]
}

run "rejects_a_zero_iterator_age_threshold" {
  command = plan
  variables {
    iterator_age_threshold_ms = 0
  }
  expect_failures = [var.iterator_age_threshold_ms]
}

run "rejects_a_zero_freshness_threshold" {
  command = plan
  variables {
    freshness_threshold_seconds = 0
  }
  expect_failures = [var.freshness_threshold_seconds]
}

# Firehose guide, "Monitor metrics" (Iceberg destination): DeliveryToIceberg.Success (commits),
# .FailedRowCount (rows sent to the S3 backup), .DataFreshness; no DeliveryToS3.* and no
# format-conversion or partition counts, so alarms on those would never see a datapoint.
run "iceberg_alarms_on_the_iceberg_destination_metrics" {
  command = plan
  variables {
    table_format = "iceberg"
  }
  assert {
    condition = toset([for k, a in aws_cloudwatch_metric_alarm.this : a.metric_name if a.namespace == "AWS/Firehose"]) == toset([
      "DeliveryToIceberg.Success", "DeliveryToIceberg.FailedRowCount", "DeliveryToIceberg.DataFreshness",
    ])
    error_message = "In Iceberg mode Firehose's alarms use the DeliveryToIceberg metrics only."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["firehose-delivery-failing"].statistic == "Sum" && aws_cloudwatch_metric_alarm.this["firehose-delivery-failing"].threshold == 1 && aws_cloudwatch_metric_alarm.this["firehose-delivery-failing"].comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.this["firehose-delivery-failing"].treat_missing_data == "breaching"
    error_message = "No commit in a period, or no datapoint, while traffic is expected, alarms."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["firehose-rows-failed"].threshold == 0 && aws_cloudwatch_metric_alarm.this["firehose-rows-failed"].comparison_operator == "GreaterThanThreshold"
    error_message = "Any row that failed delivery alarms."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["firehose-data-stale"].metric_name == "DeliveryToIceberg.DataFreshness" && aws_cloudwatch_metric_alarm.this["firehose-data-stale"].threshold == 900
    error_message = "The freshness alarm reads the Iceberg destination's freshness."
  }
  assert {
    condition     = !strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "DeliveryToS3") && strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "DeliveryToIceberg.SuccessfulRowCount")
    error_message = "The dashboard graphs the Iceberg destination's metrics."
  }
}

run "hive_alarms_on_the_s3_destination_metrics" {
  command = plan
  assert {
    condition = toset([for k, a in aws_cloudwatch_metric_alarm.this : a.metric_name if a.namespace == "AWS/Firehose"]) == toset([
      "DeliveryToS3.Success", "DeliveryToS3.DataFreshness", "FailedConversion.Records", "PartitionCountExceeded",
    ])
    error_message = "In Hive mode Firehose's alarms use the S3 destination's metrics."
  }
}

run "the_delivery_alarm_period_covers_a_buffer" {
  command = plan
  variables {
    buffering_interval_seconds = 900
  }
  # A datapoint needs a delivery, which comes once per buffering interval (up to 900 s).
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["firehose-delivery-failing"].period == 900 && aws_cloudwatch_metric_alarm.this["kinesis-iterator-age"].period == 300
    error_message = "The delivery alarm's period is at least the buffering interval; the others stay 5 minutes."
  }
}

run "rejects_an_unknown_table_format" {
  command = plan
  variables {
    table_format = "delta"
  }
  expect_failures = [var.table_format]
}

run "rejects_a_buffering_interval_firehose_does_not_offer" {
  command = plan
  variables {
    buffering_interval_seconds = 901
  }
  expect_failures = [var.buffering_interval_seconds]
}

# The producers retry throttled records and pace a window at the stream's budget: a few
# throttles at a peak are absorbed; a large share for two periods means capacity is short.
run "throttling_alarms_on_a_share_not_on_any" {
  command = plan
  assert {
    condition     = aws_cloudwatch_metric_alarm.kinesis_write_throttled.threshold == 10 && aws_cloudwatch_metric_alarm.kinesis_write_throttled.comparison_operator == "GreaterThanThreshold" && aws_cloudwatch_metric_alarm.kinesis_write_throttled.evaluation_periods == 2
    error_message = "Over 10% of records refused, two periods running, alarms."
  }
  assert {
    condition = toset(flatten([for q in aws_cloudwatch_metric_alarm.kinesis_write_throttled.metric_query : [for m in q.metric : m.metric_name]])) == toset([
      "WriteProvisionedThroughputExceeded", "IncomingRecords",
    ])
    error_message = "The share is refused records over all records put."
  }
  assert {
    condition     = strcontains(one([for q in aws_cloudwatch_metric_alarm.kinesis_write_throttled.metric_query : q.expression if coalesce(q.return_data, false)]), "100 * FILL(throttled, 0) / (FILL(incoming, 0) + FILL(throttled, 0))")
    error_message = "The alarm's value is the refused share in percent."
  }
  assert {
    condition     = contains(output.alarm_names, "acme-kinesis-write-throttled")
    error_message = "The throttling alarm is listed."
  }
}

run "rejects_a_throttle_share_of_100" {
  command = plan
  variables {
    throttle_alarm_percent = 100
  }
  expect_failures = [var.throttle_alarm_percent]
}
