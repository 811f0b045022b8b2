"""RSVP services: capacity and waitlist order, promotion, deadlines, tier gating, idempotency,
re-RSVP after a cancel. Exact outcomes, with ``at`` given so the windows are exact."""

from __future__ import annotations

import datetime as dt

import pytest
from wagtail import hooks

from club.events.models import Rsvp, RsvpStatus
from club.events.selectors import event_counts, rsvp_for_member
from club.events.services import (
    RsvpErrorCode,
    event_waitlist_promote,
    rsvp_cancel,
    rsvp_create,
)
from club.members.models import MemberStatus
from tests.factories import MemberFactory

from .conftest import put_in_tier

pytestmark = pytest.mark.django_db


def early(event, days=5):
    """A moment well inside both windows."""
    return event.starts_at - dt.timedelta(days=days)


def statuses(event):
    return list(Rsvp.objects.filter(event=event).order_by("member_id").values_list(
        "member_id", "status", "waitlist_position"))


def answer_all(event, members, at):
    return [rsvp_create(event_id=event.pk, member_id=m.pk, at=at) for m in members]


def test_places_are_confirmed_until_full_then_the_waitlist_takes_the_rest_in_order(event_factory):
    event = event_factory(capacity=3)
    members = MemberFactory.create_batch(5)

    results = answer_all(event, members, early(event))

    assert [r.status for r in results] == ["confirmed"] * 3 + ["waitlisted"] * 2
    assert [r.rsvp.waitlist_place for r in results] == [None, None, None, 1, 2]
    assert all(r.is_success and not r.replayed for r in results)
    assert "is confirmed" in results[0].message
    assert "number 2 on the waitlist" in results[4].message
    counts = event_counts(event_ids=[event.pk])[event.pk]
    assert (counts.confirmed, counts.waitlisted, counts.places_left, counts.is_full) == (3, 2, 0, True)
    positions = [p for _m, s, p in statuses(event) if s == RsvpStatus.WAITLISTED]
    assert positions == [1, 2]


def test_an_rsvp_that_stands_is_answered_again_without_a_new_row(event_factory):
    event = event_factory(capacity=1)
    first, second = MemberFactory.create_batch(2)
    at = early(event)
    confirmed = rsvp_create(event_id=event.pk, member_id=first.pk, at=at)
    waiting = rsvp_create(event_id=event.pk, member_id=second.pk, at=at)

    again = rsvp_create(event_id=event.pk, member_id=first.pk, at=at + dt.timedelta(hours=1))
    again_waiting = rsvp_create(event_id=event.pk, member_id=second.pk, at=at + dt.timedelta(hours=1))

    assert (again.is_success, again.replayed, again.rsvp) == (True, True, confirmed.rsvp)
    assert (again_waiting.replayed, again_waiting.status, again_waiting.rsvp.waitlist_place) == (
        True, "waitlisted", 1)
    assert again.message == "You already have a place at this event."
    assert Rsvp.objects.filter(event=event).count() == 2
    assert waiting.rsvp.rsvp_id == again_waiting.rsvp.rsvp_id


def test_a_replay_is_answered_even_after_the_window_closed(event_factory):
    event = event_factory(capacity=2)
    member = MemberFactory()
    rsvp_create(event_id=event.pk, member_id=member.pk, at=early(event))

    late = rsvp_create(event_id=event.pk, member_id=member.pk, at=event.starts_at - dt.timedelta(minutes=5))

    assert (late.is_success, late.replayed, late.status) == (True, True, "confirmed")


def test_cancelling_a_confirmed_place_promotes_the_first_waitlisted_in_the_same_call(event_factory):
    event = event_factory(capacity=2)
    members = MemberFactory.create_batch(5)
    at = early(event)
    answer_all(event, members, at)

    result = rsvp_cancel(event_id=event.pk, member_id=members[0].pk, at=at + dt.timedelta(hours=1))

    promoted = Rsvp.objects.get(event=event, member=members[2])
    assert result.is_success and result.status == "cancelled"
    assert result.promoted == (promoted.pk,)
    assert (promoted.status, promoted.waitlist_position, promoted.confirmed_at) == (
        "confirmed", None, at + dt.timedelta(hours=1))
    assert [rsvp_for_member(event_id=event.pk, member_id=m.pk).waitlist_place for m in members[3:]] == [1, 2]
    counts = event_counts(event_ids=[event.pk])[event.pk]
    assert (counts.confirmed, counts.waitlisted) == (2, 2)


def test_leaving_the_waitlist_promotes_nobody_and_moves_the_others_up(event_factory):
    event = event_factory(capacity=1)
    members = MemberFactory.create_batch(4)
    answer_all(event, members, early(event))

    result = rsvp_cancel(event_id=event.pk, member_id=members[1].pk, at=early(event))

    assert (result.is_success, result.promoted) == (True, ())
    assert [rsvp_for_member(event_id=event.pk, member_id=m.pk).status for m in members] == [
        "confirmed", "cancelled", "waitlisted", "waitlisted"]
    assert [rsvp_for_member(event_id=event.pk, member_id=m.pk).waitlist_place for m in members[2:]] == [1, 2]


