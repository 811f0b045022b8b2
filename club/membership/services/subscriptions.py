"""Applying Stripe's view of a member's paid membership to ``ClubMembership``.

Every function here runs inside the caller's transaction, after ``membership_lock`` took the
member's row: the webhook's event handlers and ``stripe_reconcile`` both come through here,
so the two can never interleave on one member. The ordering rule (docs/membership.md): a
subscription state is applied only if it is not older than the one held, where "older" compares
(Stripe's time, period end, status progress) in that order; a terminal status (``canceled``)
always wins and is never left again by the same subscription.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from club.members.models import Member
from rewards.prepared import prepared_cursor

from ..models import STRIPE_STATUS_MAP, ClubMembership, MembershipPrice, MembershipSource, MembershipStatus
from ..selectors import price_by_stripe_id
from ..stripe_objects import STATUS_PROGRESS, CheckoutFacts, InvoiceFacts, SubscriptionState

MIRRORED_FIELDS = (
    "source", "status", "period_end", "price_id", "stripe_customer_id", "stripe_subscription_id",
    "stripe_status", "stripe_cancel_at_period_end",
)


def membership_lock(*, member_id: int) -> tuple[bool, ClubMembership | None]:
    """Lock the member's row (``FOR NO KEY UPDATE``: rows that reference the member can still be
    inserted) and read their membership and its price in the same statement; return (the
    member exists, the membership or None).

    The member's row is the lock because the membership may not exist yet: two first events for
    one member wait for each other instead of both creating it. Every writer of a paid state
    (webhooks, reconcile) takes it; the earned evaluation writes only ``source = 'earned'`` rows
    with conditional statements, which PostgreSQL re-checks after any concurrent change."""
    if transaction.get_autocommit():
        raise RuntimeError("membership_lock needs a transaction (atomic())")
    # Two statements: the read must come after the lock is held, so that its snapshot sees what
    # the previous holder committed (one statement would read the membership as it was before
    # it waited for the lock).
    if connection.vendor != "postgresql":
        if not Member.objects.select_for_update(no_key=True).filter(pk=member_id).exists():
            return False, None
        return True, ClubMembership.objects.select_related("price").filter(member_id=member_id).first()
    with prepared_cursor() as cursor:  # the ORM's queries, without their per-call compiling
        cursor.execute(_LOCK_SQL, [member_id])
        if cursor.fetchone() is None:
            return False, None
    return True, membership_read_locked(member_id=member_id)


def membership_read_locked(*, member_id: int) -> ClubMembership | None:
    """The member's membership and its price, for a caller that already holds the member's lock
    in an earlier statement of this transaction (``membership_lock``, or the webhook inbox's
    insert, which takes the same lock on PostgreSQL)."""
    if connection.vendor != "postgresql":
        return ClubMembership.objects.select_related("price").filter(member_id=member_id).first()
    with prepared_cursor() as cursor:
        cursor.execute(_READ_SQL, [member_id])
        row = cursor.fetchone()
    return None if row is None else _membership_from_row(row)


def memberships_lock_many(*, member_ids: list[int]) -> dict[int, ClubMembership | None]:
    """Lock the members' rows in id order (the order every batch takes them in, so two batches
    cannot deadlock), then read their memberships and prices in one statement: {member id: the
    membership or None} for each member that exists."""
    if transaction.get_autocommit():
        raise RuntimeError("memberships_lock_many needs a transaction (atomic())")
    ordered = sorted(set(member_ids))
    if connection.vendor != "postgresql":
        found = Member.objects.select_for_update(no_key=True).filter(pk__in=ordered).order_by("pk")
        held: dict[int, ClubMembership | None] = dict.fromkeys(found.values_list("pk", flat=True))
        for membership in ClubMembership.objects.select_related("price").filter(member_id__in=held):
            held[membership.member_id] = membership
        return held
    with prepared_cursor() as cursor:
        cursor.execute(_LOCK_MANY_SQL, [ordered])
        held = dict.fromkeys(row[0] for row in cursor.fetchall())
        if held:
            cursor.execute(_READ_MANY_SQL, [list(held)])
            for row in cursor.fetchall():
                membership = _membership_from_row(row)
                held[membership.member_id] = membership
    return held


def _membership_from_row(row) -> ClubMembership:
    width = len(_MEMBERSHIP_COLUMNS)
    membership = ClubMembership.from_db(connection.alias, _MEMBERSHIP_COLUMNS, list(row[:width]))
    if row[width] is not None:
        membership.price = MembershipPrice.from_db(connection.alias, _PRICE_COLUMNS, list(row[width:]))
    return membership


_MEMBERSHIP_FIELDS = [field for field in ClubMembership._meta.concrete_fields]
_MEMBERSHIP_COLUMNS = [field.attname for field in _MEMBERSHIP_FIELDS]
_PRICE_COLUMNS = [field.attname for field in MembershipPrice._meta.concrete_fields]
# What ``Member.objects.select_for_update(no_key=True).filter(pk=...).exists()`` sends.
_LOCK_SQL = f"SELECT 1 FROM {Member._meta.db_table} WHERE id = %s LIMIT 1 FOR NO KEY UPDATE"
_LOCK_MANY_SQL = (
    f"SELECT id FROM {Member._meta.db_table} WHERE id = ANY(%s::bigint[]) ORDER BY id FOR NO KEY UPDATE"
)
_READ_SQL = (
    "SELECT {membership}, {price} FROM {memberships} cm LEFT JOIN {prices} p ON p.id = cm.price_id "
    "WHERE cm.member_id = %s"
).format(
    membership=", ".join(f"cm.{f.column}" for f in _MEMBERSHIP_FIELDS),
    price=", ".join(f"p.{f.column}" for f in MembershipPrice._meta.concrete_fields),
    memberships=ClubMembership._meta.db_table, prices=MembershipPrice._meta.db_table,
)
_READ_MANY_SQL = _READ_SQL.replace("cm.member_id = %s", "cm.member_id = ANY(%s::bigint[])")


def _price_for(price_id: str, membership: ClubMembership | None = None) -> MembershipPrice | None:
    """The configured price of a Stripe price id; the membership's own when it is that one."""
    if not price_id:
        return None
    if membership is not None and membership.price_id and membership.price.stripe_price_id == price_id:
        return membership.price
    return price_by_stripe_id(price_id)


