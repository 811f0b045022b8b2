"""r4: every Stripe event of 30 members' subscription stories delivered 3 times, shuffled, by 4
parallel clients through the real endpoint, mixed with forged (bad signature) and stale
(> 300 s) events that would cancel live memberships: one membership per member, one credit per
paid invoice, every membership equal to Stripe's final state, and the refused events changed
nothing (no inbox row, no cancellation)."""

from __future__ import annotations

import queue
import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from club.membership.fake_stripe import FakeStripe
from club.membership.models import ClubMembership, StripeEventInbox
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory
from tests.membership_stripe import WEBHOOK_SECRET, deliver_as, make_price

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MEMBERS = 30
COPIES = 3
CLIENTS = 4
HOUR = 3600


def _story(stripe_side, member_id: int, price_id: str, kind: int) -> list[dict]:
    events = stripe_side.checkout(member_id=member_id, price_id=price_id, amount=99000)
    subscription_id = events[0]["data"]["object"]["id"]
    stripe_side.tick(HOUR)
    if kind == 1:
        events += stripe_side.renew(subscription_id)
    elif kind in (2, 3):
        events += stripe_side.renew(subscription_id, paid=False)
        if kind == 3:
            stripe_side.tick(HOUR)
            events += stripe_side.recover(subscription_id)
    elif kind == 4:
        events += stripe_side.cancel_at_period_end(subscription_id)
        stripe_side.tick(HOUR)
        events += stripe_side.cancel(subscription_id)
    elif kind == 5:
        events += stripe_side.cancel(subscription_id)
        stripe_side.tick(HOUR)
        customer = events[0]["data"]["object"]["customer"]
        events += stripe_side.checkout(member_id=member_id, price_id=price_id, amount=99000,
                                       customer_id=customer)
    stripe_side.tick(HOUR)
    return events


def _deliver_all(deliveries: list[tuple[dict, str]]) -> tuple[Counter, list[BaseException]]:
    work: queue.Queue = queue.Queue()
    for item in deliveries:
        work.put(item)
    statuses: Counter = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client_loop() -> None:
        client = Client()
        try:
            while True:
                try:
                    event, how = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    answer = deliver_as(client, event, how)
                    with lock:
                        statuses[(how, answer.status_code)] += 1
                except Exception as error:  # counted: the test fails on any
                    with lock:
                        errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses, errors


def test_r4_stripe_events_three_times_shuffled_in_parallel_with_forged_and_stale(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake_stripe = FakeStripe()
    price = make_price()
    members = MemberFactory.create_batch(MEMBERS)
    stories = {member.pk: _story(fake_stripe, member.pk, price.stripe_price_id, index % 6)
               for index, member in enumerate(members)}
    events = [event for story in stories.values() for event in story]
    # Refused events: a cancellation of each live subscription, forged or replayed too late.
    live = [s for s in fake_stripe.subscriptions.values() if s["status"] != "canceled"]
    attacks = []
    for number, subscription in enumerate(live):
        cancelled = {**subscription, "status": "canceled"}
        fake_cancel = fake_stripe._event("customer.subscription.deleted", cancelled)
        fake_cancel["created"] = fake_stripe.now + 10 * HOUR
        attacks.append((fake_cancel, "forged" if number % 2 else "stale"))
    deliveries = [(event, "signed") for event in events for _ in range(COPIES)] + attacks
    seed = random.randrange(10**6)  # printed, so a failing order can be replayed
    random.Random(seed).shuffle(deliveries)

    started = time.perf_counter()
    statuses, errors = _deliver_all(deliveries)
    seconds = time.perf_counter() - started

    assert errors == []
    memberships = {m.member_id: m for m in ClubMembership.objects.all()}
    mismatches = []
    for member_id, story in stories.items():
        subscription_id = [e for e in story if e["type"].startswith("customer.subscription.")][-1][
            "data"]["object"]["id"]
        subscription = fake_stripe.subscriptions[subscription_id]
        membership = memberships.get(member_id)
        item = subscription["items"]["data"][0]
        held = membership and (
            membership.stripe_subscription_id, membership.stripe_status,
            int(membership.period_end.timestamp()), membership.stripe_cancel_at_period_end,
        )
        if held != (subscription["id"], subscription["status"], item["current_period_end"],
                    subscription["cancel_at_period_end"]):
            mismatches.append(member_id)
    credits = Counter(LedgerEntry.objects.values_list("source_ref", flat=True))
    attack_ids = {event["id"] for event, _how in attacks}
    inbox = StripeEventInbox.objects.count()
    print(
        f"\nr4: {MEMBERS} members, {len(events)} events x {COPIES} shuffled over {CLIENTS} clients + "
        f"{len(attacks)} forged/stale: answers {dict(sorted(statuses.items()))}, errors {len(errors)}; "
        f"memberships {len(memberships)}, inbox rows {inbox}, credits {sum(credits.values())} for "
        f"{len(fake_stripe.paid_invoices)} paid invoices (max per invoice {max(credits.values())}), "
        f"state mismatches vs Stripe {len(mismatches)}; {seconds:.2f} s (shuffle seed {seed})"
    )
    assert statuses[("signed", 200)] == len(events) * COPIES
    assert statuses[("forged", 400)] + statuses[("stale", 400)] == len(attacks)
    assert len(memberships) == MEMBERS
    assert mismatches == []
    assert sorted(credits) == sorted(fake_stripe.paid_invoices) and set(credits.values()) == {1}
    assert inbox == len(events)
    assert not StripeEventInbox.objects.filter(event_id__in=attack_ids).exists()
