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

output "alarm_topic_arn" {
  description = "SNS topic the pipeline's alarms notify (subscribe, or set alarm_email)."
  value       = module.monitoring.alarm_topic_arn
}

output "emr_backfill_image_repository_url" {
  description = "ECR repository for the backfill's custom Spark image (make emr-image; null unless emr_backfill_enabled)."
  value       = one(module.backfill[*].image_repository_url)
}

output "resource_names" {
  description = "The name of every named resource, each derived from var.prefix (two stacks with different prefixes share nothing)."
  value = {
    stream        = module.stream.name
    bucket        = module.lake.bucket_name
    database      = module.lake.database_name
    workgroup     = module.lake.athena_workgroup_name
    delivery      = module.delivery.name
    generator     = module.generator.generator_function_name
    producer      = module.generator.producer_function_name
    failure_queue = module.generator.failure_queue_name
    schedule      = module.generator.schedule_rule_name
    dashboard     = module.monitoring.dashboard_name
    alarm_topic   = module.monitoring.alarm_topic_name
    kms_alias     = aws_kms_alias.this.name
    first_alarm   = module.monitoring.alarm_names[0]
    backfill      = local.names.backfill
  }
}
