"""Events out of order end in Stripe's final state: an older state never overwrites a newer one."""

from __future__ import annotations

import itertools
import random

import pytest

from club.membership.models import ClubMembership
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory
from tests.membership_stripe import deliver, make_price

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]


def _matches_stripe(membership: ClubMembership, subscription: dict) -> bool:
    item = subscription["items"]["data"][0]
    return (
        membership.stripe_subscription_id == subscription["id"]
        and membership.stripe_status == subscription["status"]
        and membership.period_end.timestamp() == item["current_period_end"]
        and membership.stripe_cancel_at_period_end == subscription["cancel_at_period_end"]
    )


def _by_type(events: list[dict], event_type: str) -> list[dict]:
    return [e for e in events if e["type"] == event_type]


@pytest.fixture
def story(fake_stripe):
    member, price = MemberFactory(), make_price()
    events = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    return member, price, events


def test_subscription_updated_before_created(client, fake_stripe, story):
    member, _price, events = story
    created, updated = _by_type(events, "customer.subscription.created")[0], _by_type(
        events, "customer.subscription.updated")[0]

    deliver(client, updated)
    deliver(client, created)

    membership = ClubMembership.objects.get(member=member)
    assert membership.stripe_status == "active"
    assert _matches_stripe(membership, fake_stripe.subscriptions[created["data"]["object"]["id"]])


def test_deleted_before_updated(client, fake_stripe, story):
    member, _price, events = story
    subscription_id = events[0]["data"]["object"]["id"]
    fake_stripe.tick(100)
    later = fake_stripe.cancel_at_period_end(subscription_id)
    fake_stripe.tick(100)
    deleted = fake_stripe.cancel(subscription_id)

    for event in deleted + later + list(reversed(events)):
        deliver(client, event)

    membership = ClubMembership.objects.get(member=member)
    assert (membership.status, membership.stripe_status) == ("cancelled", "canceled")


def test_invoice_paid_before_checkout_session_completed(client, fake_stripe, story):
    member, _price, events = story
    invoice = _by_type(events, "invoice.paid")[0]
    completed = _by_type(events, "checkout.session.completed")[0]

    deliver(client, invoice)
    membership = ClubMembership.objects.get(member=member)
    assert (membership.source, membership.status) == ("paid", "active")
    deliver(client, completed)

    membership.refresh_from_db()
    assert (membership.source, membership.status) == ("paid", "active")
    assert membership.stripe_customer_id == completed["data"]["object"]["customer"]
    assert LedgerEntry.objects.filter(member=member).count() == 1


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))), ids=lambda o: "".join(map(str, o)))
def test_every_order_of_a_checkout_ends_in_stripes_state(client, fake_stripe, story, order):
    member, _price, events = story

    for index in order:
        deliver(client, events[index])

    membership = ClubMembership.objects.get(member=member)
    assert _matches_stripe(membership, fake_stripe.subscriptions[events[0]["data"]["object"]["id"]])
    assert membership.status == "active"
    assert LedgerEntry.objects.filter(member=member).count() == 1


def test_a_renewal_seen_before_the_first_period_keeps_the_later_period(client, fake_stripe, story):
    member, _price, events = story
    subscription_id = events[0]["data"]["object"]["id"]
    fake_stripe.tick(30 * 24 * 3600)
    renewal = fake_stripe.renew(subscription_id)

    for event in renewal + events:
        deliver(client, event)

    membership = ClubMembership.objects.get(member=member)
    assert _matches_stripe(membership, fake_stripe.subscriptions[subscription_id])
    assert LedgerEntry.objects.filter(member=member).count() == 2


def test_a_new_subscription_takes_over_from_a_cancelled_one_in_any_order(client, fake_stripe, story):
    member, price, events = story
    first = events[0]["data"]["object"]["id"]
    fake_stripe.tick(100)
    events += fake_stripe.cancel(first)
    fake_stripe.tick(100)
    customer = events[0]["data"]["object"]["customer"]
    again = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000,
                                 customer_id=customer)
    second = again[0]["data"]["object"]["id"]

    for event in again + events:
        deliver(client, event)

    membership = ClubMembership.objects.get(member=member)
    assert _matches_stripe(membership, fake_stripe.subscriptions[second])
    assert membership.status == "active"


def _renewed_story(fake_stripe, member, price, events):
    """The member cancels and subscribes again (r4's fifth story): the first subscription's four
    events and its deletion, then the second subscription's four."""
    first = events[0]["data"]["object"]["id"]
    fake_stripe.tick(100)
    events = events + fake_stripe.cancel(first)
    fake_stripe.tick(100)
    again = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000,
                                 customer_id=events[0]["data"]["object"]["customer"])
    return events, again, again[0]["data"]["object"]["id"]


def test_a_new_subscription_takes_over_from_one_known_only_by_its_checkout(client, fake_stripe, story):
    """The old subscription is held undated (its checkout came first) when the new one's state
    arrives: the new one is created after that checkout, so it is the newer and takes over.
    (r4 found this order: the new state was refused as outdated and never came again.)"""
    member, price, events = story
    events, again, second = _renewed_story(fake_stripe, member, price, events)
    first_checkout = _by_type(events, "checkout.session.completed")[0]
    second_created = _by_type(again, "customer.subscription.created")[0]
    rest = [e for e in events + again if e is not first_checkout and e is not second_created]

    for event in [first_checkout, second_created, second_created, *rest]:
        deliver(client, event)

    membership = ClubMembership.objects.get(member=member)
    assert _matches_stripe(membership, fake_stripe.subscriptions[second])
    assert membership.status == "active"


@pytest.mark.parametrize("seed", range(40))
def test_a_renewed_subscription_story_ends_in_stripes_state_in_shuffled_orders(client, fake_stripe, story,
                                                                              seed):
    member, price, events = story
    events, again, second = _renewed_story(fake_stripe, member, price, events)
    shuffled = events + again
    random.Random(seed).shuffle(shuffled)

    for event in shuffled:
        deliver(client, event)

    membership = ClubMembership.objects.get(member=member)
    assert _matches_stripe(membership, fake_stripe.subscriptions[second]), [
        (e["type"], e["data"]["object"].get("subscription") or e["data"]["object"]["id"]) for e in shuffled]
    assert LedgerEntry.objects.filter(member=member).count() == 2
