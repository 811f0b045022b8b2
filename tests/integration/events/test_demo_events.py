"""The demo's events: an index under the home page and three upcoming events, the VIP one for
the top tier; a second run changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import GroupPagePermission

from club.accounts.roles import CLUB_STAFF
from club.events.models import EventIndexPage, EventPage
from cms.demo.events import demo_events
from cms.demo.financial import _demo_tiers_load
from cms.models import HomePage

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "pages": list(EventPage.objects.order_by("pk").values_list(
            "pk", "title", "starts_at", "capacity", "min_tier_id", "latest_revision_id",
            "last_published_at")),
        "indexes": list(EventIndexPage.objects.values_list("pk", "title")),
        "page_permissions": GroupPagePermission.objects.count(),
    }


def test_demo_events_are_created_once(client):
    _demo_tiers_load()

    first = demo_events()
    snapshot = _snapshot()
    second = demo_events()

    assert (first.created, second.created) == (4, 0)
    assert _snapshot() == snapshot
    assert [p.pk for p in second.events] == [p.pk for p in first.events]
    assert first.index.get_parent().specific_class is HomePage
    assert first.vip_football_night.title == "VIP football night"
    assert first.vip_football_night.min_tier.code == "gold"  # as the VIP campaign's audience
    assert (first.workshop.min_tier, first.webinar.min_tier) == (None, None)
    assert first.webinar.online_url and not first.webinar.venue_name
    assert all(page.live and page.starts_at > timezone.now() for page in first.events)
    for page in first.events:
        page.full_clean()
    club_staff = Group.objects.get(name=CLUB_STAFF.name)
    assert club_staff.permissions.filter(codename="view_rsvp").exists()
    assert GroupPagePermission.objects.filter(group=club_staff, page=first.index).count() == 3

    html = client.get(first.index.url).content.decode()
    assert all(page.title in html for page in first.events)
    assert client.get(first.vip_football_night.url).status_code == 200
