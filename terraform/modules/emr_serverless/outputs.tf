output "application_id" {
  description = "EMR Serverless application id (scripts/emr_backfill.py --application-id)."
  value       = aws_emrserverless_application.this.id
}

output "job_role_arn" {
  description = "Role the backfill job runs as."
  value       = aws_iam_role.job.arn
}

output "image_repository_url" {
  description = "ECR repository for the custom Spark image (push with make emr-image)."
  value       = aws_ecr_repository.images.repository_url
}

output "writable_resources" {
  description = "The S3 resources the job role may read, write and delete (from writable_prefixes)."
  value       = [for s in jsondecode(aws_iam_role_policy.job.policy).Statement : s.Resource if s.Sid == "ReadWriteBackfillPrefixes"][0]
}
