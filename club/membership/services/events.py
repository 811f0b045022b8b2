"""Stripe webhooks: verify, record once in the inbox, answer; apply pending events in batches.

``stripe_webhook_receive`` is what the view calls: the SDK checks the signature on the raw body,
then one statement records the event in the inbox, pending (``INSERT ... ON CONFLICT (event_id)
DO NOTHING RETURNING id``, committed at once), and the answer goes back. A redelivered event
finds its id taken and does nothing. After the insert commits, ``stripe_inbox_wake`` queues a
drain unless one is already queued (a flag in the cache, ``add`` only if absent).

``stripe_inbox_drain`` (a Celery task; the beat runs it every minute too) takes pending rows
oldest first, ``FOR UPDATE SKIP LOCKED`` so drains running side by side share the work, and
applies a batch in one transaction: the batch's members locked in id order, their memberships
read in one statement after the lock, each event applied under the lock in (member, arrival)
order, the invoices' points in one ledger call, the rows marked processed with their outcome.
The handlers are correct in any order (docs/membership.md), so arrival order is enough. A batch
that fails is applied again one event at a time, each in a savepoint; an event that fails is
counted on its row and retried by later drains, and marked ``failed`` after ``MAX_ATTEMPTS``.

``stripe_event_process`` applies one event at once, inbox included (the demo's test-mode
checkout and the tests use it).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import stripe
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from club.members.models import Member
from config.coalesce import Coalesced
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
    memberships_lock_many,
    memberships_written_together,
    subscription_apply,
)

logger = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = frozenset({
    "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
})
DRAIN_BATCH = 200  # events per transaction of the drain
MAX_ATTEMPTS = 5  # failed drains of one event before it is marked failed
WAKE_KEY = "membership:stripe-inbox:drain-queued"
WAKE_SECONDS = 60  # a queued drain that never ran (its worker lost) stops blocking new ones


class InvalidStripeEvent(Exception):
    """The request is not a genuine, fresh Stripe event; the message says why (answered 400)."""


@dataclass(frozen=True)
class EventReceipt:
    event_id: str
    type: str
    duplicate: bool
    outcome: str  # blank while the event waits for the drain


def stripe_webhook_receive(*, payload: bytes, signature: str) -> EventReceipt:
    """Check ``payload`` (the raw body) against the ``Stripe-Signature`` header with the SDK,
    within the tolerance, then record the event for the drain. Raises ``InvalidStripeEvent``,
    having written nothing, when the signature, the timestamp or the JSON is wrong."""
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
    return stripe_event_receive(event=event, raw=text)


def stripe_event_receive(*, event: dict[str, Any], raw: str = "") -> EventReceipt:
    """Record ``event`` (already verified; ``raw``: its JSON as received) in the inbox, pending,
    and have a drain queued once that commits. A duplicate writes nothing."""
    event_type = str(event.get("type") or "")
    created = stripe_time(event.get("created")) or timezone.now()
    raw = raw or json.dumps(event, separators=(",", ":"))
    inbox_id, _ = _inbox_insert(event, raw, event_type, created, outcome="", member_id=None, pending=True)
    if inbox_id is None:
        return EventReceipt(event_id=event["id"], type=event_type, duplicate=True, outcome="")
    transaction.on_commit(stripe_inbox_wake, robust=True)
    return EventReceipt(event_id=event["id"], type=event_type, duplicate=False, outcome="")


def _wake() -> None:
    from ..tasks import stripe_inbox_drain_task  # the tasks module imports this one

    if cache.add(WAKE_KEY, 1, timeout=WAKE_SECONDS):
        stripe_inbox_drain_task.delay()


# At most one wake-up a process per STRIPE_INBOX_WAKE_SECONDS, and one after every event
# (config/coalesce.py): a burst of events costs a Redis round trip or two, not one each.
# Eager Celery (tests, the embedded mode) runs the drain in the caller's thread, at once.
_wake_coalesced = Coalesced(
    _wake, lambda: 0 if settings.CELERY_TASK_ALWAYS_EAGER else settings.STRIPE_INBOX_WAKE_SECONDS
)


def stripe_inbox_wake() -> None:
    """Queue a drain unless one is queued and has not started yet: that one will see this
    event, because a drain clears the flag before it reads the inbox. The check runs after
    the event's commit, at once or within ``STRIPE_INBOX_WAKE_SECONDS`` (coalesced with the
    process's other events). When the cache or the broker is down the event waits for the
    beat's drain (every minute)."""
    _wake_coalesced()


