output "bucket_name" {
  description = "Name of the data lake bucket."
  value       = aws_s3_bucket.this.bucket
}

output "bucket_arn" {
  description = "ARN of the data lake bucket."
  value       = aws_s3_bucket.this.arn
}

output "telemetry_prefix" {
  description = "Key prefix of the streaming_events table."
  value       = "${local.table_dirs.streaming_events}/"
}

output "database_name" {
  description = "Glue database (Athena schema)."
  value       = aws_glue_catalog_database.this.name
}

output "database_arn" {
  description = "ARN of the Glue database."
  value       = aws_glue_catalog_database.this.arn
}

output "events_table_name" {
  description = "Glue table of the telemetry events."
  value       = local.events_table.name
}

output "events_table_arn" {
  description = "ARN of the Glue table of the telemetry events."
  value       = local.events_table.arn
}

output "athena_workgroup_name" {
  description = "Athena workgroup with results in athena-results/."
  value       = aws_athena_workgroup.this.name
}

output "named_query_ids" {
  description = "Athena named query ids by query name."
  value       = { for k, q in aws_athena_named_query.example : q.name => q.id }
}

output "table_format" {
  description = "hive or iceberg: how streaming_events is stored."
  value       = var.table_format
}

output "iceberg_prefix" {
  description = "Key prefix of the Iceberg table (data/ and metadata/), when table_format is iceberg."
  value       = "${local.iceberg_dir}/"
}
