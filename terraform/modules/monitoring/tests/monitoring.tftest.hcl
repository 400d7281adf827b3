mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-west-2" }
  }
}

variables {
  prefix               = "acme-data"
  stream_name          = "acme-telemetry-stream"
  delivery_stream_name = "acme-data-telemetry-delivery"
  function_names       = { generator = "acme-data-generator", producer = "acme-data-producer" }
}

run "alarms_cover_the_pipeline" {
  command = plan

  assert {
    condition = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset([
      "kinesis-write-throttled", "kinesis-iterator-age", "firehose-delivery-failing", "firehose-data-stale",
      "generator-errors", "generator-throttles", "producer-errors", "producer-throttles",
    ])
    error_message = "Alarms on throttling, iterator age, delivery, freshness, Lambda errors and throttles."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["kinesis-iterator-age"].metric_name == "GetRecords.IteratorAgeMilliseconds"
    error_message = "Iterator age alarm watches the right metric."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["producer-errors"].dimensions["FunctionName"] == "acme-data-producer"
    error_message = "Lambda alarms are per function."
  }
  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 9
    error_message = "The dashboard shows the pipeline."
  }
}
