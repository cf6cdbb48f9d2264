# Example variables for a dev stack: copy to infra/terraform.tfvars (make build reads the runtime from there) and
# adjust. No secrets belong here: the webhook signing secrets are set in Secrets Manager with the AWS CLI after the
# first apply (see infra/README.md).

environment_suffix = "dev"

# Custom domain the payment processor calls, and an issued ACM certificate for it in us-east-1.
domain_name     = "webhooks.dev.example.com"
certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000"

# Route 53 zone for the alias record; leave empty to manage DNS elsewhere (use the regional_domain_name output).
hosted_zone_id = ""

# The stack default python3.9 is deprecated on Lambda (no security patches since 2025-12-15) and is kept as the
# default only because the mission requires it; this example upgrades.
lambda_runtime = "python3.12"

alarm_email = "payments-oncall@example.com"

# Another stack already owns the account-wide API Gateway CloudWatch role? Set this to false.
manage_api_gateway_account = true

waf_enabled = true

api_throttling_rate_limit  = 100
api_throttling_burst_limit = 200

# Production: keep the table on destroy (needs an exception in the policy gate).
deletion_protection_enabled = false
