"""The Stripe inbox's drain: events recorded pending by the webhook, applied in batches, with
the same result as one event at a time; a failing event isolated and retried; one drain queued
for a burst of events; drains side by side on PostgreSQL sharing the work."""

from __future__ import annotations

import copy
import threading
import time

import pytest
from django.db import connection
from django.test import TestCase

from club.membership import tasks
from club.membership.fake_stripe import FakeStripe, signed
from club.membership.models import ClubMembership, InboxOutcome, StripeEventInbox
from club.membership.services import stripe_event_process, stripe_event_receive, stripe_inbox_drain
from club.membership.services.events import MAX_ATTEMPTS
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory
from tests.membership_stripe import WEBHOOK_SECRET, WEBHOOK_URL, make_price

pytestmark = [pytest.mark.usefixtures("stripe_settings")]

MIRRORED = ("source", "status", "period_end", "stripe_status", "stripe_cancel_at_period_end",
            "payment_failed_at")


def _stories(fake_stripe, members, price_id) -> list[dict]:
    """Every member's checkout, then for some a renewal, a failed payment or a cancellation."""
    events = []
    for number, member in enumerate(members):
        story = fake_stripe.checkout(member_id=member.pk, price_id=price_id, amount=99000)
        subscription_id = story[0]["data"]["object"]["id"]
        fake_stripe.tick(3600)
        if number % 3 == 1:
            story += fake_stripe.renew(subscription_id)
        elif number % 3 == 2:
            story += fake_stripe.renew(subscription_id, paid=False)
            fake_stripe.tick(60)
            story += fake_stripe.cancel(subscription_id)
        events += story
    return events


