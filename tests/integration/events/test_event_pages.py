"""The event pages and the RSVP views: a member RSVPs and cancels (HTMX and full page), a
visitor is sent to log in, a refusal shows its message, times show in the event's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from club.events.models import Rsvp
from tests.factories import MemberFactory, UserFactory

from .conftest import put_in_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return MemberFactory(user=user)


def rsvp_url(event) -> str:
    return reverse("portal:event_rsvp", args=(event.pk,))


def cancel_url(event) -> str:
    return reverse("portal:event_rsvp_cancel", args=(event.pk,))


def test_a_member_rsvps_and_cancels_from_the_page(client, member, event_factory):
    event = event_factory(capacity=5)
    page = client.get(event.url).content.decode()
    assert "5 places left" in page and rsvp_url(event) in page

    response = client.post(rsvp_url(event), follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(event.url, 302)]
    assert "You&#x27;re in: your place at Football night is confirmed." in html
    assert "Your place is confirmed" in html and "4 places left" in html and cancel_url(event) in html
    assert Rsvp.objects.get(event=event, member=member).status == "confirmed"

    response = client.post(cancel_url(event), follow=True)

    html = response.content.decode()
    assert "Your RSVP is cancelled." in html and "5 places left" in html
    assert Rsvp.objects.get(event=event, member=member).status == "cancelled"


def test_htmx_gets_the_rsvp_box_alone(client, member, event_factory):
    event = event_factory(capacity=1)
    MemberFactory()  # someone else, who does not count
    other = MemberFactory()
    from club.events.services import rsvp_create

    rsvp_create(event_id=event.pk, member_id=other.pk)

    response = client.post(rsvp_url(event), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="rsvp-{event.pk}"' in html
    assert "You're number 1 on the waitlist" in html and "Leave the waitlist" in html
    assert 'role="status"' in html

    html = client.post(cancel_url(event), HTTP_HX_REQUEST="true").content.decode()
    assert "Your RSVP is cancelled." in html and "Join the waitlist" in html


def test_a_visitor_is_sent_to_log_in(client, event_factory):
    event = event_factory()

    page = client.get(event.url).content.decode()
    response = client.post(rsvp_url(event))

    assert "Log in to RSVP" in page
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={event.url}"
    assert not Rsvp.objects.exists()


def test_a_login_without_a_linked_line_is_asked_to_link_it(client, event_factory):
    event = event_factory()
    client.force_login(UserFactory())

    page = client.get(event.url).content.decode()
    response = client.post(rsvp_url(event), follow=True)

    assert "Link your subscriber line to RSVP to club events." in page
    assert "Link your subscriber line to RSVP to club events." in response.content.decode()
    assert not Rsvp.objects.exists()


def test_a_refusal_shows_its_message(client, member, event_factory, ladder):
    event = event_factory(min_tier=ladder["gold"])
    put_in_tier(member, ladder["silver"])

    page = client.get(event.url).content.decode()
    response = client.post(rsvp_url(event), follow=True)
    htmx = client.post(rsvp_url(event), HTTP_HX_REQUEST="true").content.decode()

    assert "This event is for Gold members and above." in page and rsvp_url(event) not in page
    refused = '<li class="message error">This event is for Gold members and above.</li>'
    assert refused in response.content.decode()
    assert 'role="alert"' in htmx and "This event is for Gold members and above." in htmx
    assert not Rsvp.objects.exists()


def test_a_late_cancel_is_refused_with_the_deadline(client, member, event_factory):
    event = event_factory(starts_at=dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=10),
                          cancel_deadline_hours_before=24, rsvp_closes_hours_before=1)
    client.post(rsvp_url(event))

    page = client.get(event.url).content.decode()
    response = client.post(cancel_url(event), follow=True)

    assert "The deadline to give your place back has passed." in page and cancel_url(event) not in page
    assert "It is too late to give your place back: the deadline was" in response.content.decode()
    assert Rsvp.objects.get(event=event, member=member).status == "confirmed"


def test_unknown_events_are_not_found_and_get_is_not_allowed(client, member, event_factory):
    event = event_factory()

    assert client.post(reverse("portal:event_rsvp", args=(999_999,))).status_code == 404
    assert client.get(rsvp_url(event)).status_code == 405


def test_the_page_shows_times_in_the_event_zone(client, event_factory):
    starts = dt.datetime(2031, 3, 14, 19, 30, tzinfo=ZoneInfo("Europe/London"))
    event = event_factory(title="Webinar", starts_at=starts,
                          ends_at=starts + dt.timedelta(hours=1, minutes=30), time_zone="Europe/London",
                          venue_name="", venue_address="",
                          online_url="https://meet.example/club")

    html = client.get(event.url).content.decode()

    assert "Friday 14 March 2031, 19:30" in html and "21:00" in html and "(Europe/London)" in html
    assert "https://meet.example/club" not in html  # the link only for confirmed members


@pytest.mark.parametrize(("language", "when"), [
    ("vi", "19:30, 14 tháng 3 năm 2031"),
    ("zh-hans", "2031年3月14日 19:30"),
    ("ru", "14 марта 2031 г. 19:30"),
])
def test_the_page_writes_the_time_the_readers_way(client, event_factory, language, when):
    starts = dt.datetime(2031, 3, 14, 19, 30, tzinfo=ZoneInfo("Europe/London"))
    event = event_factory(title="Webinar", starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                          time_zone="Europe/London")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(event.url).content.decode()

    assert when in html and "March" not in html and "Friday" not in html


def test_a_confirmed_member_sees_the_online_link(client, member, event_factory):
    event = event_factory(venue_name="", venue_address="", online_url="https://meet.example/club")
    client.post(rsvp_url(event))

    assert "https://meet.example/club" in client.get(event.url).content.decode()


def test_the_index_lists_upcoming_events_soonest_first_with_the_member_status(client, member, index,
                                                                              event_factory):
    soon = event_factory(title="Soon", slug="soon", capacity=1)
    later = event_factory(title="Later", slug="later",
                          starts_at=soon.starts_at + dt.timedelta(days=3))
    past = event_factory(title="Past", slug="past", starts_at=soon.starts_at - dt.timedelta(days=30))
    draft = event_factory(title="Draft", slug="draft", live=False)
    client.post(rsvp_url(soon))

    html = client.get(index.url).content.decode()

    assert html.index(">Soon<") < html.index(">Later<")
    assert past.title not in html.split("Upcoming events")[1] and draft.title not in html
    assert "You're going" in html and "10 places left" in html
    assert later.url in html
