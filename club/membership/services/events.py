"""Stripe webhooks: verify, record once in the inbox, apply under the member's lock.

``stripe_webhook_receive`` is what the view calls. One transaction per event: the member's
lock and the inbox row (``INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING id``; on
PostgreSQL one statement takes the lock, then inserts), the membership change, the invoice's
points and the inbox row's outcome commit together or not at all. A redelivered event finds its
id taken and does nothing; a concurrent duplicate (same event, so same member) waits on the
first one's lock and then finds the id taken. An event that fails rolls back entirely, inbox row
included, so Stripe's retry applies it later.
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

from club.members.models import Member
from rewards.ledger.models import SourceType
from rewards.ledger.services import PointsGrant, points_grant_many
from rewards.prepared import prepared_cursor

from ..models import ClubMembership, InboxOutcome, StripeEventInbox
from ..selectors import price_by_stripe_id
from ..stripe_objects import checkout_facts, invoice_facts, stripe_time, subscription_state
from .subscriptions import (
    Applied,
    checkout_apply,
    invoice_failed_apply,
    invoice_paid_apply,
    membership_lock,
    membership_read_locked,
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
        text = payload.decode()
        event = json.loads(text)
        if not isinstance(event, dict) or event.get("object") != "event" or not event.get("id"):
            raise ValueError("not an event")
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InvalidStripeEvent("The body is not a Stripe event.") from None
    return stripe_event_process(event=event, raw=text)


def stripe_event_process(*, event: dict[str, Any], raw: str = "") -> EventReceipt:
    """Record ``event`` (already verified; ``raw``: its JSON as received) in the inbox and
    apply it, once.

    The inbox row is written first, with the outcome expected (``applied``, or ``ignored`` /
    ``unmatched`` when no change is due): a duplicate stops there. It is corrected only when the
    change turns out older than the state held (``outdated``) or the member is gone."""
    event_type = str(event.get("type") or "")
    created = stripe_time(event.get("created")) or timezone.now()
    route = _ROUTES.get(event_type)
    target = route(event["data"]["object"], created) if route else None
    with transaction.atomic():
        member_id, outcome = None, InboxOutcome.IGNORED
        if target is not None:
            member_id = target.member_id or _known_member(target.subscription_id, target.customer_id)
            outcome = InboxOutcome.APPLIED if member_id else InboxOutcome.UNMATCHED
        raw = raw or json.dumps(event, separators=(",", ":"))
        inbox_id, locked = _inbox_insert(
            event, raw, event_type, created, outcome=outcome, member_id=member_id
        )
        if inbox_id is None:
            return EventReceipt(event_id=event["id"], type=event_type, duplicate=True, outcome="")
        if member_id is not None:
            applied = _apply_locked(member_id, target.apply, locked=locked)
            if applied != outcome:
                outcome = applied
                StripeEventInbox.objects.filter(pk=inbox_id).update(
                    outcome=outcome, member_id=None if outcome == InboxOutcome.UNMATCHED else member_id,
                )
    return EventReceipt(event_id=event["id"], type=event_type, duplicate=False, outcome=outcome)


_INBOX_COLUMNS = "event_id, type, created, livemode, payload, received_at, processed_at, outcome, member_id"
_INBOX_SQL = (
    f"INSERT INTO {StripeEventInbox._meta.db_table} ({_INBOX_COLUMNS}) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (event_id) DO NOTHING RETURNING id"
)
# The same insert after the member's lock, in one statement (one round trip fewer for every
# event about a member): the insert's rows come from the lock's row count, so the lock is taken
# first; ``locked`` says whether the member exists. The order (lock, then insert) is the same
# for every event, and a duplicate always names the same member as the first delivery.
_LOCK_AND_INBOX_SQL = (
    f"WITH locked AS (SELECT 1 FROM {Member._meta.db_table} WHERE id = %s FOR NO KEY UPDATE) "
    f"INSERT INTO {StripeEventInbox._meta.db_table} ({_INBOX_COLUMNS}) "
    "SELECT %s::text, %s::text, %s::timestamptz, %s::boolean, %s::jsonb, %s::timestamptz, %s::timestamptz, "
    "%s::text, %s::bigint FROM (SELECT count(*) AS n FROM locked) AS held "
    "ON CONFLICT (event_id) DO NOTHING RETURNING id, (SELECT count(*) FROM locked)"
)


def _inbox_insert(
    event: dict[str, Any], raw: str, event_type: str, created: dt.datetime, *, outcome: str,
    member_id: int | None,
) -> tuple[int | None, bool]:
    """``INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING id``: (the new row's id, or None
    when the event is already there; whether the member's lock is held). A concurrent insert of
    the same id waits for the first transaction and then finds it there. On PostgreSQL an event
    about a member takes the member's lock in the same statement, before inserting."""
    received = timezone.now()
    values = [
        event["id"], event_type[:64], created, bool(event.get("livemode")), raw, received, received,
        outcome, member_id,
    ]
    if connection.vendor == "sqlite":  # SQLite's driver wants naive UTC, like Django writes it
        values[2], values[5], values[6] = (
            value.astimezone(dt.UTC).replace(tzinfo=None) for value in (created, received, received)
        )
    with prepared_cursor() as cursor:
        if member_id is not None and connection.vendor == "postgresql":
            cursor.execute(_LOCK_AND_INBOX_SQL, [member_id, *values])
            row = cursor.fetchone()
            return (row[0], bool(row[1])) if row else (None, False)
        cursor.execute(_INBOX_SQL, values)
        row = cursor.fetchone()
    return (row[0] if row else None), False


Apply = Callable[[int, ClubMembership | None], Applied]


@dataclass(frozen=True)
class Target:
    """What an event is about: its member (when its metadata names one), the Stripe ids by which
    a member could otherwise be found, and the change to make under the member's lock."""

    member_id: int | None
    subscription_id: str
    customer_id: str
    apply: Apply


def _subscription_target(obj: dict[str, Any], at: dt.datetime) -> Target | None:
    state = subscription_state(obj)

    def apply(member_id: int, membership: ClubMembership | None) -> Applied:
        return subscription_apply(member_id=member_id, membership=membership, state=state, at=at)

    return Target(state.member_id, state.subscription_id, state.customer_id, apply)


def _checkout_target(obj: dict[str, Any], at: dt.datetime) -> Target | None:
    facts = checkout_facts(obj)
    if not facts.is_subscription:
        return None

    def apply(member_id: int, membership: ClubMembership | None) -> Applied:
        return checkout_apply(member_id=member_id, membership=membership, facts=facts, at=at)

    return Target(facts.member_id, facts.subscription_id, facts.customer_id, apply)


def _invoice_paid_target(obj: dict[str, Any], at: dt.datetime) -> Target | None:
    facts = invoice_facts(obj)
    if not facts.subscription_id:
        return None

    def apply(member_id: int, membership: ClubMembership | None) -> Applied:
        applied = invoice_paid_apply(member_id=member_id, membership=membership, facts=facts, at=at)
        _invoice_credit(member_id=member_id, membership=applied.membership, invoice_id=facts.invoice_id,
                        price_id=facts.price_id, amount_paid=facts.amount_paid, at=at)
        return Applied(changed=True, membership=applied.membership)

    return Target(facts.member_id, facts.subscription_id, facts.customer_id, apply)


def _invoice_failed_target(obj: dict[str, Any], at: dt.datetime) -> Target | None:
    facts = invoice_facts(obj)
    if not facts.subscription_id:
        return None

    def apply(member_id: int, membership: ClubMembership | None) -> Applied:
        return invoice_failed_apply(membership=membership, facts=facts, at=at)

    return Target(facts.member_id, facts.subscription_id, facts.customer_id, apply)


_ROUTES: dict[str, Callable[[dict[str, Any], dt.datetime], Target | None]] = {
    **dict.fromkeys(SUBSCRIPTION_EVENTS, _subscription_target),
    "checkout.session.completed": _checkout_target,
    "invoice.paid": _invoice_paid_target,
    "invoice.payment_failed": _invoice_failed_target,
}


def _apply_locked(member_id: int, apply: Apply, *, locked: bool) -> str:
    """Apply under the member's lock: ``locked`` when the inbox insert took it (PostgreSQL),
    else it is taken here."""
    if locked:
        membership = membership_read_locked(member_id=member_id)
    else:
        exists, membership = membership_lock(member_id=member_id)
        if not exists:
            return InboxOutcome.UNMATCHED
    applied = apply(member_id, membership)
    return InboxOutcome.OUTDATED if applied.outdated else InboxOutcome.APPLIED


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
    if membership is not None and membership.price_id and (
        not price_id or membership.price.stripe_price_id == price_id
    ):
        price = membership.price
    else:
        price = price_by_stripe_id(price_id)
    if price is None or price.points_per_invoice <= 0:
        return
    points_grant_many(grants=[PointsGrant(
        member_id=member_id, points=price.points_per_invoice,
        reason=INVOICE_CREDIT_REASON.format(invoice=invoice_id),
        source_type=SourceType.SYSTEM, source_ref=invoice_id,
        idempotency_key=f"membership:invoice:{invoice_id}", earned_at=at,
    )])
