"""Billing-event ingestion from the operator: API, file command, idempotency, quarantine."""
