"""Stripe webhooks: verify, record once in the inbox, apply under the member's lock.

``stripe_webhook_receive`` is what the view calls. One transaction per event: the inbox row
(``INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING id``), the member's lock, the
membership change, the invoice's points and the inbox row's outcome commit together or not at
all. A redelivered event finds its id taken and does nothing; a concurrent duplicate waits on
the first one's insert and then finds it taken. An event that fails rolls back entirely,
inbox row included, so Stripe's retry applies it later.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from rewards.ledger.models import SourceType
from rewards.ledger.services import points_grant

from ..models import ClubMembership, InboxOutcome, MembershipPrice, StripeEventInbox
from ..stripe_objects import checkout_facts, invoice_facts, stripe_time, subscription_state
from .subscriptions import (
    Applied,
    checkout_apply,
    invoice_failed_apply,
    invoice_paid_apply,
    membership_lock,
    subscription_apply,
)

SUBSCRIPTION_EVENTS = frozenset({
    "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
})


class InvalidStripeEvent(Exception):
    """The request is not a genuine, fresh Stripe event; the message says why (answered 400)."""


@dataclass(frozen=True)
class EventReceipt:
    event_id: str
    type: str
    duplicate: bool
    outcome: str


def stripe_webhook_receive(*, payload: bytes, signature: str) -> EventReceipt:
    """Check ``payload`` (the raw body) against the ``Stripe-Signature`` header with the SDK,
    within the tolerance, then process the event. Raises ``InvalidStripeEvent``, having written
    nothing, when the signature, the timestamp or the JSON is wrong."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise InvalidStripeEvent("Stripe webhooks are not configured here (no STRIPE_WEBHOOK_SECRET).")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
    except stripe.SignatureVerificationError as error:
        raise InvalidStripeEvent(f"Signature check failed: {error.user_message or error}") from None
    try:
        event = json.loads(payload)
        if not isinstance(event, dict) or event.get("object") != "event" or not event.get("id"):
            raise ValueError("not an event")
    except ValueError:
        raise InvalidStripeEvent("The body is not a Stripe event.") from None
    return stripe_event_process(event=event)


def stripe_event_process(*, event: dict[str, Any]) -> EventReceipt:
    """Record ``event`` (already verified) in the inbox and apply it, once."""
    event_type = str(event.get("type") or "")
    created = stripe_time(event.get("created")) or timezone.now()
    with transaction.atomic():
        inbox_id = _inbox_insert(event, event_type, created)
        if inbox_id is None:
            return EventReceipt(event_id=event["id"], type=event_type, duplicate=True, outcome="")
        outcome, member_id = _apply(event_type, event["data"]["object"], created)
        StripeEventInbox.objects.filter(pk=inbox_id).update(
            outcome=outcome, member_id=member_id, processed_at=timezone.now()
        )
    return EventReceipt(event_id=event["id"], type=event_type, duplicate=False, outcome=outcome)


def _inbox_insert(event: dict[str, Any], event_type: str, created: dt.datetime) -> int | None:
    table = StripeEventInbox._meta.db_table
    received = timezone.now()
    if connection.vendor == "sqlite":  # SQLite's driver wants naive UTC, like Django writes it
        received, created = (value.astimezone(dt.UTC).replace(tzinfo=None) for value in (received, created))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (event_id, type, created, livemode, payload, received_at, outcome) "
            "VALUES (%s, %s, %s, %s, %s, %s, '') ON CONFLICT (event_id) DO NOTHING RETURNING id",
            [event["id"], event_type[:64], created, bool(event.get("livemode")),
             json.dumps(event, separators=(",", ":")), received],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _apply(event_type: str, obj: dict[str, Any], at: dt.datetime) -> tuple[str, int | None]:
    """Route the event to its handler; each names the member (or None), the Stripe ids by which
    a member could otherwise be found, and the change to make under the member's lock."""
    route = _ROUTES.get(event_type)
    target = route(obj, at) if route else None
    if target is None:
        return InboxOutcome.IGNORED, None
    member_id, subscription_id, customer_id, apply = target
    return _locked(member_id, subscription_id, customer_id, apply)


Apply = Callable[[int, ClubMembership | None], Applied]
Target = tuple[int | None, str, str, Apply] | None