def _order_key(at: dt.datetime | None, period_end: dt.datetime | None, status: str) -> tuple:
    floor = dt.datetime.min.replace(tzinfo=dt.UTC)
    return (at or floor, period_end or floor, STATUS_PROGRESS.get(status, 0))


def _is_terminal(status: str) -> bool:
    return STATUS_PROGRESS.get(status, 0) == 9


@dataclass(frozen=True)
class Applied:
    changed: bool
    outdated: bool = False
    membership: ClubMembership | None = None


def _save(membership: ClubMembership, before: tuple | None, extra_fields: tuple[str, ...] = ()) -> bool:
    """Write the membership; True if a mirrored field changed (``before``: its ``_snapshot``)."""
    after = _snapshot(membership)
    if membership.pk is None:
        _insert(membership)
        return True
    if after[:-1] == before[:-1]:
        if after[-1] != before[-1]:  # only the date the subscription was first seen
            extra_fields = (*extra_fields, "stripe_subscription_seen_at", "updated_at")
        if extra_fields:
            _update(membership, tuple(dict.fromkeys(extra_fields)))
        return False
    _update(membership, _UPDATED_FIELDS)
    return True


_UPDATED_FIELDS = tuple(
    field.name for field in ClubMembership._meta.concrete_fields if not field.primary_key
)
_UPDATE_SQL: dict[tuple[str, ...], str] = {}
_UPDATE_ALL_FIELDS = [ClubMembership._meta.get_field(name) for name in _UPDATED_FIELDS]


