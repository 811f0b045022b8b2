"""Check-in at the door (``rsvp_check_in``): who and when are recorded, a second scan says when
the first was, refusals change nothing, and the attendance points are credited once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from club.events.models import Rsvp
from club.events.services import (
    CheckInCode,
    attendance_key,
    event_attendance_points_grant,
    rsvp_cancel,
    rsvp_check_in,
    rsvp_create,
)
from rewards.ledger.models import LedgerEntry, SourceType
from rewards.ledger.reasons import ReasonCode
from rewards.ledger.selectors import points_balance
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2031, 3, 14, 12, 30, tzinfo=dt.UTC)  # 19:30 in Hà Nội


@pytest.fixture
def staff():
    return UserFactory(email="door@example.test", is_staff=True)


@pytest.fixture
def event(event_factory):
    return event_factory(starts_at=START, ends_at=START + dt.timedelta(hours=3), attendance_points=50,
                         time_zone="Asia/Ho_Chi_Minh", capacity=1)


def confirmed(event, at=START - dt.timedelta(days=5)) -> Rsvp:
    member = MemberFactory()
    assert rsvp_create(event_id=event.pk, member_id=member.pk, at=at).status == "confirmed"
    return Rsvp.objects.get(event=event, member=member)


def entries(member_id: int) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(member_id=member_id, source_type=SourceType.EVENT_ATTENDANCE))


def test_a_check_in_records_who_and_when_and_credits_the_points(event, staff):
    rsvp = confirmed(event)
    at = START - dt.timedelta(minutes=10)

    result = rsvp_check_in(token=rsvp.ticket_token, staff_user=staff, at=at, event_id=event.pk)

    assert result.is_success and not result.already and result.points == 50
    assert (result.rsvp_id, result.member_id, result.checked_in_at) == (rsvp.pk, rsvp.member_id, at)
    rsvp.refresh_from_db()
    assert (rsvp.checked_in_at, rsvp.checked_in_by_id) == (at, staff.pk)
    [entry] = entries(rsvp.member_id)
    assert (entry.points, entry.idempotency_key) == (50, attendance_key(rsvp.pk))
    assert entry.source_ref == str(rsvp.pk)
    assert entry.reason_code == ReasonCode.EVENT_ATTENDANCE
    assert entry.reason_values == {"event": "Football night", "points": 50}
    assert entry.created_at == at
    balance = points_balance(member_id=rsvp.member_id)
    assert balance.available + balance.pending == 50


def test_a_second_scan_says_when_the_first_was_and_credits_nothing(event, staff):
    rsvp = confirmed(event)
    first_at = START - dt.timedelta(minutes=10)  # 19:20 in Hà Nội
    rsvp_check_in(token=rsvp.ticket_token, staff_user=staff, at=first_at, event_id=event.pk)
    other_staff = UserFactory(is_staff=True)

    again = rsvp_check_in(token=rsvp.ticket_token, staff_user=other_staff, at=START, event_id=event.pk)

    assert again.is_success and again.already and again.points == 0
    assert again.message == "Already checked in at 19:20."
    assert again.checked_in_at == first_at
    rsvp.refresh_from_db()
    assert (rsvp.checked_in_at, rsvp.checked_in_by_id) == (first_at, staff.pk)
    assert len(entries(rsvp.member_id)) == 1


def test_the_points_are_credited_once_even_if_the_grant_runs_again(event, staff):
    rsvp = confirmed(event)
    rsvp_check_in(token=rsvp.ticket_token, staff_user=staff, at=START, event_id=event.pk)
    event.refresh_from_db()

    for _ in range(2):
        event_attendance_points_grant(rsvp_id=rsvp.pk, event=event, member_id=rsvp.member_id, at=START)

    assert [e.points for e in entries(rsvp.member_id)] == [50]


def test_an_event_without_attendance_points_credits_nothing(event_factory, staff):
    event = event_factory(starts_at=START, ends_at=START + dt.timedelta(hours=2))
    rsvp = confirmed(event)

    result = rsvp_check_in(token=rsvp.ticket_token, staff_user=staff, at=START, event_id=event.pk)

    assert result.is_success and result.points == 0
    assert entries(rsvp.member_id) == []


def test_a_scanner_s_spaces_and_newline_are_ignored(event, staff):
    rsvp = confirmed(event)

    result = rsvp_check_in(token=f"  {rsvp.ticket_token}\r\n", staff_user=staff, at=START, event_id=event.pk)

    assert result.is_success and not result.already


@pytest.mark.parametrize(
    ("at", "code", "message"),
    [
        pytest.param(START - dt.timedelta(minutes=121), CheckInCode.TOO_EARLY, "Check-in opens at",
                     id="before-the-window"),
        pytest.param(START + dt.timedelta(hours=3, seconds=1), CheckInCode.TOO_LATE,
                     "Check-in for this event has closed.", id="after-the-end"),
    ],
)
def test_a_scan_outside_the_window_is_refused_and_changes_nothing(event, staff, at, code, message):
    rsvp = confirmed(event)

    result = rsvp_check_in(token=rsvp.ticket_token, staff_user=staff, at=at, event_id=event.pk)

    assert (result.is_success, result.error) == (False, code)
    assert message in result.message
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None and entries(rsvp.member_id) == []


def test_the_window_is_the_event_s_own(event_factory, staff):
    event = event_factory(starts_at=START, ends_at=START + dt.timedelta(hours=1),
                          check_in_opens_minutes_before=30, check_in_closes_minutes_after_end=15)
    early, late = confirmed(event), confirmed(event)

    assert rsvp_check_in(token=early.ticket_token, staff_user=staff,
                         at=START - dt.timedelta(minutes=31)).error == CheckInCode.TOO_EARLY
    assert rsvp_check_in(token=early.ticket_token, staff_user=staff,
                         at=START - dt.timedelta(minutes=30)).is_success
    assert rsvp_check_in(token=late.ticket_token, staff_user=staff,
                         at=START + dt.timedelta(minutes=75)).is_success


def test_a_ticket_for_another_event_is_refused(event, event_factory, staff):
    other = event_factory(title="Workshop", slug="workshop", starts_at=START,
                          ends_at=START + dt.timedelta(hours=1))
    rsvp = confirmed(other)

    result = rsvp_check_in(token=rsvp.ticket_token, staff_user=staff, at=START, event_id=event.pk)

    assert result.error == CheckInCode.WRONG_EVENT
    assert result.message == "This ticket is for another event."
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None


def test_a_cancelled_ticket_is_refused_and_the_promoted_one_admits(event, staff):
    holder = confirmed(event)  # the only place
    waiting_member = MemberFactory()
    rsvp_create(event_id=event.pk, member_id=waiting_member.pk, at=START - dt.timedelta(days=5))
    waiting = Rsvp.objects.get(event=event, member=waiting_member)
    assert waiting.status == "waitlisted"
    rsvp_cancel(event_id=event.pk, member_id=holder.member_id, at=START - dt.timedelta(days=3))
    holder.refresh_from_db()
    assert holder.status == "cancelled"
    waiting.refresh_from_db()  # promoted into the freed place: now it admits
    assert waiting.status == "confirmed"

    refused = rsvp_check_in(token=holder.ticket_token, staff_user=staff, at=START, event_id=event.pk)

    assert (refused.error, refused.message) == (CheckInCode.NOT_CONFIRMED, "This ticket was cancelled.")
    assert rsvp_check_in(token=waiting.ticket_token, staff_user=staff, at=START, event_id=event.pk).is_success


def test_a_waitlisted_ticket_is_refused(event, staff):
    confirmed(event)
    member = MemberFactory()
    rsvp_create(event_id=event.pk, member_id=member.pk, at=START - dt.timedelta(days=5))
    rsvp = Rsvp.objects.get(event=event, member=member)

    result = rsvp_check_in(token=rsvp.ticket_token, staff_user=staff, at=START, event_id=event.pk)

    assert result.error == CheckInCode.NOT_CONFIRMED
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None


@pytest.mark.parametrize("token", ["", "   ", "not-a-ticket", "x" * 300])
def test_an_unknown_ticket_is_refused(event, staff, token):
    confirmed(event)

    result = rsvp_check_in(token=token, staff_user=staff, at=START)

    assert (result.error, result.message) == (CheckInCode.UNKNOWN_TICKET, "This is not a valid ticket.")
    assert not Rsvp.objects.filter(checked_in_at__isnull=False).exists()


def test_a_checked_in_member_cannot_give_the_place_back(event_factory, staff):
    event = event_factory(starts_at=START, ends_at=START + dt.timedelta(hours=3),
                          cancel_deadline_hours_before=0)
    rsvp = confirmed(event)
    rsvp_check_in(token=rsvp.ticket_token, staff_user=staff, at=START - dt.timedelta(minutes=30))

    result = rsvp_cancel(event_id=event.pk, member_id=rsvp.member_id, at=START - dt.timedelta(minutes=20))

    assert result.error == "cancel_closed"
    assert result.message == "You have already checked in at this event."
    rsvp.refresh_from_db()
    assert rsvp.status == "confirmed"


def test_every_rsvp_has_its_own_unguessable_token(event_factory):
    event = event_factory(capacity=3)
    tokens = {confirmed(event, at=timezone.now()).ticket_token for _ in range(3)}

    assert len(tokens) == 3
    assert all(len(token) >= 43 for token in tokens)
