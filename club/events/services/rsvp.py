"""``rsvp_create``, ``rsvp_cancel`` and ``event_waitlist_promote``: the RSVP writes.

Every write to an event's RSVPs runs in one transaction that first locks the event's own row
(``events_eventpage``, ``SELECT ... FOR NO KEY UPDATE OF``): the RSVPs of one event are decided
one at a time, so the confirmed count read under the lock is the count the decision is made
on, and the next waitlist position (the highest plus one) cannot be taken twice. There is no
stored counter to keep in step: places left = capacity - COUNT(confirmed), read under the lock.
Different events never wait for each other. The Wagtail base row (``wagtailcore_page``) is not
locked: editors' drafts, locks and moves write it, and must not queue behind RSVPs.

On SQLite (the embedded mode) ``select_for_update`` is a no-op and the database's single writer
serialises the transactions instead.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from club.members.models import Member, MemberStatus
from club.members.privileges import club_membership_holders
from rewards.tiers.models import Tier
from rewards.tiers.selectors import current_tiers

from ..models import EventPage, Rsvp, RsvpStatus
from .results import (
    Refused,
    RsvpErrorCode,
    RsvpReceipt,
    RsvpResult,
    WaitlistPromoteResult,
    club_members_only_message,
)

Code = RsvpErrorCode
_EVENT_FIELDS = (
    "title", "live", "starts_at", "time_zone", "capacity", "min_tier_id", "club_members_only",
    "rsvp_closes_hours_before", "cancel_deadline_hours_before",
)


def rsvp_create(*, event_id: int, member_id: int, at: dt.datetime | None = None) -> RsvpResult:
    """The member's RSVP to a published event: confirmed while places are left, waitlisted
    otherwise. An RSVP that stands is answered again (``replayed``); a cancelled one is re-opened
    (at the back of the waitlist when the event is full). Waitlisted members are confirmed into
    free places before the newcomer is counted, so nobody overtakes the queue."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            event = _locked_event(event_id, live_only=True)
            rsvp = Rsvp.objects.filter(event_id=event.pk, member_id=member_id).first()
            if rsvp is not None and rsvp.status != RsvpStatus.CANCELLED:
                receipt = receipt_of(rsvp)
                return RsvpResult(rsvp=receipt, replayed=True, message=_replay_message(receipt))
            if at >= event.starts_at:
                raise Refused(Code.CLOSED, _("This event has already started."))
            if at >= event.rsvp_closes_at:
                raise Refused(Code.CLOSED, _("RSVPs for this event are closed."))
            _refuse_unless_eligible(event, member_id)
            promoted, confirmed = _fill_free_places(event, at)
            if confirmed < event.capacity:
                fields = dict(status=RsvpStatus.CONFIRMED, waitlist_position=None, confirmed_at=at,
                              cancelled_at=None)
            else:
                fields = dict(status=RsvpStatus.WAITLISTED, waitlist_position=_next_position(event.pk),
                              confirmed_at=None, cancelled_at=None)
            if rsvp is None:
                rsvp = Rsvp.objects.create(event_id=event.pk, member_id=member_id, created_at=at, **fields)
            else:  # re-opened after a cancel
                for name, value in fields.items():
                    setattr(rsvp, name, value)
                rsvp.save(update_fields=[*fields, "updated_at"])
            receipt = receipt_of(rsvp)
    except Refused as refusal:
        return RsvpResult(error=refusal.code, message=refusal.message)
    return RsvpResult(rsvp=receipt, message=_created_message(receipt, event), promoted=tuple(promoted))


def rsvp_cancel(*, event_id: int, member_id: int, at: dt.datetime | None = None) -> RsvpResult:
    """Give the place (or the waitlist position) back. A confirmed place can be given back until
    the event's cancellation deadline, and the first waitlisted member is confirmed into it in
    the same transaction; leaving the waitlist is possible until the event starts. Cancelling a
    cancelled RSVP answers success again (``replayed``) and changes nothing."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            event = _locked_event(event_id, live_only=False)
            rsvp = Rsvp.objects.filter(event_id=event.pk, member_id=member_id).first()
            if rsvp is None:
                raise Refused(Code.NO_RSVP, _("You have not RSVPed to this event."))
            if rsvp.status == RsvpStatus.CANCELLED:
                return RsvpResult(rsvp=receipt_of(rsvp), replayed=True,
                                  message=_("Your RSVP was already cancelled."))
            if rsvp.checked_in_at is not None:
                raise Refused(Code.CANCEL_CLOSED, _("You have already checked in at this event."))
            if at >= event.starts_at:
                raise Refused(Code.CANCEL_CLOSED, _("This event has already started."))
            was_confirmed = rsvp.status == RsvpStatus.CONFIRMED
            if was_confirmed and at > event.cancel_deadline:
                raise Refused(Code.CANCEL_CLOSED, _(
                    "It is too late to give your place back: the deadline was %(deadline)s."
                ) % {"deadline": _when(event.cancel_deadline, event)})
            rsvp.status, rsvp.waitlist_position, rsvp.cancelled_at = RsvpStatus.CANCELLED, None, at
            rsvp.save(update_fields=["status", "waitlist_position", "cancelled_at", "updated_at"])
            promoted = _fill_free_places(event, at)[0] if was_confirmed else []
            receipt = receipt_of(rsvp)
    except Refused as refusal:
        return RsvpResult(error=refusal.code, message=refusal.message)
    return RsvpResult(rsvp=receipt, message=_("Your RSVP is cancelled."), promoted=tuple(promoted))


def event_waitlist_promote(*, event_id: int, at: dt.datetime | None = None) -> WaitlistPromoteResult:
    """Confirm the first waitlisted RSVPs into the event's free places (after staff raised the
    capacity). Called by the ``after_publish_page`` hook (``club/events/wagtail_hooks.py``);
    ``rsvp_create`` does the same before it counts, so a capacity published another way
    (scheduled publishing, a script) is filled at the latest by the next RSVP. Nothing is
    promoted once the event has started."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            event = _locked_event(event_id, live_only=False)
            promoted, _confirmed = _fill_free_places(event, at)
    except Refused as refusal:
        return WaitlistPromoteResult(event_id=event_id, error=refusal.code, message=refusal.message)
    return WaitlistPromoteResult(event_id=event_id, promoted=tuple(promoted))


