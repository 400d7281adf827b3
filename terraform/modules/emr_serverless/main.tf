data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  glue     = "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  catalog  = "${local.glue}:catalog"
  database = "${local.glue}:database/${var.glue_database_name}"
  tables   = "${local.glue}:table/${var.glue_database_name}/*"
}

# Where the custom image lives (make emr-image pushes it): release images ship a Python older
# than acme_gen's 3.11, so the job needs its own image.
resource "aws_ecr_repository" "images" {
  name                 = "${var.name}-spark"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_destroy

  image_scanning_configuration {
    scan_on_push = true
  }
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }
  tags = var.tags
}

# EMR Serverless pulls the image as its own service principal, for this application only.
resource "aws_ecr_repository_policy" "emr_pull" {
  repository = aws_ecr_repository.images.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EmrServerlessPull"
      Effect    = "Allow"
      Principal = { Service = "emr-serverless.amazonaws.com" }
      Action    = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
      Condition = { StringEquals = { "aws:SourceArn" = aws_emrserverless_application.this.arn } }
    }]
  })
}

resource "aws_emrserverless_application" "this" {
  name          = var.name
  release_label = var.release_label
  type          = "spark"
  architecture  = var.architecture

  maximum_capacity {
    cpu    = "${var.max_vcpu} vCPU"
    memory = "${var.max_memory_gb} GB"
  }

  image_configuration {
    image_uri = var.image_uri
  }

  auto_start_configuration {
    enabled = true
  }

  auto_stop_configuration {
    enabled              = true
    idle_timeout_minutes = var.idle_timeout_minutes
  }

  tags = var.tags
}

resource "aws_iam_role" "job" {
  name = "${var.name}-job"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "emr-serverless.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "job" {
  name = "backfill"
  role = aws_iam_role.job.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListLake"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation"]
        Resource = [var.bucket_arn]
      },
      {
        Sid    = "ReadWriteBackfillPrefixes"
        Effect = "Allow"
        Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        # A prefix ends in '/' and covers what is under it; anything else is one key.
        Resource = [for p in var.writable_prefixes : endswith(p, "/") ? "${var.bucket_arn}/${p}*" : "${var.bucket_arn}/${p}"]
      },
      {
        # Hive: register the hours' partitions. Iceberg (--table-format iceberg): pyiceberg's
        # Glue catalog reads the table and commits by UpdateTable (the new metadata_location).
        Sid      = "RegisterPartitionsAndCommit"
        Effect   = "Allow"
        Action   = ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions", "glue:BatchCreatePartition", "glue:UpdateTable"]
        Resource = [local.catalog, local.database, local.tables]
      },
      {
        Sid      = "UseKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
      },
    ]
  })
}