@functools.cache
def _update_all_sql() -> str:
    """Every changed membership of a batch in one statement (PostgreSQL): one array per column,
    joined on the id."""
    return "UPDATE {table} AS cm SET {sets} FROM unnest(%s::bigint[], {arrays}) AS v(id, {names}) " \
        "WHERE cm.id = v.id".format(
            table=ClubMembership._meta.db_table,
            sets=", ".join(f"{field.column} = v.{field.column}" for field in _UPDATE_ALL_FIELDS),
            arrays=", ".join(f"%s::{field.db_type(connection)}[]" for field in _UPDATE_ALL_FIELDS),
            names=", ".join(field.column for field in _UPDATE_ALL_FIELDS),
        )


_INSERT_FIELDS = [field for field in ClubMembership._meta.concrete_fields if not field.primary_key]
_INSERT_SQL = "INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id".format(
    table=ClubMembership._meta.db_table, columns=", ".join(field.column for field in _INSERT_FIELDS),
    values=", ".join(["%s"] * len(_INSERT_FIELDS)),
)


# The memberships waiting to be written, inside ``memberships_written_together``; None outside.
_written_together: ContextVar[dict[int, ClubMembership] | None] = ContextVar("written_together", default=None)


@contextlib.contextmanager
def memberships_written_together() -> Iterator[None]:
    """Inside, the apply functions' writes wait; on leaving without an error they go out as at
    most two statements: the new memberships, then every changed one with all its fields (the
    inbox drain's batches: a few statements a batch instead of one or more per event).

    Only for a caller that read every membership it applies to before it started (under the
    members' locks) and reads none from the database inside: a membership written inside is
    not in the database before the end."""
    waiting: dict[int, ClubMembership] = {}
    token = _written_together.set(waiting)
    try:
        yield
    finally:
        _written_together.reset(token)
    _write_all(list(waiting.values()))


def _write_all(memberships: list[ClubMembership]) -> None:
    new = [membership for membership in memberships if membership.pk is None]
    changed = [membership for membership in memberships if membership.pk is not None]
    if new:
        ClubMembership.objects.bulk_create(new)  # sets each pk (RETURNING on PostgreSQL)
    if not changed:
        return
    if connection.vendor != "postgresql":
        now = timezone.now()
        for membership in changed:
            membership.updated_at = now  # bulk_update does not apply auto_now
        ClubMembership.objects.bulk_update(changed, list(_UPDATED_FIELDS))
        return
    columns = [
        [field.get_db_prep_save(field.pre_save(membership, False), connection) for membership in changed]
        for field in _UPDATE_ALL_FIELDS
    ]
    with prepared_cursor() as cursor:
        cursor.execute(_update_all_sql(), [[membership.pk for membership in changed], *columns])


def _insert(membership: ClubMembership) -> None:
    """``membership.save()`` for a new row, as one prepared ``INSERT ... RETURNING id`` (no
    signals listen to this model; each field's own conversion, ``updated_at`` set as ``save``
    sets it)."""
    waiting = _written_together.get()
    if waiting is not None:
        waiting[id(membership)] = membership
        return
    if connection.vendor != "postgresql":
        membership.save()
        return
    values = [field.get_db_prep_save(field.pre_save(membership, True), connection)
              for field in _INSERT_FIELDS]
    with prepared_cursor() as cursor:
        cursor.execute(_INSERT_SQL, values)
        membership.pk = cursor.fetchone()[0]
    membership._state.adding = False
    membership._state.db = connection.alias


def _update(membership: ClubMembership, fields: tuple[str, ...]) -> None:
    """``membership.save(update_fields=fields)`` for a row that exists (no signals listen to
    this model): the same values through each field's own conversion, without compiling an
    ``UPDATE`` each time; ``updated_at`` (``auto_now``) is set as ``save`` sets it."""
    waiting = _written_together.get()
    if waiting is not None:
        waiting[id(membership)] = membership
        return
    if connection.vendor != "postgresql":
        membership.save(update_fields=list(fields))
        return
    model_fields = [ClubMembership._meta.get_field(name) for name in fields]
    sql = _UPDATE_SQL.get(fields)
    if sql is None:
        columns = ", ".join(f"{field.column} = %s" for field in model_fields)
        sql = _UPDATE_SQL[fields] = f"UPDATE {ClubMembership._meta.db_table} SET {columns} WHERE id = %s"
    values = [field.get_db_prep_save(field.pre_save(membership, False), connection) for field in model_fields]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*values, membership.pk])


