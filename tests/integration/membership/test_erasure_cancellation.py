"""An erased member's paid membership is cancelled at Stripe: recorded in the erasure's
transaction, called after it commits, exactly once however often or however concurrently the
task runs, and left to the beat when Stripe answers an error or the task is lost."""

from __future__ import annotations

import datetime as dt

import pytest
import stripe
from django.test import TestCase
from django.utils import timezone

from club.members.models import MemberErasure
from club.members.services.privacy import member_erase
from club.membership import tasks
from club.membership.models import ClubMembership, MembershipSource, MembershipStatus, StripeCancellation
from club.membership.services import stripe_event_process
from club.membership.services.cancellation import CancellationOutcome, stripe_cancellation_perform
from tests.factories import MemberFactory
from tests.membership_stripe import make_price
from tests.races import at_once

pytestmark = [pytest.mark.usefixtures("stripe_settings")]
STAFF = MemberErasure.Source.STAFF


def paid_member(fake_stripe):
    """A member whose checkout Stripe completed: an active paid membership; its subscription."""
    price = make_price()
    member = MemberFactory()
    for event in fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000):
        stripe_event_process(event=event)
    membership = ClubMembership.objects.get(member=member)
    assert membership.status == MembershipStatus.ACTIVE
    return member, membership.stripe_subscription_id


def cancel_calls(gateway) -> list[dict]:
    return [kwargs for name, kwargs in gateway.calls if name == "subscription_cancel"]


