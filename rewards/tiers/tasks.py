"""Celery tasks of the tiers app: thin adapters that call one service."""

import datetime as dt

from django.utils import timezone

from config.celery import app

from .services import tier_recompute_chunk


@app.task(name="tiers.recompute_nightly", acks_late=True)
def tier_recompute_nightly() -> None:
    """Beat entry: start the full recompute for today, one chunk of members per task."""
    tier_recompute_next.delay(timezone.localdate().isoformat(), 0)


@app.task(name="tiers.recompute_next", acks_late=True)
def tier_recompute_next(on_iso: str, after_member_id: int) -> None:
    """Recompute the chunk after ``after_member_id`` and queue the next one once it commits.
    A repeated delivery re-evaluates a chunk, which changes nothing (evaluation is idempotent)."""
    _, last = tier_recompute_chunk(on=dt.date.fromisoformat(on_iso), after_member_id=after_member_id)
    if last is not None:
        tier_recompute_next.delay_on_commit(on_iso, last)