def _snapshot(membership: ClubMembership | None) -> tuple | None:
    """The mirrored fields, then the date the subscription was first seen (kept, not mirrored)."""
    if membership is None or membership.pk is None:
        return None
    return (*(getattr(membership, name) for name in MIRRORED_FIELDS), membership.stripe_subscription_seen_at)


def _takes_over(membership: ClubMembership, state: SubscriptionState) -> bool:
    """Another subscription of the member than the one held: the membership follows the newest
    live subscription, or the newest of all when none is live (docs/membership.md)."""
    held_live = not _is_terminal(membership.stripe_status)
    if held_live and state.is_terminal:
        return False
    if not held_live and not state.is_terminal:
        return True
    if state.created is None:
        return False
    held_created = membership.stripe_subscription_created
    if held_created is None:
        # The held one is not dated yet: it came with a checkout or an invoice, so it was
        # created at or before that event. One created after it is the newer; otherwise which
        # is newer is not known yet and the held one stays (its own state will date it).
        seen = membership.stripe_subscription_seen_at
        return seen is not None and state.created > seen
    return (state.created, state.subscription_id) > (held_created, membership.stripe_subscription_id)


def subscription_apply(
    *, member_id: int, membership: ClubMembership | None, state: SubscriptionState, at: dt.datetime,
) -> Applied:
    """Make the membership mirror ``state`` (a subscription as Stripe had it at ``at``) unless
    the membership already holds a later state of it, or a live subscription of another id."""
    if membership is not None and membership.stripe_subscription_id and (
        membership.stripe_subscription_id != state.subscription_id
    ):
        if not _takes_over(membership, state):
            return Applied(changed=False, outdated=True, membership=membership)
        # the marks belonged to the other subscription
        membership.stripe_state_at = membership.stripe_subscription_seen_at = None
    elif membership is not None and membership.stripe_subscription_id == state.subscription_id:
        if _is_terminal(membership.stripe_status):
            return Applied(changed=False, outdated=True, membership=membership)
        held = _order_key(membership.stripe_state_at, membership.period_end, membership.stripe_status)
        if not state.is_terminal and _order_key(at, state.period_end, state.status) < held:
            return Applied(changed=False, outdated=True, membership=membership)
    if membership is None:
        membership = ClubMembership(member_id=member_id, started_at=at)
    before = _snapshot(membership)
    price = _price_for(state.price_id, membership)
    membership.source = MembershipSource.PAID
    membership.status = STRIPE_STATUS_MAP.get(state.status, MembershipStatus.LAPSED)
    membership.period_end = state.period_end
    if price is not None or not membership.price_id:
        membership.price = price
    membership.stripe_customer_id = state.customer_id or membership.stripe_customer_id
    membership.stripe_subscription_id = state.subscription_id
    membership.stripe_status = state.status
    membership.stripe_subscription_created = state.created or membership.stripe_subscription_created
    membership.stripe_cancel_at_period_end = state.cancel_at_period_end
    membership.stripe_state_at = max(at, membership.stripe_state_at or at)
    changed = _save(membership, before, extra_fields=("stripe_state_at", "updated_at"))
    return Applied(changed=changed, membership=membership)


