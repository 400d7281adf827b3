output "stream_arn" {
  description = "Kinesis data stream ARN."
  value       = module.stream.arn
}

output "stream_name" {
  description = "Kinesis data stream name."
  value       = module.stream.name
}

output "data_bucket_name" {
  description = "S3 bucket of the data lake."
  value       = module.lake.bucket_name
}

output "glue_database_name" {
  description = "Glue database (Athena schema)."
  value       = module.lake.database_name
}

output "athena_workgroup_name" {
  description = "Athena workgroup to run the queries in."
  value       = module.lake.athena_workgroup_name
}

output "firehose_delivery_stream_name" {
  description = "Firehose delivery stream from Kinesis to S3."
  value       = module.delivery.name
}

output "generator_function_name" {
  description = "Generator Lambda."
  value       = module.generator.generator_function_name
}

output "producer_function_name" {
  description = "Producer Lambda."
  value       = module.generator.producer_function_name
}

output "failure_queue_url" {
  description = "SQS queue of failed Lambda invocations."
  value       = module.generator.failure_queue_url
}

output "dashboard_url" {
  description = "CloudWatch dashboard of the pipeline."
  value       = module.monitoring.dashboard_url
}

output "kms_key_arn" {
  description = "KMS key encrypting the pipeline's data."
  value       = aws_kms_key.this.arn
}

output "emr_backfill_application_id" {
  description = "EMR Serverless application for Spark backfills (null unless emr_backfill_enabled)."
  value       = one(module.backfill[*].application_id)
}

output "emr_backfill_job_role_arn" {
  description = "Role of the EMR Serverless backfill job (null unless emr_backfill_enabled)."
  value       = one(module.backfill[*].job_role_arn)
}