def _subscription_target(obj: dict[str, Any], at: dt.datetime) -> Target:
    state = subscription_state(obj)

    def apply(member_id: int, membership: ClubMembership | None) -> Applied:
        return subscription_apply(member_id=member_id, membership=membership, state=state, at=at)

    return state.member_id, state.subscription_id, state.customer_id, apply


def _checkout_target(obj: dict[str, Any], at: dt.datetime) -> Target:
    facts = checkout_facts(obj)
    if not facts.is_subscription:
        return None

    def apply(member_id: int, membership: ClubMembership | None) -> Applied:
        return checkout_apply(member_id=member_id, membership=membership, facts=facts, at=at)

    return facts.member_id, facts.subscription_id, facts.customer_id, apply


def _invoice_paid_target(obj: dict[str, Any], at: dt.datetime) -> Target:
    facts = invoice_facts(obj)
    if not facts.subscription_id:
        return None

    def apply(member_id: int, membership: ClubMembership | None) -> Applied:
        applied = invoice_paid_apply(member_id=member_id, membership=membership, facts=facts, at=at)
        _invoice_credit(member_id=member_id, membership=applied.membership, invoice_id=facts.invoice_id,
                        price_id=facts.price_id, amount_paid=facts.amount_paid, at=at)
        return Applied(changed=True, membership=applied.membership)

    return facts.member_id, facts.subscription_id, facts.customer_id, apply


def _invoice_failed_target(obj: dict[str, Any], at: dt.datetime) -> Target:
    facts = invoice_facts(obj)
    if not facts.subscription_id:
        return None

    def apply(member_id: int, membership: ClubMembership | None) -> Applied:
        return invoice_failed_apply(membership=membership, facts=facts, at=at)

    return facts.member_id, facts.subscription_id, facts.customer_id, apply


_ROUTES: dict[str, Callable[[dict[str, Any], dt.datetime], Target]] = {
    **dict.fromkeys(SUBSCRIPTION_EVENTS, _subscription_target),
    "checkout.session.completed": _checkout_target,
    "invoice.paid": _invoice_paid_target,
    "invoice.payment_failed": _invoice_failed_target,
}


def _locked(
    member_id: int | None, subscription_id: str, customer_id: str, apply: Apply,
) -> tuple[str, int | None]:
    member_id = member_id or _known_member(subscription_id, customer_id)
    if member_id is None:
        return InboxOutcome.UNMATCHED, None
    exists, membership = membership_lock(member_id=member_id)
    if not exists:
        return InboxOutcome.UNMATCHED, None
    applied = apply(member_id, membership)
    return (InboxOutcome.OUTDATED if applied.outdated else InboxOutcome.APPLIED), member_id


def _known_member(subscription_id: str, customer_id: str) -> int | None:
    """An object without our metadata (made outside Checkout): its member by the ids we hold."""
    rows = ClubMembership.objects.none()
    if subscription_id:
        rows = ClubMembership.objects.filter(stripe_subscription_id=subscription_id)
    if customer_id and not rows.exists():
        rows = ClubMembership.objects.filter(stripe_customer_id=customer_id)
    return rows.values_list("member_id", flat=True).first()


INVOICE_CREDIT_REASON = "Club membership: invoice {invoice} paid"


def _invoice_credit(
    *, member_id: int, membership: ClubMembership | None, invoice_id: str, price_id: str, amount_paid: int,
    at: dt.datetime,
) -> None:
    """The membership credit: the price's points, once per invoice (the ledger's idempotency key
    is the invoice id, so a replay or a second event type for the same invoice writes nothing).
    A zero invoice (a trial) earns nothing."""
    if amount_paid <= 0:
        return
    price = MembershipPrice.objects.filter(stripe_price_id=price_id).first() if price_id else None
    if price is None and membership is not None:
        price = membership.price
    if price is None or price.points_per_invoice <= 0:
        return
    points_grant(
        member_id=member_id, points=price.points_per_invoice,
        reason=INVOICE_CREDIT_REASON.format(invoice=invoice_id),
        source_type=SourceType.SYSTEM, source_ref=invoice_id,
        idempotency_key=f"membership:invoice:{invoice_id}", earned_at=at,
    )