def _receive_without_drain(events) -> None:
    """Record the events as the webhook does, with no drain run (the commit hooks dropped)."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        for event in events:
            stripe_event_receive(event=event)


def _state(member) -> tuple:
    return ClubMembership.objects.filter(member=member).values_list(*MIRRORED).get()


@pytest.mark.django_db
def test_the_webhook_records_the_event_pending_and_the_drain_applies_it(client, fake_stripe):
    price = make_price()
    member = MemberFactory()
    event = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)[0]
    body, header = signed(event, secret=WEBHOOK_SECRET)
    with TestCase.captureOnCommitCallbacks(execute=False) as hooks:
        answer = client.post(WEBHOOK_URL, data=body, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=header)

    assert answer.status_code == 200
    assert answer.json()["outcome"] == "pending"
    row = StripeEventInbox.objects.get()
    assert (row.processed_at, row.outcome, row.member_id) == (None, "", None)
    assert not ClubMembership.objects.exists()
    assert len(hooks) == 1  # the wake-up, after the commit

    report = stripe_inbox_drain()

    row.refresh_from_db()
    assert row.processed_at is not None and (row.outcome, row.member_id) == (InboxOutcome.APPLIED, member.pk)
    subscription = event["data"]["object"]
    membership = ClubMembership.objects.get(member=member)
    assert membership.stripe_subscription_id == subscription["id"]
    assert membership.stripe_status == subscription["status"]
    assert (report.events, report.batches, report.failed) == (1, 1, [])


@pytest.mark.django_db
def test_a_drain_in_small_batches_gives_what_one_event_at_a_time_gives():
    price = make_price()
    batch_members, single_members = MemberFactory.create_batch(9), MemberFactory.create_batch(9)
    # the same stories on two Stripe accounts of the same clock: one drained in batches, the
    # other applied one event at a time
    started = int(time.time()) - 7200
    events = _stories(FakeStripe(now=started, prefix="a"), batch_members, price.stripe_price_id)
    twin_events = _stories(FakeStripe(now=started, prefix="b"), single_members, price.stripe_price_id)

    _receive_without_drain(events)
    report = stripe_inbox_drain(batch_size=4)
    for event in twin_events:
        stripe_event_process(event=event)

    assert report.batches == -(-len(events) // 4) and report.failed == []
    assert not StripeEventInbox.objects.filter(processed_at__isnull=True).exists()
    assert [_state(m) for m in batch_members] == [_state(m) for m in single_members]
    assert _outcomes(events) == _outcomes(twin_events)
    invoices = len([e for e in events if e["type"] == "invoice.paid"])
    assert LedgerEntry.objects.filter(member__in=batch_members).count() == invoices
    assert LedgerEntry.objects.filter(member__in=single_members).count() == invoices


def _outcomes(events) -> list[str]:
    return list(StripeEventInbox.objects.filter(event_id__in=[e["id"] for e in events])
                .order_by("id").values_list("outcome", flat=True))


@pytest.mark.django_db
def test_an_event_without_metadata_finds_the_membership_an_earlier_event_of_its_batch_made(fake_stripe):
    price = make_price()
    member = MemberFactory()
    checkout = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    subscription_id = checkout[0]["data"]["object"]["id"]
    fake_stripe.tick(60)
    cancel = fake_stripe.cancel(subscription_id)[-1]
    cancel["data"]["object"]["metadata"] = {}  # made outside Checkout: known by its ids only

    _receive_without_drain([*checkout, cancel])
    stripe_inbox_drain()

    assert StripeEventInbox.objects.get(event_id=cancel["id"]).outcome == InboxOutcome.APPLIED
    assert ClubMembership.objects.get(member=member).stripe_status == "canceled"


@pytest.mark.django_db
def test_a_failing_event_is_isolated_retried_and_finally_marked_failed(fake_stripe):
    price = make_price()
    members = MemberFactory.create_batch(3)
    events = [fake_stripe.checkout(member_id=m.pk, price_id=price.stripe_price_id, amount=99000)[0]
              for m in members]
    broken = copy.deepcopy(events[1])
    broken["id"] = "evt_broken"
    broken["data"] = {}  # no object: the handler cannot read it
    _receive_without_drain([events[0], broken, events[2]])

    first = stripe_inbox_drain()

    assert first.failed == [StripeEventInbox.objects.get(event_id="evt_broken").pk]
    assert ClubMembership.objects.filter(member__in=[members[0], members[2]]).count() == 2
    row = StripeEventInbox.objects.get(event_id="evt_broken")
    assert (row.processed_at, row.attempts) == (None, 1) and "KeyError" in row.last_error
    for _attempt in range(MAX_ATTEMPTS - 1):
        stripe_inbox_drain()
    row.refresh_from_db()
    assert (row.outcome, row.attempts) == (InboxOutcome.FAILED, MAX_ATTEMPTS) and row.processed_at
    assert stripe_inbox_drain().events == 0  # failed rows are not taken again


@pytest.mark.django_db
def test_a_burst_of_events_queues_one_drain_until_a_drain_starts(fake_stripe, monkeypatch, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "drain-wake"}}
    queued = []
    monkeypatch.setattr(tasks.stripe_inbox_drain_task, "delay", lambda: queued.append(1))
    price = make_price()
    events = [fake_stripe.checkout(member_id=m.pk, price_id=price.stripe_price_id, amount=99000)[0]
              for m in MemberFactory.create_batch(4)]

    with TestCase.captureOnCommitCallbacks(execute=True):
        for event in events[:3]:
            stripe_event_receive(event=event)
    assert len(queued) == 1
    stripe_inbox_drain()  # clears the flag first
    with TestCase.captureOnCommitCallbacks(execute=True):
        stripe_event_receive(event=events[3])
    assert len(queued) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_drains_side_by_side_share_the_work_and_apply_each_event_once(fake_stripe, monkeypatch):
    price = make_price()
    members = MemberFactory.create_batch(40)
    events = _stories(fake_stripe, members, price.stripe_price_id)
    monkeypatch.setattr(tasks.stripe_inbox_drain_task, "delay", lambda: None)  # no drain yet
    for event in events:
        stripe_event_receive(event=event)
    reports, errors = [], []

    def drain() -> None:
        try:
            reports.append(stripe_inbox_drain(batch_size=10))
        except Exception as error:  # counted: the test fails on any
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert errors == []
    assert sum(report.events for report in reports) == len(events)
    assert not StripeEventInbox.objects.filter(processed_at__isnull=True).exists()
    invoices = [e for e in events if e["type"] == "invoice.paid"]
    credits = LedgerEntry.objects.filter(idempotency_key__startswith="membership:invoice:").count()
    assert credits == len(invoices)
    assert ClubMembership.objects.count() == len(members)
    print(f"drains side by side: {len(events)} events, per drain "
          f"{[report.events for report in reports]}, batches {[report.batches for report in reports]}")
