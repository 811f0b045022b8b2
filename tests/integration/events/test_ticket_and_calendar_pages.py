"""The portal's ticket page (only its own member sees it, only while confirmed), an event's
``.ics`` file, the public feed and the member's secret feed with its revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from club.events.models import CalendarFeed, Rsvp
from club.events.services import rsvp_cancel, rsvp_create
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return MemberFactory(user=user, language="en")


def ticket_url(event) -> str:
    return reverse("portal:event_ticket", args=(event.pk,))


def test_a_confirmed_member_sees_their_ticket_with_its_qr_code(client, member, event_factory):
    event = event_factory()
    rsvp_create(event_id=event.pk, member_id=member.pk)
    token = Rsvp.objects.get(event=event, member=member).ticket_token

    response = client.get(ticket_url(event))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="ticket-qr" role="img"' in html and "<path d=" in html
    assert f'<code data-testid="ticket-token">{token}</code>' in html
    assert "<title>Ticket for Football night</title>" in html
    assert "<script" not in html.split('data-testid="ticket-qr"')[1].split("</div>")[0]


def test_the_event_page_links_a_confirmed_member_to_the_ticket(client, member, event_factory):
    event = event_factory()
    assert ticket_url(event) not in client.get(event.url).content.decode()

    rsvp_create(event_id=event.pk, member_id=member.pk)

    assert ticket_url(event) in client.get(event.url).content.decode()


def test_another_member_gets_404_for_someone_else_s_ticket(client, member, event_factory):
    event = event_factory()
    owner = MemberFactory()
    rsvp_create(event_id=event.pk, member_id=owner.pk)  # the logged-in member never answered

    response = client.get(ticket_url(event))

    assert response.status_code == 404
    token = Rsvp.objects.get(member=owner).ticket_token
    assert token not in response.content.decode()


def test_a_waitlisted_or_cancelled_rsvp_has_no_ticket(client, member, event_factory):
    event = event_factory(capacity=1)
    rsvp_create(event_id=event.pk, member_id=MemberFactory().pk)
    rsvp_create(event_id=event.pk, member_id=member.pk)
    assert Rsvp.objects.get(member=member).status == "waitlisted"
    assert client.get(ticket_url(event)).status_code == 404

    rsvp_cancel(event_id=event.pk, member_id=member.pk)

    assert client.get(ticket_url(event)).status_code == 404


def test_a_visitor_is_sent_to_log_in(client, event_factory):
    event = event_factory()

    response = client.get(ticket_url(event))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_event_s_ics_file(client, event_factory):
    event = event_factory(title="Football; night, with friends",
                          starts_at=dt.datetime(2031, 3, 14, 12, 30, tzinfo=dt.UTC),
                          ends_at=dt.datetime(2031, 3, 14, 15, 30, tzinfo=dt.UTC))
    assert reverse("portal:event_ics", args=(event.pk,)) in client.get(event.url).content.decode()

    response = client.get(reverse("portal:event_ics", args=(event.pk,)))

    text = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    assert "DTSTART:20310314T123000Z" in lines and "DTEND:20310314T153000Z" in lines
    assert "SUMMARY:Football\\; night\\, with friends" in lines
    assert f"UID:event-{event.pk}@127.0.0.1" in lines or any(line.startswith(f"UID:event-{event.pk}@")
                                                          for line in lines)
    assert all(len(line.encode()) <= 75 for line in lines)


def test_an_unpublished_event_has_no_ics_file(client, event_factory):
    event = event_factory()
    event.unpublish()

    assert client.get(reverse("portal:event_ics", args=(event.pk,))).status_code == 404


def test_the_public_feed_lists_upcoming_published_events_only(client, event_factory):
    event_factory(title="Coming", slug="coming")
    event_factory(title="Over", slug="over", starts_at=timezone.now() - dt.timedelta(days=2),
                  ends_at=timezone.now() - dt.timedelta(days=1))
    event_factory(title="Draft", slug="draft").unpublish()

    text = client.get(reverse("portal:events_feed")).content.decode()

    assert text.count("BEGIN:VEVENT") == 1 and "SUMMARY:Coming" in text


def test_the_member_feed_lists_their_confirmed_events_and_stops_when_revoked(client, member, event_factory):
    going = event_factory(title="Going", slug="going", online_url="https://meet.example.test/room")
    waiting = event_factory(title="Waiting", slug="waiting", capacity=1)
    event_factory(title="Not answered", slug="not-answered")
    rsvp_create(event_id=going.pk, member_id=member.pk)
    rsvp_create(event_id=waiting.pk, member_id=MemberFactory().pk)
    rsvp_create(event_id=waiting.pk, member_id=member.pk)  # waitlisted: not in the feed
    client.post(reverse("portal:event_calendar"), {"action": "create"})
    token = CalendarFeed.objects.get(member=member).token
    feed_url = reverse("portal:event_member_feed", args=(token,))
    assert feed_url in client.get(reverse("portal:event_calendar")).content.decode()
    client.logout()  # calendar apps have no session

    text = client.get(feed_url).content.decode()

    assert text.count("BEGIN:VEVENT") == 1 and "SUMMARY:Going" in text
    assert "URL:https://meet.example.test/room" in text  # a confirmed member gets the online link

    client.force_login(member.user)
    client.post(reverse("portal:event_calendar"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_url).status_code == 404
    assert not CalendarFeed.objects.filter(member=member).exists()


def test_a_new_link_replaces_the_old_one(client, member):
    client.post(reverse("portal:event_calendar"), {"action": "create"})
    old = CalendarFeed.objects.get(member=member).token

    client.post(reverse("portal:event_calendar"), {"action": "rotate"})

    new = CalendarFeed.objects.get(member=member).token
    assert new != old
    assert client.get(reverse("portal:event_member_feed", args=(old,))).status_code == 404
    assert client.get(reverse("portal:event_member_feed", args=(new,))).status_code == 200


def test_erasing_a_member_stops_their_feed(client, member):
    from club.members.models import MemberErasure
    from club.members.services.privacy import member_erase

    client.post(reverse("portal:event_calendar"), {"action": "create"})
    token = CalendarFeed.objects.get(member=member).token

    member_erase(member_id=member.pk, source=MemberErasure.Source.STAFF)

    assert client.get(reverse("portal:event_member_feed", args=(token,))).status_code == 404
