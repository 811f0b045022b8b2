"""Celery tasks of the earning app: thin adapters that call one service."""

from django.utils import timezone

from config.celery import app

from .services import earning_anniversary_grant


@app.task(name="earning.anniversary_daily", acks_late=True)
def earning_anniversary_daily() -> int:
    """Beat entry: today's tenure-anniversary bonuses (a rerun grants nothing twice)."""
    return earning_anniversary_grant(on=timezone.localdate())
