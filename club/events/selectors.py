"""Reads about club events: counts per event, a member's RSVPs, the upcoming events, and what
an event page's RSVP box shows. Writes live in ``services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from club.members.models import Member, MemberStatus
from club.members.privileges import club_membership_holders
from rewards.prepared import PreparedRead, any_of
from rewards.reference import ReferenceData
from rewards.tiers.selectors import MemberTierInfo, current_tiers

from .models import CalendarFeed, EventPage, Rsvp, RsvpStatus
from .services.results import RsvpReceipt, club_members_only_message
from .services.rsvp import receipt_of


@dataclass(frozen=True)
class EventCounts:
    event_id: int
    capacity: int
    confirmed: int
    waitlisted: int

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0


def event_counts(*, event_ids: Iterable[int]) -> dict[int, EventCounts]:
    """Confirmed, waitlisted and places left of each event (one query whatever their number).
    A read outside the lock: right when read, possibly stale a moment later."""
    ids = set(event_ids)
    if not ids:
        return {}
    rows = (
        EventPage.objects.filter(pk__in=ids)
        .annotate(
            n_confirmed=Count("rsvps", filter=Q(rsvps__status=RsvpStatus.CONFIRMED)),
            n_waitlisted=Count("rsvps", filter=Q(rsvps__status=RsvpStatus.WAITLISTED)),
        )
        .values_list("pk", "capacity", "n_confirmed", "n_waitlisted")
    )
    return {pk: EventCounts(pk, capacity, confirmed, waitlisted) for pk, capacity, confirmed, waitlisted
            in rows}


def rsvp_for_member(*, event_id: int, member_id: int) -> RsvpReceipt | None:
    """The member's RSVP to the event (cancelled ones too), or None if they never answered."""
    rsvp = Rsvp.objects.filter(event_id=event_id, member_id=member_id).first()
    return receipt_of(rsvp) if rsvp else None


def _member_rsvps_rows(*, member_id: int, event_ids: list[int]):
    ahead = (Rsvp.objects.filter(event=OuterRef("event"), status=RsvpStatus.WAITLISTED,
                                 waitlist_position__lte=OuterRef("waitlist_position"))
             .order_by().values("event").annotate(n=Count("pk")).values("n"))
    return (
        Rsvp.objects.filter(any_of(Rsvp, "event", event_ids), member_id=member_id)
        .annotate(place=Subquery(ahead, output_field=IntegerField()))
        .values_list("pk", "event_id", "member_id", "status", "place", "created_at", "confirmed_at",
                     "cancelled_at")
    )


_MEMBER_RSVPS = PreparedRead(_member_rsvps_rows, samples=({"member_id": 1, "event_ids": [1, 2]},
                                                          {"member_id": 2, "event_ids": [3, 4]}))


def rsvps_for_member(*, member_id: int, event_ids: Iterable[int]) -> dict[int, RsvpReceipt]:
    """The member's RSVPs to these events, by event id, each waitlisted one with its place in
    the queue (one query)."""
    rows = _MEMBER_RSVPS(member_id=member_id, event_ids=sorted(set(event_ids)))
    return {
        event_id: RsvpReceipt(
            rsvp_id=pk, event_id=event_id, member_id=member, status=status,
            waitlist_place=place if status == RsvpStatus.WAITLISTED else None, created_at=created_at,
            confirmed_at=confirmed_at, cancelled_at=cancelled_at,
        )
        for pk, event_id, member, status, place, created_at, confirmed_at, cancelled_at in rows
    }


def event_rsvps(*, event_id: int) -> list[Rsvp]:
    """Everyone who answered the event: confirmed first (by time), then the waitlist in queue
    order, then the cancelled."""
    order = {RsvpStatus.CONFIRMED: 0, RsvpStatus.WAITLISTED: 1, RsvpStatus.CANCELLED: 2}
    rows = list(Rsvp.objects.filter(event_id=event_id).select_related("member"))
    return sorted(rows, key=lambda r: (
        order[r.status], r.waitlist_position or 0, r.confirmed_at or r.created_at, r.pk))


