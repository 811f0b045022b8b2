"""r5: 60 members' subscriptions; then an hour in which no webhook arrives (new checkouts,
renewals, failed payments, cancellations, and a subscription Stripe no longer has), then
``manage.py stripe_reconcile``: no member missing a membership Stripe says they have, none
holding one Stripe does not; a second run changes nothing; the missed events, redelivered late by
Stripe's retries, change no state and credit each invoice once."""

from __future__ import annotations

import io
import time
from collections import Counter

import pytest
from django.core.management import call_command

from club.membership.fake_stripe import FakeStripe
from club.membership.gateway import RecordingGateway, stripe_gateway_override
from club.membership.models import ENTITLED_STATUSES, ClubMembership
from club.membership.services import stripe_event_process
from club.membership.services.reconcile import stripe_reconcile
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory
from tests.membership_stripe import make_price

pytestmark = [pytest.mark.django_db]

MEMBERS = 60
HOUR = 3600
LIVE = {"active", "trialing", "past_due", "unpaid"}


def _mirror() -> dict[int, tuple]:
    return {
        row[0]: row[1:] for row in ClubMembership.objects.values_list(
            "member_id", "source", "status", "period_end", "stripe_subscription_id", "stripe_status",
            "stripe_cancel_at_period_end", "price_id",
        )
    }


def _current_subscriptions(stripe_side: FakeStripe) -> dict[int, dict]:
    """Per member, the subscription Stripe says the membership follows: the newest live one."""
    current: dict[int, dict] = {}
    for subscription in sorted(stripe_side.subscriptions.values(), key=lambda s: (s["created"], s["id"])):
        member_id = int(subscription["metadata"]["member_id"])
        held = current.get(member_id)
        if held is None or subscription["status"] in LIVE or held["status"] not in LIVE:
            current[member_id] = subscription
    return current


def _missing_and_extra(stripe_side: FakeStripe) -> tuple[int, int, int]:
    memberships = {m.member_id: m for m in ClubMembership.objects.all()}
    current = _current_subscriptions(stripe_side)
    missing = extra = stale = 0
    for member_id, subscription in current.items():
        membership = memberships.get(member_id)
        live = subscription["status"] in LIVE
        if live and (membership is None or not membership.is_entitled):
            missing += 1
        elif membership is not None and (
            membership.stripe_subscription_id, membership.stripe_status,
            int(membership.period_end.timestamp()),
        ) != (subscription["id"], subscription["status"],
              subscription["items"]["data"][0]["current_period_end"]):
            stale += 1
    for member_id, membership in memberships.items():
        subscription = current.get(member_id)
        held_live = subscription is not None and subscription["status"] in LIVE
        if membership.status in ENTITLED_STATUSES and not held_live:
            extra += 1
    return missing, extra, stale


def test_r5_an_hour_of_missed_webhooks_then_reconcile_repairs_and_a_second_run_changes_nothing(settings):
    settings.STRIPE_SECRET_KEY = ""
    stripe_side = FakeStripe()
    gateway = RecordingGateway(subscriptions=stripe_side.subscriptions)
    stripe_gateway_override(gateway)
    try:
        price = make_price()
        members = MemberFactory.create_batch(MEMBERS)
        subscriptions: dict[int, str] = {}
        for member in members[: MEMBERS * 2 // 3]:  # delivered while the endpoint worked
            events = stripe_side.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
            for event in events:
                stripe_event_process(event=event)
            subscriptions[member.pk] = next(reversed(stripe_side.subscriptions))
        stripe_side.tick(HOUR)

        missed: list[dict] = []  # the hour without webhooks
        for index, member in enumerate(members):
            subscription_id = subscriptions.get(member.pk)
            if subscription_id is None:
                missed += stripe_side.checkout(member_id=member.pk, price_id=price.stripe_price_id,
                                               amount=99000)
            elif index % 4 == 0:
                missed += stripe_side.cancel(subscription_id)
            elif index % 4 == 1:
                missed += stripe_side.renew(subscription_id)
            elif index % 4 == 2:
                missed += stripe_side.renew(subscription_id, paid=False)
            stripe_side.tick(10)
        gone = subscriptions[members[3].pk]  # a subscription Stripe no longer lists
        del stripe_side.subscriptions[gone]
        before = _missing_and_extra(stripe_side)

        out = io.StringIO()
        started = time.perf_counter()
        call_command("stripe_reconcile", stdout=out)
        seconds = time.perf_counter() - started
        after = _missing_and_extra(stripe_side)
        state = _mirror()
        second = stripe_reconcile()
        second_state = _mirror()
        for event in missed:  # Stripe's retries deliver the missed events late
            stripe_event_process(event=event)
        late_state = _mirror()
    finally:
        stripe_gateway_override(None)

    credits = Counter(LedgerEntry.objects.values_list("source_ref", flat=True))
    print(
        f"\nr5: {MEMBERS} members, {len(stripe_side.subscriptions)} Stripe subscriptions, "
        f"{len(missed)} events missed: before reconcile missing/extra/outdated {before}, after {after}; "
        f"first run: "
        f"{out.getvalue().strip()} in {seconds:.2f} s; second run: {second.changed} changes; late redelivery "
        f"changed {sum(1 for k in state if late_state[k] != state[k])} memberships, credits "
        f"{sum(credits.values())} for {len(stripe_side.paid_invoices)} paid invoices"
    )
    assert before[0] > 0 and before[1] > 0 and before[2] > 0  # the outage did leave damage
    assert after == (0, 0, 0)
    assert second.changed == 0 and second_state == state
    assert late_state == state
    assert sorted(credits) == sorted(stripe_side.paid_invoices) and set(credits.values()) == {1}
    assert ClubMembership.objects.get(member=members[3]).status == "lapsed"