def receipt_of(rsvp: Rsvp) -> RsvpReceipt:
    """The member's view of ``rsvp``; its place in the queue counts the waitlisted before it."""
    place = None
    if rsvp.status == RsvpStatus.WAITLISTED:
        place = Rsvp.objects.filter(
            event_id=rsvp.event_id, status=RsvpStatus.WAITLISTED,
            waitlist_position__lte=rsvp.waitlist_position,
        ).count()
    return RsvpReceipt(
        rsvp_id=rsvp.pk, event_id=rsvp.event_id, member_id=rsvp.member_id, status=rsvp.status,
        waitlist_place=place, created_at=rsvp.created_at, confirmed_at=rsvp.confirmed_at,
        cancelled_at=rsvp.cancelled_at,
    )


def _locked_event(event_id: int, *, live_only: bool, fields: tuple[str, ...] = _EVENT_FIELDS) -> EventPage:
    """The event (``fields`` of it), its own row locked until the transaction ends (see the
    module's docstring)."""
    found = EventPage.objects.select_for_update(of=("self",), no_key=True).filter(pk=event_id)
    if live_only:
        found = found.filter(live=True)
    event = found.only(*fields).first()
    if event is None:
        raise Refused(Code.NOT_FOUND, _("There is no such event."))
    return event


def _refuse_unless_eligible(event: EventPage, member_id: int) -> None:
    status = Member.objects.filter(pk=member_id).values_list("status", flat=True).first()
    if status is None:
        raise Refused(Code.NOT_FOUND, _("There is no such member."))
    if status != MemberStatus.ACTIVE:
        raise Refused(Code.NOT_ELIGIBLE, _("Only active lines can RSVP to club events."))
    if event.club_members_only and member_id not in club_membership_holders([member_id]):
        raise Refused(Code.NOT_ELIGIBLE, club_members_only_message())
    if event.min_tier_id is None:
        return
    required = Tier.objects.only("name", "rank").get(pk=event.min_tier_id)
    current = current_tiers(member_ids=[member_id])[member_id]
    if current.tier_id is None or current.rank < required.rank:
        raise Refused(Code.NOT_ELIGIBLE, _(
            "This event is for %(tier)s members and above."
        ) % {"tier": required.name})


def _confirmed_count(event_id: int) -> int:
    return Rsvp.objects.filter(event_id=event_id, status=RsvpStatus.CONFIRMED).count()


def _next_position(event_id: int) -> int:
    """The back of the queue: read under the event's lock, so no two RSVPs take the same one
    (the unique constraint ``rsvp_waitlist_order`` would refuse it anyway)."""
    highest = Rsvp.objects.filter(event_id=event_id).aggregate(top=Max("waitlist_position"))["top"]
    return (highest or 0) + 1


def _fill_free_places(event: EventPage, at: dt.datetime) -> tuple[list[int], int]:
    """Confirm the first waitlisted RSVPs, in queue order, into the free places (the event's row
    is locked by the caller). Returns the ids confirmed and the confirmed count after."""
    confirmed = _confirmed_count(event.pk)
    free = event.capacity - confirmed
    if free <= 0 or at >= event.starts_at:
        return [], confirmed
    ids = list(
        Rsvp.objects.filter(event_id=event.pk, status=RsvpStatus.WAITLISTED)
        .order_by("waitlist_position").values_list("pk", flat=True)[:free]
    )
    if ids:
        Rsvp.objects.filter(pk__in=ids).update(
            status=RsvpStatus.CONFIRMED, waitlist_position=None, confirmed_at=at, updated_at=timezone.now()
        )
    return ids, confirmed + len(ids)


def _when(moment: dt.datetime, event: EventPage) -> str:
    return formats.date_format(timezone.localtime(moment, event.zone), "DATETIME_FORMAT")


def _created_message(receipt: RsvpReceipt, event: EventPage) -> str:
    if receipt.is_confirmed:
        return _("You're in: your place at %(event)s is confirmed.") % {"event": event.title}
    return _(
        "%(event)s is full: you're number %(place)d on the waitlist. We'll confirm your place "
        "if one frees up."
    ) % {"event": event.title, "place": receipt.waitlist_place}


def _replay_message(receipt: RsvpReceipt) -> str:
    if receipt.is_confirmed:
        return _("You already have a place at this event.")
    return _("You're already on the waitlist (number %(place)d).") % {"place": receipt.waitlist_place}
