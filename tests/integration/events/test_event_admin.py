"""Events in the admin: an event published with more places confirms the waitlist (the
``after_publish_page`` hook, through the real edit view); the Club menu's RSVP list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from club.events.models import Rsvp
from club.events.services import rsvp_create
from club.events.wagtail_hooks import ClubGroup
from tests.factories import MemberFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    login_with_mfa(client, staff_with_mfa(is_superuser=True))
    return client


def edit_form(event, **changes):
    local = lambda moment: timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    data = {
        "title": event.title, "slug": event.slug, "intro": event.intro, "body": rich_text(""),
        "starts_at": local(event.starts_at), "ends_at": local(event.ends_at), "time_zone": event.time_zone,
        "venue_name": event.venue_name, "venue_address": event.venue_address, "online_url": "",
        "capacity": event.capacity, "min_tier": "", "rsvp_closes_hours_before": 2,
        "cancel_deadline_hours_before": 24, "check_in_opens_minutes_before": 120,
        "check_in_closes_minutes_after_end": 0, "attendance_points": 0, "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(changes)
    return nested_form_data(data)


def test_publishing_more_places_confirms_the_first_waitlisted(editor, event_factory):
    event = event_factory(capacity=1)
    members = MemberFactory.create_batch(3)
    for member in members:
        rsvp_create(event_id=event.pk, member_id=member.pk)

    response = editor.post(reverse("wagtailadmin_pages:edit", args=(event.pk,)), edit_form(event, capacity=2))

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert [Rsvp.objects.get(event=event, member=m).status for m in members] == [
        "confirmed", "confirmed", "waitlisted"]


def test_the_admin_refuses_fewer_places_than_confirmed_members(editor, event_factory):
    event = event_factory(capacity=2)
    for member in MemberFactory.create_batch(2):
        rsvp_create(event_id=event.pk, member_id=member.pk)

    response = editor.post(reverse("wagtailadmin_pages:edit", args=(event.pk,)), edit_form(event, capacity=1))

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "2 members are already confirmed: give at least 2 places."]


def test_the_rsvp_list_shows_an_events_answers(client, event_factory):
    event = event_factory(capacity=1)
    first, second = MemberFactory.create_batch(2)
    for member in (first, second):
        rsvp_create(event_id=event.pk, member_id=member.pk)
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "events.view_rsvp"))
    viewset = ClubGroup().items[0]

    listing = client.get(f"{viewset.menu_url}?event={event.pk}")
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=(event.pk,)))

    html = listing.content.decode()
    assert listing.status_code == 200
    assert first.account_number in html and second.account_number in html
    assert "On the waitlist" in html and "Confirmed" in html
    assert client.get(reverse("club_rsvps:add")).status_code in (302, 403, 404)
    assert edit_page.status_code in (302, 403)  # no page permission: no edit screen


def test_the_event_page_header_links_to_its_rsvps(editor, event_factory):
    event = event_factory()

    html = editor.get(reverse("wagtailadmin_pages:edit", args=(event.pk,))).content.decode()

    assert f"/admin/club/rsvps/?event={event.pk}" in html
