"""Celery tasks of the club membership: thin adapters that call one service."""

import datetime as dt

from django.utils import timezone

from config.celery import app

from .services.cancellation import stripe_cancellation_perform, stripe_cancellations_due
from .services.earned import membership_earned_evaluate_chunk
from .services.events import stripe_inbox_drain


@app.task(name="membership.earned_evaluate_nightly", acks_late=True)
def membership_earned_evaluate_nightly() -> None:
    """Beat entry: evaluate the earned membership for today, one chunk of members per task."""
    membership_earned_evaluate_next.delay(timezone.localdate().isoformat(), 0)


@app.task(name="membership.earned_evaluate_next", acks_late=True)
def membership_earned_evaluate_next(on_iso: str, after_member_id: int) -> None:
    """Evaluate the chunk after ``after_member_id``, then queue the next one once it commits. A
    repeated delivery evaluates a chunk again, which changes nothing."""
    on = dt.date.fromisoformat(on_iso)
    chunk = membership_earned_evaluate_chunk(on=on, after_member_id=after_member_id)
    if chunk.last_member_id is not None:
        membership_earned_evaluate_next.delay_on_commit(on_iso, chunk.last_member_id)


@app.task(name="membership.stripe_inbox_drain", acks_late=True, ignore_result=True)
def stripe_inbox_drain_task() -> None:
    """Apply the pending Stripe events (queued by a webhook after its insert commits, and by the
    beat every minute). A drain killed halfway rolls its batch back; the events stay pending."""
    stripe_inbox_drain()


@app.task(name="membership.stripe_cancellation", acks_late=True, ignore_result=True)
def stripe_cancellation_task(cancellation_id: int) -> None:
    """Cancel an erased member's subscription at Stripe (queued when the erasure commits)."""
    stripe_cancellation_perform(cancellation_id=cancellation_id)


@app.task(name="membership.stripe_cancellations_due", acks_late=True, ignore_result=True)
def stripe_cancellations_due_task() -> None:
    """Beat entry: the cancellations whose task was lost, whose worker died or whose Stripe call
    failed and whose wait is over."""
    for cancellation_id in stripe_cancellations_due():
        stripe_cancellation_perform(cancellation_id=cancellation_id)