def test_cancel_is_idempotent_and_refused_without_an_rsvp(event_factory):
    event = event_factory()
    member, stranger = MemberFactory.create_batch(2)
    rsvp_create(event_id=event.pk, member_id=member.pk, at=early(event))

    first = rsvp_cancel(event_id=event.pk, member_id=member.pk, at=early(event))
    second = rsvp_cancel(event_id=event.pk, member_id=member.pk, at=early(event, days=4))
    none = rsvp_cancel(event_id=event.pk, member_id=stranger.pk, at=early(event))

    assert (first.is_success, first.replayed, second.is_success, second.replayed) == (True, False, True, True)
    assert second.rsvp.cancelled_at == first.rsvp.cancelled_at
    assert second.message == "Your RSVP was already cancelled."
    assert (none.is_success, none.error, none.message) == (
        False, RsvpErrorCode.NO_RSVP, "You have not RSVPed to this event.")


def test_a_cancelled_rsvp_is_reopened_confirmed_when_a_place_is_free(event_factory):
    event = event_factory(capacity=2)
    member = MemberFactory()
    first = rsvp_create(event_id=event.pk, member_id=member.pk, at=early(event))
    rsvp_cancel(event_id=event.pk, member_id=member.pk, at=early(event))

    again = rsvp_create(event_id=event.pk, member_id=member.pk, at=early(event, days=4))

    assert (again.is_success, again.replayed, again.status) == (True, False, "confirmed")
    assert again.rsvp.rsvp_id == first.rsvp.rsvp_id
    assert (again.rsvp.cancelled_at, again.rsvp.confirmed_at) == (None, early(event, days=4))


def test_a_cancelled_rsvp_reopened_on_a_full_event_goes_to_the_back_of_the_waitlist(event_factory):
    event = event_factory(capacity=1)
    members = MemberFactory.create_batch(4)
    at = early(event)
    answer_all(event, members[:3], at)  # 0 confirmed, 1 and 2 waiting
    rsvp_cancel(event_id=event.pk, member_id=members[1].pk, at=at)  # leaves the waitlist
    rsvp_create(event_id=event.pk, member_id=members[3].pk, at=at)  # waiting behind 2

    again = rsvp_create(event_id=event.pk, member_id=members[1].pk, at=at + dt.timedelta(hours=1))

    assert (again.status, again.rsvp.waitlist_place) == ("waitlisted", 3)
    rsvp_cancel(event_id=event.pk, member_id=members[0].pk, at=at + dt.timedelta(hours=2))
    assert [rsvp_for_member(event_id=event.pk, member_id=m.pk).status for m in members] == [
        "cancelled", "waitlisted", "confirmed", "waitlisted"]
    queue = (members[3], members[1])
    assert [rsvp_for_member(event_id=event.pk, member_id=m.pk).waitlist_place for m in queue] == [1, 2]


def test_rsvps_close_before_the_start(event_factory):
    event = event_factory(rsvp_closes_hours_before=2)
    early_bird, late, very_late = MemberFactory.create_batch(3)
    closes = event.starts_at - dt.timedelta(hours=2)

    ok = rsvp_create(event_id=event.pk, member_id=early_bird.pk, at=closes - dt.timedelta(seconds=1))
    closed = rsvp_create(event_id=event.pk, member_id=late.pk, at=closes)
    started = rsvp_create(event_id=event.pk, member_id=very_late.pk, at=event.starts_at)

    assert ok.is_success
    assert (closed.error, closed.message) == (RsvpErrorCode.CLOSED, "RSVPs for this event are closed.")
    assert (started.error, started.message) == (RsvpErrorCode.CLOSED, "This event has already started.")
    assert Rsvp.objects.filter(event=event).count() == 1


def test_a_confirmed_place_can_be_given_back_until_the_deadline_a_waitlisted_one_until_the_start(
        event_factory):
    event = event_factory(capacity=1, cancel_deadline_hours_before=24, time_zone="Asia/Ho_Chi_Minh")
    confirmed, waiting, other = MemberFactory.create_batch(3)
    answer_all(event, [confirmed, waiting, other], early(event))
    deadline = event.starts_at - dt.timedelta(hours=24)

    too_late = rsvp_cancel(event_id=event.pk, member_id=confirmed.pk, at=deadline + dt.timedelta(seconds=1))
    leaves = rsvp_cancel(event_id=event.pk, member_id=waiting.pk, at=deadline + dt.timedelta(hours=1))
    started = rsvp_cancel(event_id=event.pk, member_id=other.pk, at=event.starts_at)

    assert (too_late.is_success, too_late.error) == (False, RsvpErrorCode.CANCEL_CLOSED)
    assert too_late.message.startswith("It is too late to give your place back: the deadline was ")
    assert leaves.is_success and leaves.promoted == ()
    assert (started.error, started.message) == (
        RsvpErrorCode.CANCEL_CLOSED, "This event has already started.")
    assert rsvp_for_member(event_id=event.pk, member_id=confirmed.pk).status == "confirmed"
    on_time = rsvp_cancel(event_id=event.pk, member_id=confirmed.pk, at=deadline)
    assert on_time.is_success and len(on_time.promoted) == 1


