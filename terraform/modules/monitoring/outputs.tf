output "alarm_names" {
  description = "Names of the CloudWatch alarms."
  value       = concat([for a in aws_cloudwatch_metric_alarm.this : a.alarm_name], [aws_cloudwatch_metric_alarm.firehose_not_reading.alarm_name, aws_cloudwatch_metric_alarm.kinesis_write_throttled.alarm_name])
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies (KMS-encrypted); subscribe to it to hear of failures."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_url" {
  description = "Console URL of the pipeline dashboard."
  value       = "https://${data.aws_region.current.name}.console.aws.amazon.com/cloudwatch/home?region=${data.aws_region.current.name}#dashboards:name=${aws_cloudwatch_dashboard.this.dashboard_name}"
}

output "alarm_topic_name" {
  description = "Name of the alarm topic."
  value       = aws_sns_topic.alarms.name
}
