"""Fixtures of the event tests: the home page, an events index, events and a tier ladder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale, Page

from club.events.models import EventIndexPage, EventPage
from cms.demo.site import demo_site_load
from rewards.tiers.models import MemberTier
from tests.factories import TierFactory


def make_index() -> EventIndexPage:
    """The home page (the demo's) with an events index under it."""
    if Page.get_first_root_node() is None:  # a transactional test's flush removed Wagtail's root
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root"))
    home = demo_site_load()
    page = EventIndexPage(title="Club events", slug="events", intro="Meet other members.")
    home.add_child(instance=page)
    return page


@pytest.fixture
def index(db) -> EventIndexPage:
    return make_index()


def make_event(index: EventIndexPage, **fields) -> EventPage:
    """A published event ten days from now (unless told otherwise), at a venue, 10 places."""
    starts_at = fields.pop("starts_at", timezone.now().replace(microsecond=0) + dt.timedelta(days=10))
    values = dict(
        title="Football night", starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3),
        venue_name="Sao Arena", venue_address="1 Tràng Tiền, Hà Nội", capacity=10,
    )
    values.update(fields)
    page = EventPage(**values)
    index.add_child(instance=page)
    return page


@pytest.fixture
def event_factory(index):
    return lambda **fields: make_event(index, **fields)


@pytest.fixture
def ladder(db):
    return {
        "member": TierFactory(code="member", name="Member", rank=0),
        "silver": TierFactory(code="silver", name="Silver", rank=10),
        "gold": TierFactory(code="gold", name="Gold", rank=20),
        "platinum": TierFactory(code="platinum", name="Platinum", rank=30),
    }


def put_in_tier(member, tier) -> None:
    today = dt.date.today()
    MemberTier.objects.update_or_create(
        member=member, defaults=dict(tier=tier, since=today, qualified_until=today + dt.timedelta(days=365)),
    )