def _adopt_subscription(
    membership: ClubMembership, *, subscription_id: str, customer_id: str, at: dt.datetime,
) -> bool:
    """Fill the Stripe ids from a checkout or an invoice (an event of Stripe time ``at``); True
    if the membership is still waiting for its first subscription state (so these facts may set
    its status)."""
    if subscription_id and (
        not membership.stripe_subscription_id
        or (membership.stripe_subscription_id != subscription_id and _is_terminal(membership.stripe_status)
            and membership.stripe_state_at is not None)
    ):
        if membership.stripe_subscription_id != subscription_id:
            membership.stripe_state_at = None
            membership.stripe_status = ""
            membership.stripe_subscription_created = None
            membership.stripe_subscription_seen_at = None
        membership.stripe_subscription_id = subscription_id
    if subscription_id and membership.stripe_subscription_id == subscription_id and (
        membership.stripe_subscription_seen_at is None or at < membership.stripe_subscription_seen_at
    ):
        membership.stripe_subscription_seen_at = at
    if customer_id:
        membership.stripe_customer_id = customer_id
    return membership.stripe_state_at is None and (
        not subscription_id or membership.stripe_subscription_id == subscription_id
    )


def checkout_apply(
    *, member_id: int, membership: ClubMembership | None, facts: CheckoutFacts, at: dt.datetime,
) -> Applied:
    """A completed Checkout: the member is now a paying member of this subscription. Sets the
    status only while no subscription state has been applied (that one is Stripe's own word)."""
    if membership is None:
        membership = ClubMembership(member_id=member_id, started_at=at)
    before = _snapshot(membership)
    waiting = _adopt_subscription(
        membership, subscription_id=facts.subscription_id, customer_id=facts.customer_id, at=at
    )
    if waiting:
        membership.source = MembershipSource.PAID
        membership.status = MembershipStatus.ACTIVE if facts.is_paid else MembershipStatus.PENDING
    return Applied(changed=_save(membership, before), membership=membership)


def invoice_paid_apply(
    *, member_id: int, membership: ClubMembership | None, facts: InvoiceFacts, at: dt.datetime,
) -> Applied:
    """A paid invoice of a membership subscription: like a checkout before any subscription
    state arrived (active, period end from the invoice line); clears a failure it follows."""
    if membership is None:
        membership = ClubMembership(member_id=member_id, started_at=at)
    before = _snapshot(membership)
    waiting = _adopt_subscription(
        membership, subscription_id=facts.subscription_id, customer_id=facts.customer_id, at=at
    )
    if waiting:
        membership.source = MembershipSource.PAID
        membership.status = MembershipStatus.ACTIVE
        if facts.period_end and (membership.period_end is None or facts.period_end > membership.period_end):
            membership.period_end = facts.period_end
        price = _price_for(facts.price_id, membership)
        if price is not None:
            membership.price = price
    extra: tuple[str, ...] = ()
    if membership.payment_failed_at and membership.payment_failed_at <= at:
        membership.payment_failed_at = None
        extra = ("payment_failed_at", "updated_at")
    return Applied(changed=_save(membership, before, extra_fields=extra), membership=membership)


def invoice_failed_apply(
    *, membership: ClubMembership | None, facts: InvoiceFacts, at: dt.datetime,
) -> Applied:
    """A failed payment is noted for the portal ("update your card"); the status itself moves
    only with Stripe's subscription state (``past_due`` arrives as a subscription update)."""
    if membership is None or membership.stripe_subscription_id != facts.subscription_id:
        return Applied(changed=False, outdated=True, membership=membership)
    if membership.payment_failed_at and membership.payment_failed_at >= at:
        return Applied(changed=False, outdated=True, membership=membership)
    membership.payment_failed_at = at
    _update(membership, ("payment_failed_at", "updated_at"))
    return Applied(changed=True, membership=membership)


def membership_lapse(*, membership: ClubMembership, now: dt.datetime | None = None) -> bool:
    """A paid membership Stripe does not know (reconcile's "extra"): it lapses. True if changed."""
    if membership.status == MembershipStatus.LAPSED:
        return False
    membership.status = MembershipStatus.LAPSED
    membership.stripe_state_at = now or timezone.now()
    membership.save(update_fields=["status", "stripe_state_at", "updated_at"])
    return True
