"""The Stripe webhook endpoint: signatures verified by the SDK on the raw body, the inbox, and
each event type's effect on the membership and the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from club.membership.models import ClubMembership, InboxOutcome, MembershipStatus, StripeEventInbox
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory
from tests.membership_stripe import POINTS_PER_INVOICE, WEBHOOK_URL, deliver, make_price, stale_timestamp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]


def _nothing_written() -> bool:
    return not (StripeEventInbox.objects.exists() or ClubMembership.objects.exists()
                or LedgerEntry.objects.exists())


@pytest.fixture
def member():
    return MemberFactory()


@pytest.fixture
def price():
    return make_price()


def test_a_signed_checkout_makes_an_active_paid_membership_and_credits_the_invoice(client, member, price,
                                                                                    fake_stripe):
    events = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    answers = [deliver(client, event) for event in events]

    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    membership = ClubMembership.objects.get(member=member)
    subscription = next(iter(fake_stripe.subscriptions.values()))
    assert (membership.source, membership.status, membership.stripe_status) == ("paid", "active", "active")
    assert membership.stripe_subscription_id == subscription["id"]
    assert membership.stripe_customer_id == subscription["customer"]
    assert membership.price == price
    assert membership.period_end == dt.datetime.fromtimestamp(
        subscription["items"]["data"][0]["current_period_end"], tz=dt.UTC)
    credit = LedgerEntry.objects.get(member=member)
    assert (credit.points, credit.idempotency_key) == (
        POINTS_PER_INVOICE, f"membership:invoice:{fake_stripe.paid_invoices[0]}")
    assert list(StripeEventInbox.objects.order_by("id").values_list("type", "outcome")) == [
        ("customer.subscription.created", "applied"), ("invoice.paid", "applied"),
        ("customer.subscription.updated", "applied"), ("checkout.session.completed", "applied"),
    ]


def test_a_redelivered_event_answers_200_and_changes_nothing(client, member, price, fake_stripe):
    events = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    for event in events:
        deliver(client, event)
    before = ClubMembership.objects.values().get()

    again = deliver(client, events[1])  # invoice.paid

    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert StripeEventInbox.objects.count() == 4
    assert LedgerEntry.objects.count() == 1
    assert ClubMembership.objects.values().get() == before


@pytest.mark.parametrize("problem", ["tampered body", "wrong secret", "no header", "stale timestamp"])
def test_a_bad_or_stale_signature_is_refused_with_400_and_writes_nothing(client, member, price, fake_stripe,
                                                                         problem):
    event = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)[1]
    if problem == "tampered body":
        answer = deliver(client, event, tamper=True)
    elif problem == "wrong secret":
        answer = deliver(client, event, secret="whsec_someone_else")
    elif problem == "stale timestamp":
        answer = deliver(client, event, timestamp=stale_timestamp())
    else:
        answer = client.post(WEBHOOK_URL, data=b"{}", content_type="application/json")

    assert answer.status_code == 400
    assert "Signature check failed" in answer.json()["error"]
    assert _nothing_written()


def test_without_a_configured_secret_every_event_is_refused(client, settings, member, price, fake_stripe):
    settings.STRIPE_WEBHOOK_SECRET = ""
    event = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)[0]

    answer = deliver(client, event)

    assert answer.status_code == 400
    assert "not configured" in answer.json()["error"]
    assert _nothing_written()


def test_a_get_is_not_allowed(client):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_a_signed_body_that_is_not_an_event_is_refused(client):
    from club.membership.fake_stripe import signed

    body, header = signed({"hello": "world"}, secret="whsec_test_troika_membership")
    answer = client.post(WEBHOOK_URL, data=body, content_type="application/json",
                         HTTP_STRIPE_SIGNATURE=header)

    assert answer.status_code == 400
    assert _nothing_written()


def test_renewal_moves_the_period_and_credits_the_new_invoice_once(client, member, price, fake_stripe):
    events = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    subscription_id = events[0]["data"]["object"]["id"]
    fake_stripe.tick(30 * 24 * 3600)
    events += fake_stripe.renew(subscription_id)
    for event in events:
        deliver(client, event)

    membership = ClubMembership.objects.get()
    period_end = fake_stripe.subscriptions[subscription_id]["items"]["data"][0]["current_period_end"]
    assert membership.period_end.timestamp() == period_end
    assert membership.status == MembershipStatus.ACTIVE
    credited = LedgerEntry.objects.values_list("source_ref", flat=True)
    assert sorted(credited) == sorted(fake_stripe.paid_invoices)


def test_a_failed_renewal_makes_the_membership_past_due_and_notes_the_failure(client, member, price,
                                                                             fake_stripe):
    events = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    subscription_id = events[0]["data"]["object"]["id"]
    fake_stripe.tick(3600)
    events += fake_stripe.renew(subscription_id, paid=False)
    for event in events:
        deliver(client, event)

    membership = ClubMembership.objects.get()
    assert (membership.status, membership.stripe_status) == ("past_due", "past_due")
    assert membership.payment_failed_at is not None
    assert LedgerEntry.objects.count() == 1  # the first invoice only

    fake_stripe.tick(3 * 24 * 3600)
    for event in fake_stripe.recover(subscription_id):
        deliver(client, event)
    membership.refresh_from_db()
    assert (membership.status, membership.payment_failed_at) == ("active", None)
    assert LedgerEntry.objects.count() == 2


def test_deletion_cancels_and_no_later_state_of_that_subscription_revives_it(client, member, price,
                                                                            fake_stripe):
    events = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    subscription_id = events[0]["data"]["object"]["id"]
    fake_stripe.tick(60)
    deleted = fake_stripe.cancel(subscription_id)
    for event in events + deleted:
        deliver(client, event)
    stale_update = dict(events[2], id="evt_late_copy", created=deleted[0]["created"] + 5)

    deliver(client, stale_update)

    membership = ClubMembership.objects.get()
    assert (membership.status, membership.stripe_status) == ("cancelled", "canceled")
    assert StripeEventInbox.objects.get(event_id="evt_late_copy").outcome == InboxOutcome.OUTDATED


def test_cancel_at_period_end_keeps_the_membership_active_until_then(client, member, price, fake_stripe):
    events = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    fake_stripe.tick(10)
    events += fake_stripe.cancel_at_period_end(events[0]["data"]["object"]["id"])
    for event in events:
        deliver(client, event)

    membership = ClubMembership.objects.get()
    assert (membership.status, membership.stripe_cancel_at_period_end) == ("active", True)


def test_an_event_for_an_unknown_member_is_kept_as_unmatched(client, price, fake_stripe):
    event = fake_stripe.checkout(member_id=987654, price_id=price.stripe_price_id, amount=99000)[0]

    answer = deliver(client, event)

    assert answer.status_code == 200
    assert StripeEventInbox.objects.get().outcome == InboxOutcome.UNMATCHED
    assert not ClubMembership.objects.exists()


def test_an_event_type_the_club_does_not_handle_is_recorded_and_ignored(client, fake_stripe):
    event = fake_stripe._event("customer.created", {"id": "cus_x", "object": "customer"})

    assert deliver(client, event).status_code == 200
    assert StripeEventInbox.objects.get().outcome == InboxOutcome.IGNORED


def test_a_zero_invoice_of_a_trial_earns_no_points(client, member, price, fake_stripe):
    events = fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=0)
    for event in events:
        deliver(client, event)

    assert ClubMembership.objects.get().status == "active"
    assert not LedgerEntry.objects.exists()
