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

output "destination" {
  description = "Where the delivery stream reads and writes: source stream, bucket and the Glue table it converts with (Hive) or commits to (Iceberg)."
  value = local.iceberg ? {
    source_stream_arn = aws_kinesis_firehose_delivery_stream.this.kinesis_source_configuration[0].kinesis_stream_arn
    bucket_arn        = aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].s3_configuration[0].bucket_arn
    database_name     = aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].destination_table_configuration[0].database_name
    table_name        = aws_kinesis_firehose_delivery_stream.this.iceberg_configuration[0].destination_table_configuration[0].table_name
    } : {
    source_stream_arn = aws_kinesis_firehose_delivery_stream.this.kinesis_source_configuration[0].kinesis_stream_arn
    bucket_arn        = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].bucket_arn
    database_name     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].data_format_conversion_configuration[0].schema_configuration[0].database_name
    table_name        = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].data_format_conversion_configuration[0].schema_configuration[0].table_name
  }
}