@dataclass
class DrainReport:
    batches: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)  # inbox ids whose application raised

    @property
    def events(self) -> int:
        return sum(self.outcomes.values())


@dataclass(frozen=True)
class _Pending:
    id: int
    type: str
    created: dt.datetime
    payload: str | dict


def stripe_inbox_drain(*, batch_size: int = DRAIN_BATCH) -> DrainReport:
    """Apply every pending event, ``batch_size`` to a transaction, until none is left (events
    another drain holds are skipped: it applies them). See the module's docstring."""
    try:
        cache.delete(WAKE_KEY)  # from now on a new event queues another drain
    except Exception:  # the cache is down: this drain runs anyway
        logger.warning("stripe inbox drain: the cache is unavailable", exc_info=True)
    report = DrainReport()
    failing: set[int] = set()
    while True:
        with transaction.atomic():
            rows = _pending_locked(batch_size, exclude=failing)
            if not rows:
                return report
            try:
                with transaction.atomic():
                    outcomes = _apply_batch(rows)
            except Exception:
                logger.exception("stripe inbox drain: a batch of %s failed; applying one by one", len(rows))
                outcomes = {}
                for row in rows:
                    try:
                        with transaction.atomic():
                            outcomes.update(_apply_batch([row]))
                    except Exception as error:
                        logger.exception("stripe inbox drain: event %s failed", row.id)
                        failing.add(row.id)
                        report.failed.append(row.id)
                        _attempt_failed(row.id, error)
            _mark_processed(outcomes)
        report.batches += 1
        for outcome, _member in outcomes.values():
            report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1


_PENDING_SQL = (
    f"SELECT id, type, created, payload::text FROM {StripeEventInbox._meta.db_table} "
    "WHERE processed_at IS NULL AND NOT (id = ANY(%s::bigint[])) ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"
)


def _pending_locked(limit: int, *, exclude: set[int]) -> list[_Pending]:
    """The oldest pending rows no other drain holds, locked until this transaction ends."""
    if connection.vendor == "postgresql":
        with prepared_cursor() as cursor:
            cursor.execute(_PENDING_SQL, [sorted(exclude), limit])
            return [_Pending(*row) for row in cursor.fetchall()]
    rows = (StripeEventInbox.objects.filter(processed_at__isnull=True).exclude(pk__in=exclude)
            .order_by("id").values_list("id", "type", "created", "payload")[:limit])
    return [_Pending(*row) for row in rows]


def _apply_batch(rows: list[_Pending]) -> dict[int, tuple[str, int | None]]:
    """Apply ``rows`` under their members' locks: {inbox id: (outcome, member id)}.

    An event without our metadata whose member is found by its Stripe ids alone waits for a
    second pass when the lookup fails: an earlier event of the same batch may create the
    membership that names those ids (the per-event path would have written it already)."""
    outcomes: dict[int, tuple[str, int | None]] = {}
    due: list[tuple[int, int, Target]] = []  # (member id, inbox id, target)
    unknown: list[tuple[int, Target]] = []
    for row in rows:
        event = json.loads(row.payload) if isinstance(row.payload, str) else row.payload
        route = _ROUTES.get(row.type)
        target = route(event["data"]["object"], row.created) if route else None
        if target is None:
            outcomes[row.id] = (InboxOutcome.IGNORED, None)
            continue
        member_id = target.member_id or _known_member(target.subscription_id, target.customer_id)
        if member_id is None:
            unknown.append((row.id, target))
            continue
        due.append((member_id, row.id, target))
    _apply_due(due, outcomes)
    if unknown and due:  # the first pass may have written the memberships they name
        due = []
        for inbox_id, target in unknown:
            member_id = _known_member(target.subscription_id, target.customer_id)
            if member_id is not None:
                due.append((member_id, inbox_id, target))
        _apply_due(due, outcomes)
    for inbox_id, _target in unknown:
        outcomes.setdefault(inbox_id, (InboxOutcome.UNMATCHED, None))
    return outcomes


