"""Batch processor Lambda: turns queued webhooks into SNS notifications, in FIFO order per business object."""