def test_the_minimum_tier_gates_rsvps(event_factory, ladder):
    event = event_factory(min_tier=ladder["gold"])
    silver, gold, platinum, never_evaluated = MemberFactory.create_batch(4)
    put_in_tier(silver, ladder["silver"])
    put_in_tier(gold, ladder["gold"])
    put_in_tier(platinum, ladder["platinum"])
    at = early(event)

    outcomes = {name: rsvp_create(event_id=event.pk, member_id=m.pk, at=at) for name, m in (
        ("silver", silver), ("gold", gold), ("platinum", platinum), ("default", never_evaluated))}

    assert {name: r.error for name, r in outcomes.items()} == {
        "silver": RsvpErrorCode.NOT_ELIGIBLE, "gold": None, "platinum": None,
        "default": RsvpErrorCode.NOT_ELIGIBLE}
    assert outcomes["silver"].message == "This event is for Gold members and above."
    assert Rsvp.objects.filter(event=event).count() == 2


def test_only_active_lines_can_rsvp(event_factory):
    event = event_factory()
    suspended = MemberFactory(status=MemberStatus.SUSPENDED)

    result = rsvp_create(event_id=event.pk, member_id=suspended.pk, at=early(event))

    assert (result.error, result.message) == (
        RsvpErrorCode.NOT_ELIGIBLE, "Only active lines can RSVP to club events.")


def test_unknown_or_unpublished_events_and_unknown_members_are_not_found(event_factory):
    event = event_factory()
    draft = event_factory(title="Draft", slug="draft", live=False)
    member = MemberFactory()

    missing = rsvp_create(event_id=999_999, member_id=member.pk)
    unpublished = rsvp_create(event_id=draft.pk, member_id=member.pk, at=early(draft))
    nobody = rsvp_create(event_id=event.pk, member_id=999_999, at=early(event))

    assert (missing.error, missing.message) == (RsvpErrorCode.NOT_FOUND, "There is no such event.")
    assert unpublished.error == RsvpErrorCode.NOT_FOUND
    assert (nobody.error, nobody.message) == (RsvpErrorCode.NOT_FOUND, "There is no such member.")
    assert not Rsvp.objects.exists()


def test_raising_the_capacity_and_promoting_fills_the_free_places_first_in_line_first(event_factory):
    event = event_factory(capacity=2)
    members = MemberFactory.create_batch(6)
    answer_all(event, members, early(event))
    event.capacity = 4
    event.save_revision().publish()

    result = event_waitlist_promote(event_id=event.pk, at=early(event, days=4))
    again = event_waitlist_promote(event_id=event.pk, at=early(event, days=4))

    promoted = [Rsvp.objects.get(pk=pk).member_id for pk in result.promoted]
    assert promoted == [members[2].pk, members[3].pk]
    assert again.promoted == ()
    assert [rsvp_for_member(event_id=event.pk, member_id=m.pk).waitlist_place for m in members[4:]] == [1, 2]


def test_nobody_is_promoted_once_the_event_has_started(event_factory):
    event = event_factory(capacity=1)
    answer_all(event, MemberFactory.create_batch(2), early(event))
    event.capacity = 2
    event.save_revision().publish()

    assert event_waitlist_promote(event_id=event.pk, at=event.starts_at).promoted == ()


def test_a_new_rsvp_after_a_capacity_raise_does_not_overtake_the_waitlist(event_factory):
    event = event_factory(capacity=1)
    first, waiting, newcomer = MemberFactory.create_batch(3)
    answer_all(event, [first, waiting], early(event))
    event.capacity = 2
    event.save_revision().publish()  # published without the admin's hook

    result = rsvp_create(event_id=event.pk, member_id=newcomer.pk, at=early(event, days=4))

    assert (result.status, result.rsvp.waitlist_place) == ("waitlisted", 1)
    assert result.promoted == (Rsvp.objects.get(event=event, member=waiting).pk,)


def test_the_after_publish_hook_fills_the_waitlist(event_factory):
    event = event_factory(capacity=1)
    members = MemberFactory.create_batch(3)
    answer_all(event, members, early(event))
    event.capacity = 3
    revision = event.save_revision()
    revision.publish()

    for hook in hooks.get_hooks("after_publish_page"):
        hook(None, event)

    assert event_counts(event_ids=[event.pk])[event.pk].confirmed == 3
