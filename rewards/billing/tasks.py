"""Celery tasks of billing ingestion: thin adapters that call one service."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from config.celery import app

from .services.quarantine import quarantine_purge


@app.task(name="billing.quarantine_purge", acks_late=True, ignore_result=True)
def quarantine_purge_task() -> int:
    """Beat entry (nightly): refused events older than ``QUARANTINE_RETENTION_DAYS`` go; they
    may quote a line that never became a member, so no erasure would find them (docs/privacy.md)."""
    cutoff = timezone.now() - dt.timedelta(days=settings.QUARANTINE_RETENTION_DAYS)
    return quarantine_purge(received_before=cutoff)
