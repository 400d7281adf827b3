output "generator_function_name" {
  description = "Name of the generator Lambda."
  value       = aws_lambda_function.this["generator"].function_name
}

output "producer_function_name" {
  description = "Name of the producer Lambda."
  value       = aws_lambda_function.this["producer"].function_name
}

output "function_arns" {
  description = "ARNs of the generator and producer Lambdas."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "failure_queue_url" {
  description = "SQS queue receiving failed asynchronous invocations."
  value       = aws_sqs_queue.failures.url
}

output "schedule_rule_name" {
  description = "EventBridge rule that fires the generator."
  value       = aws_cloudwatch_event_rule.schedule.name
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the functions' EMF metrics."
  value       = local.metrics_namespace
}

output "failure_queue_name" {
  description = "Name of the SQS queue receiving failed asynchronous invocations (for its alarm)."
  value       = aws_sqs_queue.failures.name
}

output "schedule_description" {
  description = "Description of the schedule rule: names the stream and the delivery stream it waits for."
  value       = aws_cloudwatch_event_rule.schedule.description
}

output "function_environments" {
  description = "The environment both functions run with (the generation settings), by function."
  value       = { for k, f in aws_lambda_function.this : k => f.environment[0].variables }
}
