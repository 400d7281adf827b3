output "name" {
  description = "Name of the Firehose delivery stream."
  value       = aws_kinesis_firehose_delivery_stream.this.name
}

output "arn" {
  description = "ARN of the Firehose delivery stream."
  value       = aws_kinesis_firehose_delivery_stream.this.arn
}

output "role_arn" {
  description = "ARN of the role Firehose assumes."
  value       = aws_iam_role.this.arn
}

output "prefix" {
  description = "S3 key prefix Firehose writes events under (event-time partitions)."
  value       = local.prefix
}

output "error_prefix" {
  description = "S3 key prefix of records that failed conversion or delivery."
  value       = local.error_prefix
}
