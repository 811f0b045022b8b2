"""``stripe_reconcile``: compare the memberships with Stripe's subscriptions and repair them.

Webhooks can be missed (an outage longer than Stripe's retries, a wrong secret for a while).
This lists every subscription through the gateway and applies each, member by member, through
``subscription_apply``, the webhooks' own function, under the same member lock, dated "now"
(what Stripe says now is at least as new as any event still on its way). Paid memberships that
are live here but whose subscription Stripe does not list lapse. A second run finds nothing to
change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..gateway import StripeGateway, stripe_gateway
from ..models import ClubMembership, MembershipSource, MembershipStatus
from ..stripe_objects import SubscriptionState, subscription_state
from .subscriptions import membership_lapse, membership_lock, subscription_apply


@dataclass
class ReconcileReport:
    subscriptions: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lapsed: int = 0
    unmatched: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.lapsed

    def summary(self) -> str:
        return (
            f"{self.subscriptions} Stripe subscriptions: {self.created} memberships created, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.lapsed} lapsed (unknown to Stripe), "
            f"{len(self.unmatched)} without a member"
        )


def _ordered(states: list[SubscriptionState]) -> list[SubscriptionState]:
    """Oldest subscription first, so the membership ends on the one it should follow."""
    floor = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(states, key=lambda s: (s.created or floor, s.subscription_id))


def _members_by_stripe_ids(states: list[SubscriptionState]) -> dict[str, int]:
    """Subscriptions without our metadata: their member by the ids memberships hold (one query)."""
    subscription_ids = [s.subscription_id for s in states]
    customer_ids = [s.customer_id for s in states if s.customer_id]
    rows = ClubMembership.objects.filter(
        Q(stripe_subscription_id__in=subscription_ids) | Q(stripe_customer_id__in=customer_ids)
    ).values_list("member_id", "stripe_subscription_id", "stripe_customer_id")
    known: dict[str, int] = {}
    for member_id, subscription_id, customer_id in rows:
        known[subscription_id] = member_id
        known.setdefault(customer_id, member_id)
    return known


def stripe_reconcile(
    *, gateway: StripeGateway | None = None, now: dt.datetime | None = None,
) -> ReconcileReport:
    gateway = gateway or stripe_gateway()
    listed_at = now or timezone.now()
    report = ReconcileReport()
    states = [subscription_state(obj) for obj in gateway.subscriptions_list()]
    report.subscriptions = len(states)
    orphans = [s for s in states if s.member_id is None]
    known = _members_by_stripe_ids(orphans) if orphans else {}
    by_member: dict[int, list[SubscriptionState]] = defaultdict(list)
    for state in states:
        member_id = state.member_id or known.get(state.subscription_id) or known.get(state.customer_id)
        if member_id is None:
            report.unmatched.append(state.subscription_id)
        else:
            by_member[member_id].append(state)
    for member_id, member_states in by_member.items():
        _reconcile_member(member_id, _ordered(member_states), listed_at, report)
    _lapse_unknown({s.subscription_id for s in states}, listed_at, report)
    return report


def _reconcile_member(member_id: int, states: list[SubscriptionState], at: dt.datetime,
                      report: ReconcileReport) -> None:
    with transaction.atomic():
        exists, membership = membership_lock(member_id=member_id)
        if not exists:
            report.unmatched.extend(s.subscription_id for s in states)
            return
        created = changed = False
        for state in states:
            applied = subscription_apply(member_id=member_id, membership=membership, state=state, at=at)
            if applied.changed:
                created = created or membership is None
                changed = True
            membership = applied.membership or membership
    if created:
        report.created += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


def _lapse_unknown(listed: set[str], listed_at: dt.datetime, report: ReconcileReport) -> None:
    """Paid memberships still live here whose subscription Stripe did not list. A row changed
    after the listing began (a checkout completing meanwhile) is left for the next run."""
    live = [MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE, MembershipStatus.PENDING]
    candidates = (
        ClubMembership.objects.filter(source=MembershipSource.PAID, status__in=live, updated_at__lt=listed_at)
        .exclude(stripe_subscription_id__in=listed)
        .values_list("member_id", flat=True)
    )
    for member_id in candidates:
        with transaction.atomic():
            _exists, membership = membership_lock(member_id=member_id)
            if (
                membership is not None and membership.source == MembershipSource.PAID
                and membership.status in live and membership.updated_at < listed_at
                and membership.stripe_subscription_id not in listed
                and membership_lapse(membership=membership, now=listed_at)
            ):
                report.lapsed += 1
