"""Code shared by the payhooks Lambda functions: configuration, JSON logging, tracing, AWS clients, time.

Everything here is imported at cold start, so it stays small and only uses the standard library,
boto3/botocore (bundled with the Lambda runtime) and aws-xray-sdk.
"""