def _apply_due(due: list[tuple[int, int, Target]], outcomes: dict[int, tuple[str, int | None]]) -> None:
    """Apply each (member id, inbox id, target) under the members' locks, writing the
    memberships together at the end, then the invoices' points in one ledger call."""
    if not due:
        return
    # Members in id order (the lock order of every batch), each member's events in arrival order.
    due.sort(key=lambda item: (item[0], item[1]))
    held = memberships_lock_many(member_ids=list(dict.fromkeys(member_id for member_id, _, _ in due)))
    grants: list[PointsGrant] = []
    with memberships_written_together():
        for member_id, inbox_id, target in due:
            if member_id not in held:  # no such member (erased, or a wrong id in the metadata)
                outcomes[inbox_id] = (InboxOutcome.UNMATCHED, None)
                continue
            applied = target.apply(member_id, held[member_id], grants)
            held[member_id] = applied.membership
            outcomes[inbox_id] = (
                InboxOutcome.OUTDATED if applied.outdated else InboxOutcome.APPLIED, member_id
            )
    if grants:
        points_grant_many(grants=grants)


_MARK_SQL = (
    f"UPDATE {StripeEventInbox._meta.db_table} AS inbox SET processed_at = %s, outcome = done.outcome, "
    "member_id = done.member_id FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) "
    "AS done(id, outcome, member_id) WHERE inbox.id = done.id"
)


def _mark_processed(outcomes: dict[int, tuple[str, int | None]]) -> None:
    if not outcomes:
        return
    now = timezone.now()
    if connection.vendor == "postgresql":
        ids, values = list(outcomes), list(outcomes.values())
        with prepared_cursor() as cursor:
            cursor.execute(_MARK_SQL, [now, ids, [outcome for outcome, _ in values],
                                       [member for _, member in values]])
        return
    for inbox_id, (outcome, member_id) in outcomes.items():
        StripeEventInbox.objects.filter(pk=inbox_id).update(
            processed_at=now, outcome=outcome, member_id=member_id
        )


def _attempt_failed(inbox_id: int, error: Exception) -> None:
    """Count a failed application on the row; the last allowed one marks it failed (processed)."""
    row = StripeEventInbox.objects.filter(pk=inbox_id).values_list("attempts", flat=True).first()
    attempts = (row or 0) + 1
    given_up = attempts >= MAX_ATTEMPTS
    StripeEventInbox.objects.filter(pk=inbox_id).update(
        attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000],
        processed_at=timezone.now() if given_up else None,
        outcome=InboxOutcome.FAILED if given_up else "",
    )