def event_page(*, event_id: int) -> EventPage | None:
    """The published event page with this id."""
    return EventPage.objects.live().filter(pk=event_id).first()


def _rsvp_counts_rows(*, event_ids: list[int]):
    return (
        Rsvp.objects.filter(any_of(Rsvp, "event", event_ids)).order_by().values("event_id")
        .annotate(confirmed=Count("pk", filter=Q(status=RsvpStatus.CONFIRMED)),
                  waitlisted=Count("pk", filter=Q(status=RsvpStatus.WAITLISTED)))
        .values_list("event_id", "confirmed", "waitlisted")
    )


_RSVP_COUNTS = PreparedRead(_rsvp_counts_rows, samples=({"event_ids": [1, 2]}, {"event_ids": [3, 4]}))


def _rsvp_counts(*, event_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """``(confirmed, waitlisted)`` of each event that has RSVPs (one query on the RSVPs)."""
    rows = _RSVP_COUNTS(event_ids=sorted(set(event_ids)))
    return {event_id: (confirmed, waitlisted) for event_id, confirmed, waitlisted in rows}


@dataclass(frozen=True)
class TierRequirement:
    rank: int
    name: str


@dataclass(frozen=True)
class EventFacts:
    """What every list of events shows of one."""

    title: str
    intro: str
    url: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    venue_name: str


@dataclass(frozen=True)
class EventSummary(EventFacts):
    """A published event as the reference cache keeps it."""

    pk: int
    is_online: bool
    capacity: int
    rsvp_closes_at: dt.datetime
    min_tier_id: int | None
    min_tier: TierRequirement | None
    index_id: int | None  # the parent page
    club_members_only: bool = False


def _upcoming_load() -> tuple[EventSummary, ...]:
    """Every published event not yet ended when loaded, soonest first, and the id of its index
    page (two queries); ``event_upcoming`` drops those that end later on."""
    now = timezone.now()
    events = list(EventPage.objects.live().filter(ends_at__gt=now).select_related("min_tier")
                  .order_by("starts_at", "pk"))
    parents = dict(Page.objects.filter(path__in={e.path[: -Page.steplen] for e in events})
                   .values_list("path", "pk")) if events else {}
    return tuple(
        EventSummary(
            pk=e.pk, title=e.title, intro=e.intro, url=e.url or "", starts_at=e.starts_at, ends_at=e.ends_at,
            time_zone=e.time_zone, venue_name=e.venue_name, is_online=e.is_online, capacity=e.capacity,
            rsvp_closes_at=e.rsvp_closes_at, min_tier_id=e.min_tier_id,
            min_tier=TierRequirement(e.min_tier.rank, e.min_tier.name) if e.min_tier else None,
            index_id=parents.get(e.path[: -Page.steplen]), club_members_only=e.club_members_only,
        )
        for e in events
    )


# Wagtail saves a page as its specific class; a move rewrites descendants' paths with an
# UPDATE (no signal), so the time-to-live bounds how long a moved event keeps its old URL.
UPCOMING_EVENTS = ReferenceData("upcoming-events", _upcoming_load, ("events.EventPage", "tiers.Tier"))


@dataclass(frozen=True)
class Eligibility:
    is_eligible: bool
    reason: str = ""  # why not, for the member


@dataclass(frozen=True)
class MemberStanding:
    """What RSVP eligibility reads about a member, when the caller has it already."""

    status: str
    tier: MemberTierInfo
    club_member: bool | None = None  # whether their club membership entitles now (None: not read)


def member_eligibility(
    *, member_id: int, events: Iterable[EventPage | EventSummary], standing: MemberStanding | None = None
) -> dict[int, Eligibility]:
    """Whether the member may RSVP to each event (active line, tier at least the event's
    minimum), by event id. The services decide again under the lock; this is what pages show.
    ``standing``: the member's status and tier, if already read (otherwise read here)."""
    events = list(events)
    if standing is None:
        status = Member.objects.filter(pk=member_id).values_list("status", flat=True).first()
    else:
        status = standing.status
    if status != MemberStatus.ACTIVE:
        return {e.pk: Eligibility(False, _("Only active lines can RSVP to club events.")) for e in events}
    result = {}
    tier = standing.tier if standing else None
    club_member = standing.club_member if standing else None
    for event in events:
        if event.club_members_only:
            if club_member is None:
                club_member = member_id in club_membership_holders([member_id])
            if not club_member:
                result[event.pk] = Eligibility(False, club_members_only_message())
                continue
        if event.min_tier_id is None:
            result[event.pk] = Eligibility(True)
            continue
        tier = tier or current_tiers(member_ids=[member_id])[member_id]
        required = event.min_tier
        if tier.tier_id is not None and tier.rank >= required.rank:
            result[event.pk] = Eligibility(True)
        else:
            result[event.pk] = Eligibility(False, _("This event is for %(tier)s members and above.")
                                           % {"tier": required.name})
    return result


@dataclass(frozen=True)
class UpcomingEvent(EventFacts):
    event_id: int
    online: bool
    min_tier_name: str
    counts: EventCounts | None  # None when not asked for (``with_counts=False``)
    is_open: bool  # RSVPs are taken now
    rsvp: RsvpReceipt | None = None  # the member's, when a member was given
    eligibility: Eligibility | None = None  # the member's, when a member was given

    @property
    def rsvp_status(self) -> str:
        return self.rsvp.status if self.rsvp else ""


def event_upcoming(
    *, member_id: int | None, now: dt.datetime, limit: int = 10, index: Page | None = None,
    standing: MemberStanding | None = None, with_counts: bool = True,
) -> list[UpcomingEvent]:
    """Published events that have not ended, soonest first, with their counts and, for a
    member, their RSVP and whether they may RSVP. ``index``: only that index page's events.
    The events come from the reference cache (dropped whenever an event page or a tier is
    written); then one query for the counts (unless ``with_counts`` is False: the portal's
    dashboard does not show them) and, for a member, one for their RSVPs (and one for their
    status and tier unless ``standing`` gives them)."""
    events = [e for e in UPCOMING_EVENTS.get()
              if e.ends_at > now and (index is None or e.index_id == index.pk)][:limit]
    if not events:
        return []
    ids = [e.pk for e in events]
    counts = _rsvp_counts(event_ids=ids) if with_counts else None
    rsvps = rsvps_for_member(member_id=member_id, event_ids=ids) if member_id else {}
    eligibility = (member_eligibility(member_id=member_id, events=events, standing=standing)
                   if member_id else {})
    return [
        UpcomingEvent(
            event_id=e.pk, title=e.title, intro=e.intro, url=e.url, starts_at=e.starts_at,
            ends_at=e.ends_at, time_zone=e.time_zone, venue_name=e.venue_name, online=e.is_online,
            min_tier_name=e.min_tier.name if e.min_tier else "",
            counts=EventCounts(e.pk, e.capacity, *counts.get(e.pk, (0, 0))) if counts is not None else None,
            is_open=now < e.rsvp_closes_at, rsvp=rsvps.get(e.pk), eligibility=eligibility.get(e.pk),
        )
        for e in events
    ]


@dataclass(frozen=True)
class RsvpPanel:
    """What an event page's RSVP box shows (``events/_rsvp_panel.html``)."""

    event_id: int
    counts: EventCounts
    closes_at: dt.datetime
    cancel_deadline: dt.datetime
    has_started: bool
    is_open: bool  # RSVPs are taken now
    has_member: bool  # the visitor is logged in with a linked line
    rsvp: RsvpReceipt | None = None
    eligibility: Eligibility | None = None
    cancel_closed: bool = False  # the member's place is confirmed and the deadline has passed

    @property
    def can_rsvp(self) -> bool:
        standing = self.rsvp is not None and not self.rsvp.is_cancelled
        eligible = self.eligibility is not None and self.eligibility.is_eligible
        return self.has_member and self.is_open and not standing and eligible

    @property
    def can_cancel(self) -> bool:
        if not self.has_member or self.rsvp is None or self.has_started or self.rsvp.is_cancelled:
            return False
        return not self.cancel_closed


def event_rsvp_panel(*, event: EventPage, member_id: int | None, now: dt.datetime) -> RsvpPanel:
    """The RSVP box of ``event`` for a member (None: a visitor without a linked line)."""
    counts = event_counts(event_ids=[event.pk]).get(event.pk) or EventCounts(event.pk, event.capacity, 0, 0)
    rsvp = eligibility = None
    if member_id is not None:
        rsvp = rsvp_for_member(event_id=event.pk, member_id=member_id)
        eligibility = member_eligibility(member_id=member_id, events=[event])[event.pk]
    return RsvpPanel(
        event_id=event.pk, counts=counts, closes_at=event.rsvp_closes_at,
        cancel_deadline=event.cancel_deadline, has_started=now >= event.starts_at,
        is_open=event.live and now < event.rsvp_closes_at, has_member=member_id is not None,
        rsvp=rsvp, eligibility=eligibility,
        cancel_closed=rsvp is not None and rsvp.is_confirmed and now > event.cancel_deadline,
    )


@dataclass(frozen=True)
class Ticket:
    """A confirmed RSVP's ticket, as its member sees it (``access_ticket``)."""

    rsvp_id: int
    token: str
    event: EventPage
    member_msisdn: str
    confirmed_at: dt.datetime
    checked_in_at: dt.datetime | None


def access_ticket(*, event_id: int, member_id: int) -> Ticket | None:
    """The member's own ticket to the event: only while their place is confirmed (a waitlisted
    or cancelled RSVP has none). The only way the portal loads a ticket: the member comes from
    the login, never from the URL, so nobody reaches another member's ticket."""
    rsvp = (Rsvp.objects.filter(event_id=event_id, member_id=member_id, status=RsvpStatus.CONFIRMED,
                                event__live=True)
            .select_related("event", "member").first())
    if rsvp is None:
        return None
    return Ticket(rsvp_id=rsvp.pk, token=rsvp.ticket_token, event=rsvp.event,
                  member_msisdn=rsvp.member.msisdn, confirmed_at=rsvp.confirmed_at,
                  checked_in_at=rsvp.checked_in_at)


def member_confirmed_events(*, member_id: int, since: dt.datetime) -> list[EventPage]:
    """The published events the member holds a confirmed place at, ending after ``since``."""
    return list(EventPage.objects.live().filter(
        rsvps__member_id=member_id, rsvps__status=RsvpStatus.CONFIRMED, ends_at__gt=since,
    ).order_by("starts_at", "pk"))


def events_published_upcoming(*, since: dt.datetime, limit: int = 200) -> list[EventPage]:
    """Published events ending after ``since``, soonest first (the public calendar feed)."""
    return list(EventPage.objects.live().filter(ends_at__gt=since).order_by("starts_at", "pk")[:limit])


@dataclass(frozen=True)
class CheckInCandidate:
    rsvp_id: int
    token: str
    msisdn: str
    status: str
    checked_in_at: dt.datetime | None
    member_id: int  # for the audit log of who was shown (docs/audit.md)


def event_check_in_search(*, event_id: int, msisdn: str, limit: int = 20) -> list[CheckInCandidate]:
    """The event's RSVPs whose member's MSISDN contains the digits typed (staff at the door
    looking up a member without their ticket). Fewer than four digits finds nothing."""
    digits = "".join(ch for ch in msisdn if ch.isdigit())
    if len(digits) < 4:
        return []
    rows = (Rsvp.objects.filter(event_id=event_id, member__msisdn__contains=digits)
            .exclude(status=RsvpStatus.CANCELLED)
            .order_by("member__msisdn")
            .values_list("pk", "ticket_token", "member__msisdn", "status", "checked_in_at",
                         "member_id")[:limit])
    return [CheckInCandidate(*row) for row in rows]


def calendar_feed_member_id(*, token: str) -> int | None:
    """Whose secret feed the token opens (None: unknown or revoked)."""
    return CalendarFeed.objects.filter(token=token).values_list("member_id", flat=True).first()


def calendar_feed_token(*, member_id: int) -> str:
    """The member's feed token, blank when they have no feed."""
    return CalendarFeed.objects.filter(member_id=member_id).values_list("token", flat=True).first() or ""
