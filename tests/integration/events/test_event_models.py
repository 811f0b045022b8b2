"""An event page's validation as the admin runs it (``full_clean``) and the database's own
constraints; the selectors' counts and upcoming list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from club.events.models import EventPage, Rsvp
from club.events.selectors import event_counts, event_rsvps, event_upcoming
from club.events.services import rsvp_cancel, rsvp_create
from tests.factories import MemberFactory

from .conftest import put_in_tier

pytestmark = pytest.mark.django_db


def errors_of(page) -> dict:
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    return raised.value.message_dict


def test_an_event_needs_a_place_an_order_of_times_a_zone_and_places(event_factory):
    event = event_factory()
    event.venue_name = event.venue_address = ""
    event.ends_at = event.starts_at
    event.time_zone = "Hanoi"
    event.capacity = 0

    errors = errors_of(event)

    assert set(errors) == {"venue_name", "online_url", "ends_at", "time_zone", "capacity"}
    assert errors["ends_at"] == ["The event must end after it starts."]


def test_a_valid_event_passes_and_defaults_to_the_operators_zone(event_factory, settings):
    event = event_factory(venue_name="", venue_address="", online_url="https://meet.example/club")

    event.full_clean()

    assert event.time_zone == settings.TIME_ZONE
    assert (event.rsvp_closes_hours_before, event.cancel_deadline_hours_before) == (2, 24)


def test_places_cannot_drop_below_the_confirmed_members(event_factory):
    event = event_factory(capacity=3)
    for member in MemberFactory.create_batch(3):
        rsvp_create(event_id=event.pk, member_id=member.pk)
    event.capacity = 2

    assert errors_of(event) == {"capacity": ["3 members are already confirmed: give at least 3 places."]}


def test_the_database_refuses_what_validation_refuses(event_factory):
    event = event_factory()
    for changes in ({"ends_at": event.starts_at}, {"capacity": 0},
                    {"venue_name": "", "venue_address": "", "online_url": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            EventPage.objects.filter(pk=event.pk).update(**changes)


def test_one_rsvp_per_member_and_event_and_one_member_per_waitlist_place(event_factory):
    event = event_factory(capacity=1)
    first, second, third = MemberFactory.create_batch(3)
    for member in (first, second):
        rsvp_create(event_id=event.pk, member_id=member.pk)
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.create(event=event, member=first, status="confirmed", confirmed_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.create(event=event, member=third, status="waitlisted", waitlist_position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.create(event=event, member=third, status="confirmed", waitlist_position=2,
                            confirmed_at=now)


def test_counts_and_the_event_list_for_the_admin(event_factory):
    event, empty = event_factory(capacity=2), event_factory(title="Empty", slug="empty")
    members = MemberFactory.create_batch(4)
    for member in members:
        rsvp_create(event_id=event.pk, member_id=member.pk)
    rsvp_cancel(event_id=event.pk, member_id=members[3].pk)

    counts = event_counts(event_ids=[event.pk, empty.pk])

    full = counts[event.pk]
    assert (full.confirmed, full.waitlisted, full.places_left) == (2, 1, 0)
    assert (counts[empty.pk].confirmed, counts[empty.pk].places_left) == (0, 10)
    assert [(r.member_id, r.status) for r in event_rsvps(event_id=event.pk)] == [
        (members[0].pk, "confirmed"), (members[1].pk, "confirmed"), (members[2].pk, "waitlisted"),
        (members[3].pk, "cancelled")]


def test_upcoming_events_for_a_member(event_factory, ladder):
    now = timezone.now()
    vip = event_factory(title="VIP", slug="vip", min_tier=ladder["platinum"],
                        starts_at=now + dt.timedelta(days=2))
    open_ = event_factory(title="Open", slug="open", starts_at=now + dt.timedelta(days=1))
    event_factory(title="Over", slug="over", starts_at=now - dt.timedelta(days=2))
    event_factory(title="Later", slug="later", starts_at=now + dt.timedelta(days=40))
    member = MemberFactory()
    put_in_tier(member, ladder["gold"])
    rsvp_create(event_id=open_.pk, member_id=member.pk)

    upcoming = event_upcoming(member_id=member.pk, now=now, limit=2)
    anonymous = event_upcoming(member_id=None, now=now, limit=10)

    assert [e.title for e in upcoming] == ["Open", "VIP"]
    assert [(e.rsvp_status, e.eligibility.is_eligible) for e in upcoming] == [
        ("confirmed", True), ("", False)]
    assert upcoming[1].eligibility.reason == "This event is for Platinum members and above."
    assert upcoming[1].url == vip.url and upcoming[1].min_tier_name == "Platinum"
    assert [e.title for e in anonymous] == ["Open", "VIP", "Later"]
    assert anonymous[0].rsvp is None and anonymous[0].counts.places_left == 9
