mock_provider "aws" {
  mock_resource "aws_emrserverless_application" {
    defaults = { arn = "arn:aws:emr-serverless:us-west-2:123456789012:/applications/mock" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
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
  image_uri          = "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-data-backfill-spark:1"
  writable_prefixes  = ["telemetry/", "_truth/", "iceberg/", "_acme_manifest.json", "emr/"]
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
      "${var.bucket_arn}/telemetry/*", "${var.bucket_arn}/_truth/*", "${var.bucket_arn}/iceberg/*",
      "${var.bucket_arn}/_acme_manifest.json", "${var.bucket_arn}/emr/*",
    ])
    error_message = "The job writes only the backfill's prefixes (everything under each), and the manifest's one key."
  }
  # pyiceberg's Glue catalog loads the table (GetTable) and commits by UpdateTable.
  assert {
    condition     = length(setsubtract(["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable", "glue:BatchCreatePartition"], [for s in jsondecode(aws_iam_role_policy.job.policy).Statement : s if s.Sid == "RegisterPartitionsAndCommit"][0].Action)) == 0
    error_message = "The job may register partitions (Hive) and commit the Iceberg table."
  }
  assert {
    condition = toset([for s in jsondecode(aws_iam_role_policy.job.policy).Statement : s if s.Sid == "RegisterPartitionsAndCommit"][0].Resource) == toset([
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

run "custom_image_with_python_for_the_job" {
  command = apply

  # Release images ship a Python older than acme_gen's 3.11: the job runs on a custom image.
  assert {
    condition     = aws_emrserverless_application.this.image_configuration[0].image_uri == "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-data-backfill-spark:1"
    error_message = "The application runs the custom image."
  }
  assert {
    condition     = aws_ecr_repository.images.encryption_configuration[0].encryption_type == "KMS" && aws_ecr_repository.images.image_tag_mutability == "IMMUTABLE"
    error_message = "Images are KMS-encrypted and their tags immutable."
  }
  assert {
    condition = (
      jsondecode(aws_ecr_repository_policy.emr_pull.policy).Statement[0].Principal.Service == "emr-serverless.amazonaws.com" &&
      toset(jsondecode(aws_ecr_repository_policy.emr_pull.policy).Statement[0].Action) == toset(["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]) &&
      jsondecode(aws_ecr_repository_policy.emr_pull.policy).Statement[0].Condition.StringEquals["aws:SourceArn"] == aws_emrserverless_application.this.arn
    )
    error_message = "EMR Serverless may pull the image, for this application only."
  }
}

run "image_by_digest" {
  command = plan
  variables {
    image_uri = "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-data-backfill-spark@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }
}

run "rejects_image_without_tag" {
  command = plan
  variables {
    image_uri = "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-data-backfill-spark"
  }
  expect_failures = [var.image_uri]
}

run "rejects_a_lower_case_architecture" {
  command = plan
  variables {
    architecture = "arm64"
  }
  expect_failures = [var.architecture]
}

run "rejects_zero_vcpus" {
  command = plan
  variables {
    max_vcpu = 0
  }
  expect_failures = [var.max_vcpu]
}

run "rejects_zero_memory" {
  command = plan
  variables {
    max_memory_gb = 0
  }
  expect_failures = [var.max_memory_gb]
}

run "rejects_an_idle_timeout_of_zero" {
  command = plan
  variables {
    idle_timeout_minutes = 0
  }
  expect_failures = [var.idle_timeout_minutes]
}

run "rejects_an_idle_timeout_over_a_week" {
  command = plan
  variables {
    idle_timeout_minutes = 10081
  }
  expect_failures = [var.idle_timeout_minutes]
}

run "rejects_a_wildcard_prefix" {
  command = plan
  variables {
    writable_prefixes = ["telemetry/*"]
  }
  expect_failures = [var.writable_prefixes]
}