def stripe_event_process(*, event: dict[str, Any], raw: str = "") -> EventReceipt:
    """Record ``event`` (already verified; ``raw``: its JSON as received) in the inbox and
    apply it at once, in one transaction (no drain).

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


_INBOX_COLUMNS = (
    "event_id, type, created, livemode, payload, received_at, processed_at, outcome, member_id, "
    "attempts, last_error"
)
_INBOX_SQL = (
    f"INSERT INTO {StripeEventInbox._meta.db_table} ({_INBOX_COLUMNS}) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 0, '') ON CONFLICT (event_id) DO NOTHING RETURNING id"
)
# The same insert after the member's lock, in one statement (one round trip fewer for every
# event about a member): the insert's rows come from the lock's row count, so the lock is taken
# first; ``locked`` says whether the member exists. The order (lock, then insert) is the same
# for every event, and a duplicate always names the same member as the first delivery.
_LOCK_AND_INBOX_SQL = (
    f"WITH locked AS (SELECT 1 FROM {Member._meta.db_table} WHERE id = %s FOR NO KEY UPDATE) "
    f"INSERT INTO {StripeEventInbox._meta.db_table} ({_INBOX_COLUMNS}) "
    "SELECT %s::text, %s::text, %s::timestamptz, %s::boolean, %s::jsonb, %s::timestamptz, %s::timestamptz, "
    "%s::text, %s::bigint, 0, '' FROM (SELECT count(*) AS n FROM locked) AS held "
    "ON CONFLICT (event_id) DO NOTHING RETURNING id, (SELECT count(*) FROM locked)"
)


def _inbox_insert(
    event: dict[str, Any], raw: str, event_type: str, created: dt.datetime, *, outcome: str,
    member_id: int | None, pending: bool = False,
) -> tuple[int | None, bool]:
    """``INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING id``: (the new row's id, or None
    when the event is already there; whether the member's lock is held). A concurrent insert of
    the same id waits for the first transaction and then finds it there. On PostgreSQL an event
    about a member takes the member's lock in the same statement, before inserting."""
    received = timezone.now()
    processed = None if pending else received
    values = [
        event["id"], event_type[:64], created, bool(event.get("livemode")), raw, received, processed,
        outcome, member_id,
    ]
    if connection.vendor == "sqlite":  # SQLite's driver wants naive UTC, like Django writes it
        values[2], values[5], values[6] = (
            value.astimezone(dt.UTC).replace(tzinfo=None) if value else None
            for value in (created, received, processed)
        )
    with prepared_cursor() as cursor:
        if member_id is not None and connection.vendor == "postgresql":
            cursor.execute(_LOCK_AND_INBOX_SQL, [member_id, *values])
            row = cursor.fetchone()
            return (row[0], bool(row[1])) if row else (None, False)
        cursor.execute(_INBOX_SQL, values)
        row = cursor.fetchone()
    return (row[0] if row else None), False


# (member id, their membership under the lock, the grants to credit after) -> what changed
Apply = Callable[[int, ClubMembership | None, list[PointsGrant]], Applied]


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

    def apply(member_id: int, membership: ClubMembership | None, grants: list[PointsGrant]) -> Applied:
        return subscription_apply(member_id=member_id, membership=membership, state=state, at=at)

    return Target(state.member_id, state.subscription_id, state.customer_id, apply)


def _checkout_target(obj: dict[str, Any], at: dt.datetime) -> Target | None:
    facts = checkout_facts(obj)
    if not facts.is_subscription:
        return None

    def apply(member_id: int, membership: ClubMembership | None, grants: list[PointsGrant]) -> Applied:
        return checkout_apply(member_id=member_id, membership=membership, facts=facts, at=at)

    return Target(facts.member_id, facts.subscription_id, facts.customer_id, apply)


def _invoice_paid_target(obj: dict[str, Any], at: dt.datetime) -> Target | None:
    facts = invoice_facts(obj)
    if not facts.subscription_id:
        return None

    def apply(member_id: int, membership: ClubMembership | None, grants: list[PointsGrant]) -> Applied:
        applied = invoice_paid_apply(member_id=member_id, membership=membership, facts=facts, at=at)
        grants += _invoice_credit(member_id=member_id, membership=applied.membership,
                                  invoice_id=facts.invoice_id, price_id=facts.price_id,
                                  amount_paid=facts.amount_paid, at=at)
        return Applied(changed=True, membership=applied.membership)

    return Target(facts.member_id, facts.subscription_id, facts.customer_id, apply)


def _invoice_failed_target(obj: dict[str, Any], at: dt.datetime) -> Target | None:
    facts = invoice_facts(obj)
    if not facts.subscription_id:
        return None

    def apply(member_id: int, membership: ClubMembership | None, grants: list[PointsGrant]) -> Applied:
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
    grants: list[PointsGrant] = []
    applied = apply(member_id, membership, grants)
    if grants:
        points_grant_many(grants=grants)
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
) -> list[PointsGrant]:
    """The membership credit: the price's points, once per invoice (the ledger's idempotency key
    is the invoice id, so a replay or a second event type for the same invoice writes nothing).
    A zero invoice (a trial) earns nothing."""
    if amount_paid <= 0:
        return []
    if membership is not None and membership.price_id and (
        not price_id or membership.price.stripe_price_id == price_id
    ):
        price = membership.price
    else:
        price = price_by_stripe_id(price_id)
    if price is None or price.points_per_invoice <= 0:
        return []
    return [PointsGrant(
        member_id=member_id, points=price.points_per_invoice,
        reason=INVOICE_CREDIT_REASON.format(invoice=invoice_id),
        source_type=SourceType.SYSTEM, source_ref=invoice_id,
        idempotency_key=f"membership:invoice:{invoice_id}", earned_at=at,
    )]
