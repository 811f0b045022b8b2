"""Cancelling an erased member's Stripe subscription (docs/privacy.md).

The erasure runs in one database transaction and must not call Stripe inside it: its step
(``membership_erasure_cancel_record``) only writes a ``StripeCancellation`` outbox row and has
the task queued once the erasure commits. ``stripe_cancellation_perform`` then takes the row
with a conditional ``UPDATE`` (a lease, so two workers never call at once), calls Stripe
outside any transaction with an idempotency key of the row's own, and, under the member's
lock, lets the membership mirror the cancelled subscription as a webhook would. A Stripe error
counts an attempt and pushes the lease back; the beat (``stripe_cancellations_due``) takes up
rows whose lease has passed: a lost task, a worker that died, a Stripe outage.
"""

from __future__ import annotations

import datetime as dt
import enum

import stripe
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..gateway import StripeGateway, stripe_gateway
from ..models import STRIPE_TERMINAL_STATUSES, ClubMembership, MembershipSource, StripeCancellation
from ..stripe_objects import subscription_state
from .subscriptions import membership_lapse, membership_lock, subscription_apply

# How long a worker holds a row it took (longer than the SDK's call with its retries).
CANCELLATION_LEASE = dt.timedelta(minutes=5)
# After the n-th failed attempt, the next one waits this long (the last step repeats).
CANCELLATION_BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30),
                        dt.timedelta(hours=2))
LAST_ERROR_MAX_LENGTH = 500
DUE_BATCH = 100


class CancellationOutcome(enum.Enum):
    CANCELLED = "cancelled"  # Stripe has the subscription ended; the row is done
    FAILED = "failed"  # Stripe answered an error; the row waits for its next try
    SKIPPED = "skipped"  # done already, or another worker holds it


def membership_erasure_cancel_record(member_id: int) -> None:
    """An erasure step (``member_erasure_step_register``): in the erasure's transaction, a paid
    membership whose subscription has not ended gets its cancellation recorded; the task is
    queued when the erasure commits."""
    membership = (
        ClubMembership.objects.filter(member_id=member_id, source=MembershipSource.PAID)
        .exclude(stripe_subscription_id="").exclude(stripe_status__in=STRIPE_TERMINAL_STATUSES).first()
    )
    if membership is None:
        return
    cancellation, created = StripeCancellation.objects.get_or_create(
        subscription_id=membership.stripe_subscription_id,
        defaults={"member_id": member_id, "requested_at": timezone.now()},
    )
    if created:
        from ..tasks import stripe_cancellation_task  # the tasks module imports this one

        stripe_cancellation_task.delay_on_commit(cancellation.pk)


def stripe_cancellation_perform(
    *, cancellation_id: int, gateway: StripeGateway | None = None,
) -> CancellationOutcome:
    """Cancel the row's subscription at Stripe, once, whoever else tries at the same time."""
    now = timezone.now()
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    pending = StripeCancellation.objects.filter(pk=cancellation_id, done_at__isnull=True)
    if not pending.filter(claimable).update(claimed_until=now + CANCELLATION_LEASE):
        return CancellationOutcome.SKIPPED
    cancellation = StripeCancellation.objects.get(pk=cancellation_id)
    gateway = gateway or stripe_gateway()
    try:
        subscription = gateway.subscription_cancel(
            subscription_id=cancellation.subscription_id,
            idempotency_key=f"troika-erasure-cancel-{cancellation.pk}",
        )
    except stripe.StripeError as error:
        wait = CANCELLATION_BACKOFF[min(cancellation.attempts, len(CANCELLATION_BACKOFF) - 1)]
        pending.update(attempts=F("attempts") + 1, claimed_until=timezone.now() + wait,
                       last_error=f"{type(error).__name__}: {error}"[:LAST_ERROR_MAX_LENGTH])
        return CancellationOutcome.FAILED
    with transaction.atomic():
        _membership_end(member_id=cancellation.member_id, subscription=subscription)
        pending.update(done_at=timezone.now(), claimed_until=None, last_error="")
    return CancellationOutcome.CANCELLED


def _membership_end(*, member_id: int, subscription: dict | None) -> None:
    """The membership mirrors the cancelled subscription as its webhook would make it (or lapses
    when Stripe does not know the subscription, as reconcile would)."""
    exists, membership = membership_lock(member_id=member_id)
    if not exists or membership is None:
        return
    if subscription is None:
        membership_lapse(membership=membership)
        return
    subscription_apply(member_id=member_id, membership=membership, state=subscription_state(subscription),
                       at=timezone.now())


def stripe_cancellations_due() -> list[int]:
    """The rows the beat tries again: not done, and no worker holds them (oldest first)."""
    now = timezone.now()
    return list(
        StripeCancellation.objects.filter(done_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("id").values_list("pk", flat=True)[:DUE_BATCH]
    )
