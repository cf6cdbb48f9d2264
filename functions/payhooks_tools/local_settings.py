"""Resource settings of the local stack: what `infra/` deploys, with the environment suffix `local`.

tests/e2e/test_local_settings.py parses the Terraform with Checkov's HCL parser and fails when these drift.
"""

from __future__ import annotations

ENVIRONMENT_SUFFIX = "local"
REGION = "us-east-1"

# infra/locals.tf: one name per resource, resource-type-<suffix>.
TABLE_NAME = f"table-webhooks-{ENVIRONMENT_SUFFIX}"
QUEUE_NAME = f"queue-webhooks-{ENVIRONMENT_SUFFIX}.fifo"
DLQ_NAME = f"queue-webhooks-dlq-{ENVIRONMENT_SUFFIX}.fifo"
TOPIC_NAME = f"topic-webhook-events-{ENVIRONMENT_SUFFIX}"
SIGNING_SECRET_NAME = f"secret-webhook-signing-{ENVIRONMENT_SUFFIX}"
VALIDATOR_FUNCTION_NAME = f"lambda-webhook-validator-{ENVIRONMENT_SUFFIX}"
PROCESSOR_FUNCTION_NAME = f"lambda-batch-processor-{ENVIRONMENT_SUFFIX}"

# infra/storage.tf
TABLE_HASH_KEY = "webhook_id"
TABLE_TTL_ATTRIBUTE = "expiry_time"
TABLE_BILLING_MODE = "PAY_PER_REQUEST"

# infra/queue.tf: high-throughput FIFO, redrive to a FIFO DLQ after 3 receives.
VISIBILITY_TIMEOUT_SECONDS = 300
QUEUE_RETENTION_SECONDS = 4 * 24 * 3600
DEDUPLICATION_SCOPE = "messageGroup"
FIFO_THROUGHPUT_LIMIT = "perMessageGroupId"
MAX_RECEIVE_COUNT = 3
DLQ_RETENTION_SECONDS = 14 * 24 * 3600

# infra/functions.tf with the infra/variables.tf defaults: entry points, sizes, optional environment.
VALIDATOR_HANDLER = "webhook_validator.handler.lambda_handler"
PROCESSOR_HANDLER = "batch_processor.handler.lambda_handler"
VALIDATOR_TIMEOUT_SECONDS = 10
PROCESSOR_TIMEOUT_SECONDS = 30
FUNCTION_MEMORY_MB = 512
RESERVED_CONCURRENCY = 100
SIGNATURE_TOLERANCE_SECONDS = 300
RETENTION_DAYS = 30
MAX_BODY_BYTES = 262144

# The event source mapping: batches of 10 with partial batch responses.
BATCH_SIZE = 10
FUNCTION_RESPONSE_TYPES = ("ReportBatchItemFailures",)
