"""Celery tasks of settlement: thin adapters over the statement services."""

from django.utils import timezone

from config.celery import app

from .compute import month_start, previous_month
from .services import statements_prepare_month


@app.task(name="settlement.statements_prepare_last_month", acks_late=True)
def statements_prepare_last_month_task() -> int:
    """Beat, early on the 1st: every partner's draft for the month just ended (idempotent: a
    second run recomputes the drafts and leaves approved or issued statements alone)."""
    last_month = previous_month(month_start(timezone.localdate()))
    return sum(outcome.recomputed for outcome in statements_prepare_month(month=last_month))
