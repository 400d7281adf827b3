data "aws_region" "current" {}

locals {
  # With the schedule on, the stream always receives and Firehose always delivers: silence
  # from either is an outage, not a quiet period.
  silence       = var.expect_continuous_traffic ? "breaching" : "notBreaching"
  alarm_actions = concat([aws_sns_topic.alarms.arn], var.alarm_actions)

  # Firehose's metrics depend on the destination: an S3 destination publishes DeliveryToS3.*
  # and the format-conversion and dynamic-partitioning counts, an Iceberg one only
  # DeliveryToIceberg.* (Firehose guide: "Monitor metrics" for Iceberg, "Data delivery
  # CloudWatch metrics"). Alarming on the other set's names would wait on data that never comes.
  iceberg = var.table_format == "iceberg"
  # A delivery (S3) or a commit (Iceberg) happens once per buffer: a period shorter than the
  # buffering interval has none in it, which reads as missing data, so an outage.
  delivery_period = max(300, ceil(var.buffering_interval_seconds / 60) * 60)
  periods         = { firehose-delivery-failing = local.delivery_period }
  firehose_alarms = local.iceberg ? {
    firehose-delivery-failing = {
      description = "Firehose commits nothing to the Iceberg table."
      namespace   = "AWS/Firehose"
      metric      = "DeliveryToIceberg.Success" # commits that succeeded
      dimensions  = { DeliveryStreamName = var.delivery_stream_name }
      statistic   = "Sum"
      comparison  = "LessThanThreshold"
      threshold   = 1
      missing     = local.silence
    }
    firehose-rows-failed = {
      description = "Rows failed delivery to the Iceberg table: they went to errors/."
      namespace   = "AWS/Firehose"
      metric      = "DeliveryToIceberg.FailedRowCount"
      dimensions  = { DeliveryStreamName = var.delivery_stream_name }
      statistic   = "Sum"
      comparison  = "GreaterThanThreshold"
      threshold   = 0
      missing     = "notBreaching"
    }
    firehose-data-stale = {
      description = "Data in Firehose is getting old before it reaches the Iceberg table."
      namespace   = "AWS/Firehose"
      metric      = "DeliveryToIceberg.DataFreshness"
      dimensions  = { DeliveryStreamName = var.delivery_stream_name }
      statistic   = "Maximum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.freshness_threshold_seconds
      missing     = "notBreaching"
    }
    } : {
    firehose-delivery-failing = {
      description = "Firehose is not delivering to S3."
      namespace   = "AWS/Firehose"
      metric      = "DeliveryToS3.Success"
      dimensions  = { DeliveryStreamName = var.delivery_stream_name }
      statistic   = "Average"
      comparison  = "LessThanThreshold"
      threshold   = 1
      missing     = local.silence
    }
    firehose-conversion-failed = {
      description = "Records failed JSON -> Parquet conversion: they went to errors/ (Firehose still counts them as delivered)."
      namespace   = "AWS/Firehose"
      metric      = "FailedConversion.Records"
      dimensions  = { DeliveryStreamName = var.delivery_stream_name }
      statistic   = "Sum"
      comparison  = "GreaterThanThreshold"
      threshold   = 0
      missing     = "notBreaching"
    }
    firehose-partition-count-exceeded = {
      description = "Dynamic partitioning hit its active-partition limit (late data spread over many hours): the excess went to errors/."
      namespace   = "AWS/Firehose"
      metric      = "PartitionCountExceeded"
      dimensions  = { DeliveryStreamName = var.delivery_stream_name }
      statistic   = "Maximum"
      comparison  = "GreaterThanThreshold"
      threshold   = 0
      missing     = "notBreaching"
    }
    firehose-data-stale = {
      description = "Data in Firehose is getting old before it reaches S3."
      namespace   = "AWS/Firehose"
      metric      = "DeliveryToS3.DataFreshness"
      dimensions  = { DeliveryStreamName = var.delivery_stream_name }
      statistic   = "Maximum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.freshness_threshold_seconds
      missing     = "notBreaching"
    }
  }

  alarms = merge(
    local.firehose_alarms,
    {
      kinesis-iterator-age = {
        description = "Records wait too long in the stream before Firehose reads them."
        namespace   = "AWS/Kinesis"
        metric      = "GetRecords.IteratorAgeMilliseconds"
        dimensions  = { StreamName = var.stream_name }
        statistic   = "Maximum"
        comparison  = "GreaterThanThreshold"
        threshold   = var.iterator_age_threshold_ms
        missing     = "notBreaching"
      }
      lambda-failures-queued = {
        description = "Invocations failed after Lambda's retries and wait in the on-failure queue: their windows are missing (reconcile, then backfill)."
        namespace   = "AWS/SQS"
        metric      = "ApproximateNumberOfMessagesVisible"
        dimensions  = { QueueName = var.failure_queue_name }
        statistic   = "Maximum"
        comparison  = "GreaterThanThreshold"
        threshold   = 0
        missing     = "notBreaching"
      }
    },
    merge([
      for role, name in var.function_names : {
        "${role}-errors" = {
          description = "The ${role} Lambda (${name}) reports errors."
          namespace   = "AWS/Lambda"
          metric      = "Errors"
          dimensions  = { FunctionName = name }
          statistic   = "Sum"
          comparison  = "GreaterThanThreshold"
          threshold   = 0
          missing     = "notBreaching"
        }
        "${role}-throttles" = {
          description = "The ${role} Lambda (${name}) is throttled."
          namespace   = "AWS/Lambda"
          metric      = "Throttles"
          dimensions  = { FunctionName = name }
          statistic   = "Sum"
          comparison  = "GreaterThanThreshold"
          threshold   = 0
          missing     = "notBreaching"
        }
      }
    ]...)
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing
  period              = lookup(local.periods, each.key, 300)
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# Throttling that means trouble, not any throttle: the producers retry throttled records
# (and pace a window at the stream's budget), so a few at a peak cost only retries. Over
# throttle_alarm_percent of the records refused for two periods, capacity is short and the
# retries may run out (a whole chunk then goes again: duplicates).
resource "aws_cloudwatch_metric_alarm" "kinesis_write_throttled" {
  alarm_name          = "${var.prefix}-kinesis-write-throttled"
  alarm_description   = "Over ${var.throttle_alarm_percent}% of the records put to the stream are refused for throughput: add capacity or lower the volume."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.throttle_alarm_percent
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags

  metric_query {
    id          = "ratio"
    expression  = "IF(FILL(incoming, 0) + FILL(throttled, 0) > 0, 100 * FILL(throttled, 0) / (FILL(incoming, 0) + FILL(throttled, 0)), 0)"
    label       = "Records refused for throughput (%)"
    return_data = true
  }
  metric_query {
    id = "throttled"
    metric {
      namespace   = "AWS/Kinesis"
      metric_name = "WriteProvisionedThroughputExceeded" # records refused
      dimensions  = { StreamName = var.stream_name }
      stat        = "Sum"
      period      = 300
    }
  }
  metric_query {
    id = "incoming"
    metric {
      namespace   = "AWS/Kinesis"
      metric_name = "IncomingRecords" # records accepted
      dimensions  = { StreamName = var.stream_name }
      stat        = "Sum"
      period      = 300
    }
  }
}

# Firehose reads nothing while the stream receives: a stopped or replaced delivery stream
# (it starts at LATEST), or a broken role. Metric math over both namespaces.
resource "aws_cloudwatch_metric_alarm" "firehose_not_reading" {
  alarm_name          = "${var.prefix}-firehose-not-reading"
  alarm_description   = "The stream receives records but Firehose reads none of them."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  treat_missing_data  = local.silence
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags

  metric_query {
    id          = "unread"
    expression  = "IF(incoming > 0 AND FILL(read, 0) == 0, 1, 0)"
    label       = "Incoming records with nothing read"
    return_data = true
  }
  metric_query {
    id = "incoming"
    metric {
      namespace   = "AWS/Kinesis"
      metric_name = "IncomingRecords"
      dimensions  = { StreamName = var.stream_name }
      stat        = "Sum"
      period      = 300
    }
  }
  metric_query {
    id = "read"
    metric {
      namespace   = "AWS/Firehose"
      metric_name = "DataReadFromKinesisStream.Records"
      dimensions  = { DeliveryStreamName = var.delivery_stream_name }
      stat        = "Sum"
      period      = 300
    }
  }
}

# The default alarm action: a KMS-encrypted topic (the key lets CloudWatch publish).
resource "aws_sns_topic" "alarms" {
  name              = "${var.prefix}-pipeline-alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "${var.prefix}-pipeline"
  dashboard_body = jsonencode({
    widgets = [
      for i, w in [
        { title = "Kinesis: records in", metrics = [["AWS/Kinesis", "IncomingRecords", "StreamName", var.stream_name, { stat = "Sum" }]] },
        { title = "Kinesis: write throttling", metrics = [["AWS/Kinesis", "WriteProvisionedThroughputExceeded", "StreamName", var.stream_name, { stat = "Sum" }]] },
        { title = "Kinesis: iterator age (ms)", metrics = [["AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName", var.stream_name, { stat = "Maximum" }]] },
        { title = "Firehose: records delivered to ${local.iceberg ? "Iceberg" : "S3"}", metrics = [["AWS/Firehose", local.iceberg ? "DeliveryToIceberg.SuccessfulRowCount" : "DeliveryToS3.Records", "DeliveryStreamName", var.delivery_stream_name, { stat = "Sum" }]] },
        { title = "Firehose: data freshness (s)", metrics = [["AWS/Firehose", local.iceberg ? "DeliveryToIceberg.DataFreshness" : "DeliveryToS3.DataFreshness", "DeliveryStreamName", var.delivery_stream_name, { stat = "Maximum" }]] },
        { title = local.iceberg ? "Firehose: rows failed (to errors/)" : "Firehose: format conversion failures", metrics = [["AWS/Firehose", local.iceberg ? "DeliveryToIceberg.FailedRowCount" : "FailedConversion.Records", "DeliveryStreamName", var.delivery_stream_name, { stat = "Sum" }]] },
        { title = "Lambda: errors", metrics = [for role, name in var.function_names : ["AWS/Lambda", "Errors", "FunctionName", name, { stat = "Sum", label = role }]] },
        { title = "Lambda: duration (ms)", metrics = [for role, name in var.function_names : ["AWS/Lambda", "Duration", "FunctionName", name, { stat = "Maximum", label = role }]] },
        { title = "Producer: records put / failed", metrics = [
          [var.metrics_namespace, "RecordsPut", "service", var.function_names["producer"], { stat = "Sum" }],
          [var.metrics_namespace, "RecordsFailed", "service", var.function_names["producer"], { stat = "Sum" }],
        ] },
        ] : {
        type   = "metric"
        x      = (i % 3) * 8
        y      = floor(i / 3) * 6
        width  = 8
        height = 6
        properties = {
          title   = w.title
          region  = data.aws_region.current.name
          metrics = w.metrics
          period  = 300
          view    = "timeSeries"
        }
      }
    ]
  })
}
