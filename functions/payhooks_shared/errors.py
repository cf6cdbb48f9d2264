"""Log-safe descriptions of AWS SDK errors (codes only: messages may quote request parameters)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

# Whatever boto3 raises for a failed call: service errors, connection errors, timeouts.
AWS_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError)


def error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return type(error).__name__
