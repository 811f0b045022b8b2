"""The demo operator's club events: an events index under the home page and three upcoming
events (a VIP football night for the top tier, a workshop, an online webinar).

Idempotent: a page that exists (found by its slug) is left as it is, so a second run changes
nothing. The dates count from the day of the first run: the events are upcoming then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from club.accounts.roles_sync import roles_sync
from club.events.models import EventIndexPage, EventPage
from club.events.services import rsvp_create
from club.members.models import Interest, Member, MemberStatus
from rewards.tiers.models import Tier

from .site import demo_site_load

INDEX_SLUG = "events"


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    intro: str
    body: str
    days_ahead: int
    starts: tuple[int, int]  # local hour, minute in the event's zone
    hours: float
    capacity: int
    interests: tuple[str, ...]
    venue_name: str = ""
    venue_address: str = ""
    online_url: str = ""
    min_tier: str = ""  # a tier code: members below it cannot book


DEMO_EVENTS = [
    DemoEvent(
        slug="vip-football-night", title="VIP football night",
        intro="The derby on the big screen in the club's sky lounge, with dinner and a former "
              "national-team player.",
        body="<p>Two hours of football, a buffet dinner and a Q&amp;A at half time. Your place is "
             "for you and one guest.</p>",
        days_ahead=14, starts=(19, 30), hours=3, capacity=40, interests=("football",),
        venue_name="Sao Sky Lounge", venue_address="54 Liễu Giai, Ba Đình, Hà Nội", min_tier="gold",
    ),
    DemoEvent(
        slug="smartphone-photography-workshop", title="Smartphone photography workshop",
        intro="Take better pictures with the phone you have: light, framing and editing, with a "
              "walk around the old quarter.",
        body="<p>Bring your phone, charged. Small groups, all levels.</p>",
        days_ahead=21, starts=(9, 30), hours=2.5, capacity=20, interests=("technology", "travel"),
        venue_name="Sao Store Nguyễn Huệ", venue_address="72 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh",
    ),
    DemoEvent(
        slug="webinar-5g-at-home", title="Webinar: 5G at home",
        intro="An hour with our network engineers: what 5G changes for streaming, gaming and "
              "working from home, and your questions answered.",
        body="<p>The link appears on this page once your place is confirmed.</p>",
        days_ahead=7, starts=(20, 0), hours=1, capacity=300, interests=("technology", "gaming"),
        online_url="https://live.operator.example/club/5g-at-home",
    ),
]


@dataclass(frozen=True)
class DemoEvents:
    """The demo's event pages; ``created``: how many pages this call created (0 the second time)."""

    index: EventIndexPage
    vip_football_night: EventPage
    workshop: EventPage
    webinar: EventPage
    created: int

    @property
    def events(self) -> list[EventPage]:
        return [self.vip_football_night, self.workshop, self.webinar]


@transaction.atomic
def demo_events() -> DemoEvents:
    """The events index and the three demo events, created when missing (see the module)."""
    home = demo_site_load()
    created = 0
    index = EventIndexPage.objects.child_of(home).filter(slug=INDEX_SLUG).first()
    if index is None:
        index = EventIndexPage(title="Club events", slug=INDEX_SLUG, show_in_menus=True,
                               intro="Meet other members around what you love. Places are limited: "
                                     "RSVP, and join the waitlist when an event is full.")
        home.add_child(instance=index)
        created += 1
    roles_sync()  # the club staff role edits pages under every events index: this one too
    pages = {}
    for spec in DEMO_EVENTS:
        page = EventPage.objects.child_of(index).filter(slug=spec.slug).first()
        if page is None:
            page = _event_create(index, spec)
            created += 1
        pages[spec.slug] = page
    return DemoEvents(index, *(pages[spec.slug] for spec in DEMO_EVENTS), created=created)


def _event_create(index: EventIndexPage, spec: DemoEvent) -> EventPage:
    zone = ZoneInfo(settings.TIME_ZONE)
    day = timezone.localdate() + dt.timedelta(days=spec.days_ahead)
    starts_at = dt.datetime.combine(day, dt.time(*spec.starts), tzinfo=zone)
    page = EventPage(
        title=spec.title, slug=spec.slug, intro=spec.intro, body=spec.body, starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=spec.hours), time_zone=settings.TIME_ZONE,
        capacity=spec.capacity, venue_name=spec.venue_name, venue_address=spec.venue_address,
        online_url=spec.online_url,
        min_tier=Tier.objects.filter(code=spec.min_tier).first() if spec.min_tier else None,
    )
    page.interests.set(Interest.objects.filter(slug__in=spec.interests))
    index.add_child(instance=page)
    return page


# How many members answer each demo event: the workshop fills up and keeps a waitlist.
DEMO_RSVPS = {"vip-football-night": 12, "smartphone-photography-workshop": 26, "webinar-5g-at-home": 60}


def demo_event_rsvps(events: DemoEvents) -> int:
    """Members' RSVPs to the demo events through the RSVP service (so the waitlist is real):
    active members, those sharing the event's interests first, each event's eligible ones (the
    VIP night takes Gold and above). The same members are asked each time, so a second run
    only replays their answers; returns how many RSVPs were new."""
    new = 0
    for page in events.events:
        wanted = DEMO_RSVPS.get(page.slug, 0)
        interests = list(page.interests.values_list("pk", flat=True))
        candidates = (Member.objects.filter(status=MemberStatus.ACTIVE)
                      .annotate(shared=Count("interests", filter=Q(interests__in=interests)))
                      .order_by("-shared", "pk").values_list("pk", flat=True)[: wanted * 20])
        answered = 0
        for member_id in candidates:
            if answered == wanted:
                break
            result = rsvp_create(event_id=page.pk, member_id=member_id)
            if result.is_success:  # refused: not eligible (the VIP night's tier)
                answered += 1
                new += not result.replayed
    return new
