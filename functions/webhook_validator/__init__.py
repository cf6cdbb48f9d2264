"""Webhook validator Lambda: verifies a provider's signature, stores the webhook, enqueues it (FIFO)."""
