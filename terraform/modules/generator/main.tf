locals {
  metrics_namespace = "AcmeTelemetry"
  # One settings block for both functions: the producer regenerates exactly what the
  # generator planned.
  # Without customers, the functions size the world to events_per_day, as the commands do.
  world_env = var.customers == null ? {} : { ACME_CUSTOMERS = tostring(var.customers) }
  budget_env = var.put_records_per_second == null ? {} : {
    ACME_PUT_RECORDS_PER_SECOND = tostring(var.put_records_per_second)
  }
  # The busiest 5-minute window holds about 1.6x a mean window's events with the diurnal
  # shape (acme_gen's traffic model over a week at the defaults); 2x leaves room for noise
  # and duplicate faults. Paced at the budget, that window must go out within the timeout.
  peak_window_records = ceil(var.events_per_day / 288 * 2)
  send_seconds        = var.put_records_per_second == null ? 0 : local.peak_window_records / var.put_records_per_second
  send_limit          = min(var.timeout_seconds - 10, 290) # within the timeout, and before the next window
  generation_env = merge(local.world_env, local.budget_env, {
    ACME_EVENTS_PER_DAY = tostring(var.events_per_day)
    ACME_TRAFFIC_SHAPE  = var.traffic_shape
    ACME_FAULTS         = var.faults
    ACME_TABLE_FORMAT   = var.table_format
    ACME_INCIDENTS      = jsonencode(var.incidents)
    ACME_SEED           = tostring(var.seed)
    ACME_TITLES         = tostring(var.titles)
    ACME_CAMPAIGNS      = tostring(var.campaigns)
    ACME_CHUNK_EVENTS   = tostring(var.chunk_events)
    ACME_STREAM_NAME    = var.stream_name
    ACME_DELIVERY_NAME  = var.delivery_stream_name
    ACME_PRODUCER_NAME  = var.producer_function_name

    POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.log_level
  })
  functions = {
    generator = {
      name        = var.generator_function_name
      handler     = "acme_gen.lambdas.generator.handler"
      description = "Plans the 5-minute window that just closed and fans it out to the producer."
      concurrency = var.generator_reserved_concurrency
    }
    producer = {
      name        = var.producer_function_name
      handler     = "acme_gen.lambdas.producer.handler"
      description = "Regenerates one chunk of a window and puts it to Kinesis."
      concurrency = var.producer_reserved_concurrency
    }
  }
  arn_tail       = "${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  producer_arn   = "arn:${data.aws_partition.current.partition}:lambda:${local.arn_tail}:function:${var.producer_function_name}"
  log_group_arns = { for k, f in local.functions : k => "arn:${data.aws_partition.current.partition}:logs:${local.arn_tail}:log-group:/aws/lambda/${f.name}" }
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.functions

  name              = "/aws/lambda/${each.value.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# Failed asynchronous invocations (after Lambda's own retries) land here.
resource "aws_sqs_queue" "failures" {
  name                      = "${var.prefix}-lambda-failures"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
  tags                      = var.tags
}

resource "aws_iam_role" "this" {
  for_each = local.functions

  name = "${each.value.name}-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

locals {
  common_statements = {
    for k, f in local.functions : k => [
      {
        Sid      = "Log"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${local.log_group_arns[k]}:*"]
      },
      {
        Sid      = "ReportFailures"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [aws_sqs_queue.failures.arn]
      },
      {
        Sid      = "UseKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
      },
      {
        Sid      = "Trace"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = ["*"] # X-Ray has no resource-level permissions
      },
    ]
  }
  role_statements = {
    generator = [{
      Sid      = "InvokeProducer"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction"]
      Resource = [local.producer_arn] # by name: the function itself waits for this policy
    }]
    producer = [{
      Sid      = "PutToStream"
      Effect   = "Allow"
      Action   = ["kinesis:PutRecords", "kinesis:PutRecord", "kinesis:DescribeStreamSummary"]
      Resource = [var.stream_arn]
    }]
  }
}

resource "aws_iam_role_policy" "this" {
  for_each = local.functions

  name = "${each.key}-least-privilege"
  role = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.common_statements[each.key], local.role_statements[each.key])
  })
}

resource "aws_lambda_function" "this" {
  for_each = local.functions
  #checkov:skip=CKV_AWS_117:The functions call only public AWS APIs (Lambda, Kinesis); a VPC would add NAT cost and nothing else.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile outside this stack; the zip is built reproducibly by make lambda-zip.
  #checkov:skip=CKV_AWS_116:Failures go to an on-failure destination (aws_lambda_function_event_invoke_config), which supersedes a DLQ.

  function_name                  = each.value.name
  description                    = each.value.description
  role                           = aws_iam_role.this[each.key].arn
  handler                        = each.value.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  timeout                        = var.timeout_seconds
  memory_size                    = var.memory_mb
  reserved_concurrent_executions = each.value.concurrency
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = merge(local.generation_env, { POWERTOOLS_SERVICE_NAME = each.value.name })
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this[each.key].name
  }

  lifecycle {
    precondition {
      condition     = local.send_seconds <= local.send_limit
      error_message = "events_per_day ${var.events_per_day} peaks near ${local.peak_window_records} records in a 5-minute window; at ${coalesce(var.put_records_per_second, 0)} records/s of stream write capacity that takes ${ceil(local.send_seconds)} s, over the ${local.send_limit} s a window may take (the producer's ${var.timeout_seconds} s timeout less 10 s, and less than the 300 s window, or windows overlap at twice the rate): add shards (1,000 records/s each), or lower events_per_day."
    }
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.this, aws_cloudwatch_log_group.this]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  for_each = local.functions

  function_name                = aws_lambda_function.this[each.key].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
  }
}

resource "aws_cloudwatch_event_rule" "schedule" {
  name        = "${var.prefix}-generator-schedule"
  description = "Generates each 5-minute window into ${var.stream_name}, read by ${var.delivery_stream_name}."
  # Not a variable: each tick generates the 5-minute window that just closed
  # (acme_gen.lambdas.plan.WINDOW_MS), so another rate would send windows twice or skip them.
  schedule_expression = "rate(5 minutes)"
  state               = var.schedule_enabled ? "ENABLED" : "DISABLED"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "generator" {
  rule = aws_cloudwatch_event_rule.schedule.name
  arn  = aws_lambda_function.this["generator"].arn
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["generator"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule.arn
}
