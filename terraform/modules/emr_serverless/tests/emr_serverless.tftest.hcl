mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-west-2" }
  }
}

variables {
  name               = "acme-data-backfill"
  bucket_arn         = "arn:aws:s3:::acme-telemetry-data-123456789012-us-west-2"
  glue_database_name = "acme_telemetry"
  kms_key_arn        = "arn:aws:kms:us-west-2:123456789012:key/test"
}

run "spark_application_with_bounded_capacity" {
  command = plan

  assert {
    condition     = aws_emrserverless_application.this.type == "spark" && aws_emrserverless_application.this.architecture == "ARM64"
    error_message = "A Spark application on ARM64."
  }
  assert {
    condition     = aws_emrserverless_application.this.maximum_capacity[0].cpu == "64 vCPU"
    error_message = "Capacity is bounded."
  }
  assert {
    condition     = aws_emrserverless_application.this.auto_stop_configuration[0].enabled
    error_message = "The application stops when idle."
  }
}

run "job_role_is_scoped_to_the_bucket_prefixes_and_database" {
  command = plan

  assert {
    condition = toset([for s in jsondecode(aws_iam_role_policy.job.policy).Statement : s if s.Sid == "ReadWriteBackfillPrefixes"][0].Resource) == toset([
      for p in ["telemetry/", "customers/", "titles/", "campaigns/", "_acme_manifest.json", "emr/"] : "${var.bucket_arn}/${p}*"
    ])
    error_message = "The job writes only the backfill's prefixes."
  }
  assert {
    condition = toset([for s in jsondecode(aws_iam_role_policy.job.policy).Statement : s if s.Sid == "RegisterPartitions"][0].Resource) == toset([
      "arn:aws:glue:us-west-2:123456789012:catalog",
      "arn:aws:glue:us-west-2:123456789012:database/acme_telemetry",
      "arn:aws:glue:us-west-2:123456789012:table/acme_telemetry/*",
    ])
    error_message = "Glue access is limited to the lake's database."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.job.policy, "\"*\"")
    error_message = "No wildcard resources."
  }
}

run "rejects_bad_release_label" {
  command = plan
  variables {
    release_label = "7.9"
  }
  expect_failures = [var.release_label]
}
