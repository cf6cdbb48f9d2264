resource "aws_iam_role" "validator" {
  name = "validator"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "validator" {
  function_name                  = "validator"
  role                           = aws_iam_role.validator.arn
  handler                        = "webhook_validator.handler.lambda_handler"
  runtime                        = "python3.9"
  filename                       = "validator.zip"
  reserved_concurrent_executions = 100
  kms_key_arn                    = aws_kms_key.data.arn

  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.webhooks.name
    }
  }

  tracing_config {
    mode = "Active"
  }
}