def erase_dropping_the_task(member) -> StripeCancellation:
    """The erasure commits but its task is lost (a broker down at that moment)."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        member_erase(member_id=member.pk, source=STAFF)
    return StripeCancellation.objects.get(member=member)


@pytest.mark.django_db
def test_the_erasure_records_the_cancellation_and_stripe_is_called_after_it_commits(gateway, fake_stripe):
    member, subscription_id = paid_member(fake_stripe)

    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        member_erase(member_id=member.pk, source=STAFF)
        # inside the erasure's transaction: recorded, Stripe not called
        assert cancel_calls(gateway) == []
        assert StripeCancellation.objects.filter(member=member, done_at__isnull=True).count() == 1
    for callback in queued:
        callback()

    assert gateway.cancelled == [subscription_id]
    assert fake_stripe.subscriptions[subscription_id]["status"] == "canceled"
    membership = ClubMembership.objects.get(member=member)
    assert (membership.source, membership.status, membership.stripe_status) == (
        MembershipSource.PAID, MembershipStatus.CANCELLED, "canceled")
    cancellation = StripeCancellation.objects.get(member=member)
    assert cancellation.done_at is not None and cancellation.claimed_until is None


@pytest.mark.django_db
def test_the_task_run_twice_calls_stripe_once_and_erasing_again_adds_nothing(gateway, fake_stripe):
    member, subscription_id = paid_member(fake_stripe)
    with TestCase.captureOnCommitCallbacks(execute=True):
        member_erase(member_id=member.pk, source=STAFF)
    cancellation = StripeCancellation.objects.get(member=member)

    tasks.stripe_cancellation_task(cancellation.pk)
    tasks.stripe_cancellations_due_task()
    with TestCase.captureOnCommitCallbacks(execute=True):
        member_erase(member_id=member.pk, source=STAFF)

    assert len(cancel_calls(gateway)) == 1 and gateway.cancelled == [subscription_id]
    assert StripeCancellation.objects.count() == 1


@pytest.mark.django_db
def test_a_worker_that_died_after_the_call_repeats_it_with_the_same_key_and_stripe_cancels_once(
    gateway, fake_stripe,
):
    member, subscription_id = paid_member(fake_stripe)
    cancellation = erase_dropping_the_task(member)
    assert stripe_cancellation_perform(cancellation_id=cancellation.pk) is CancellationOutcome.CANCELLED
    # as if the worker had died between Stripe's answer and the row's update, lease over
    StripeCancellation.objects.filter(pk=cancellation.pk).update(done_at=None, claimed_until=None)

    tasks.stripe_cancellations_due_task()

    keys = [call["idempotency_key"] for call in cancel_calls(gateway)]
    assert len(keys) == 2 and len(set(keys)) == 1
    assert gateway.cancelled == [subscription_id]
    assert StripeCancellation.objects.get(pk=cancellation.pk).done_at is not None


@pytest.mark.django_db
def test_a_lost_task_is_done_by_the_beat(gateway, fake_stripe):
    member, subscription_id = paid_member(fake_stripe)
    erase_dropping_the_task(member)
    assert cancel_calls(gateway) == []

    tasks.stripe_cancellations_due_task()

    assert gateway.cancelled == [subscription_id]
    assert ClubMembership.objects.get(member=member).status == MembershipStatus.CANCELLED


@pytest.mark.django_db
def test_a_stripe_error_leaves_the_cancellation_to_a_later_try(gateway, fake_stripe):
    member, subscription_id = paid_member(fake_stripe)
    gateway.failures.append(stripe.APIConnectionError("Stripe is unreachable"))

    with TestCase.captureOnCommitCallbacks(execute=True):
        member_erase(member_id=member.pk, source=STAFF)

    cancellation = StripeCancellation.objects.get(member=member)
    assert (cancellation.done_at, cancellation.attempts) == (None, 1)
    assert cancellation.last_error == "APIConnectionError: Stripe is unreachable"
    assert cancellation.claimed_until > timezone.now()  # it waits before the next try
    assert fake_stripe.subscriptions[subscription_id]["status"] == "active"
    assert ClubMembership.objects.get(member=member).status == MembershipStatus.ACTIVE
    tasks.stripe_cancellations_due_task()
    assert len(cancel_calls(gateway)) == 1  # not before its time

    StripeCancellation.objects.filter(pk=cancellation.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1))
    tasks.stripe_cancellations_due_task()

    assert gateway.cancelled == [subscription_id]
    assert StripeCancellation.objects.get(pk=cancellation.pk).done_at is not None
    assert ClubMembership.objects.get(member=member).status == MembershipStatus.CANCELLED


@pytest.mark.django_db
def test_a_subscription_stripe_does_not_know_lapses_the_membership(gateway, fake_stripe):
    member, subscription_id = paid_member(fake_stripe)
    del fake_stripe.subscriptions[subscription_id]

    with TestCase.captureOnCommitCallbacks(execute=True):
        member_erase(member_id=member.pk, source=STAFF)

    assert gateway.cancelled == []
    assert ClubMembership.objects.get(member=member).status == MembershipStatus.LAPSED
    assert StripeCancellation.objects.get(member=member).done_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("story", ["none", "earned", "cancelled"])
def test_no_live_subscription_means_no_cancellation(gateway, fake_stripe, story):
    member = MemberFactory()
    if story == "earned":
        ClubMembership.objects.create(member=member, source=MembershipSource.EARNED,
                                      status=MembershipStatus.ACTIVE)
    elif story == "cancelled":
        member, subscription_id = paid_member(fake_stripe)
        for event in fake_stripe.cancel(subscription_id):
            stripe_event_process(event=event)

    with TestCase.captureOnCommitCallbacks(execute=True):
        member_erase(member_id=member.pk, source=STAFF)

    assert StripeCancellation.objects.count() == 0 and cancel_calls(gateway) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_workers_running_the_same_cancellation_at_once_call_stripe_once(gateway, fake_stripe):
    member, subscription_id = paid_member(fake_stripe)
    gateway.failures.append(stripe.APIConnectionError("Stripe is unreachable"))
    member_erase(member_id=member.pk, source=STAFF)  # commits; its task fails once
    cancellation = StripeCancellation.objects.get(member=member)
    StripeCancellation.objects.filter(pk=cancellation.pk).update(claimed_until=None)

    outcomes = at_once([lambda: stripe_cancellation_perform(cancellation_id=cancellation.pk)] * 4,
                       caught=())

    assert sorted(o.value for o in outcomes) == ["cancelled", "skipped", "skipped", "skipped"]
    assert len(cancel_calls(gateway)) == 2  # the failed try, then one of the four
    assert gateway.cancelled == [subscription_id]
    assert ClubMembership.objects.get(member=member).status == MembershipStatus.CANCELLED
