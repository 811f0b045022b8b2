"""``rsvp_check_in``: a member's ticket scanned at the door, and the attendance points it earns.

The check-in runs under the event's row lock, like every other write to an event's RSVPs
(``rsvp.py``), so it is decided one scan at a time against a cancel or a promotion of the same
event. The RSVP is then marked by a conditional ``UPDATE ... WHERE checked_in_at IS NULL AND
status = 'confirmed'``: of two scans of one ticket exactly one matches the row; the other reads
the time the first wrote and answers "already checked in".

The attendance points are credited in the same transaction (``event_attendance_points_grant``),
through the ledger's ``points_grant`` with the key ``event.attendance:<rsvp id>``. A ledger
credit is a write to this database, not a side effect outside it: one transaction means a member
is never checked in without their points, nor credited for a check-in that rolled back, and
no message can be lost between the two. The key makes any replay (a second scan, a re-run, a
script) credit nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rewards.ledger.models import SourceType
from rewards.ledger.reasons import ReasonCode
from rewards.ledger.services import points_grant

from ..models import EventPage, Rsvp, RsvpStatus
from .results import Refused
from .rsvp import _locked_event

CHECK_IN_FIELDS = ("title", "starts_at", "ends_at", "time_zone", "attendance_points",
                   "check_in_opens_minutes_before", "check_in_closes_minutes_after_end")


class CheckInCode(StrEnum):
    UNKNOWN_TICKET = "unknown_ticket"  # no RSVP has this token
    WRONG_EVENT = "wrong_event"  # the ticket is for another event
    NOT_CONFIRMED = "not_confirmed"  # the RSVP is waitlisted or cancelled
    TOO_EARLY = "too_early"  # before the check-in window opens
    TOO_LATE = "too_late"  # after it closed


@dataclass(frozen=True)
class CheckInResult:
    """What the door sees. ``already``: the ticket had been checked in before (``checked_in_at``
    is that first time); ``points``: what this check-in credited (0 on a replay)."""

    error: CheckInCode | None = None
    message: str = ""
    rsvp_id: int | None = None
    event_id: int | None = None
    member_id: int | None = None
    msisdn: str = ""
    checked_in_at: dt.datetime | None = None
    already: bool = False
    points: int = 0

    @property
    def is_success(self) -> bool:
        return self.error is None


def ticket_token_clean(raw: str) -> str:
    """What a scanner typed: the token, without spaces or a trailing newline."""
    return "".join((raw or "").split())[:64]


def rsvp_check_in(
    *, token: str, staff_user, at: dt.datetime | None = None, event_id: int | None = None
) -> CheckInResult:
    """Check in the member whose ticket holds ``token``, recording ``staff_user`` and ``at``.

    ``event_id``: the event the door belongs to; a ticket for another event is refused.
    Refused too: an unknown token, a waitlisted or cancelled RSVP, a scan before the event's
    check-in window opens (``check_in_opens_minutes_before`` the start) or after it closes
    (``check_in_closes_minutes_after_end`` the end). A ticket checked in before answers success
    with ``already`` and the first time, and changes nothing."""
    at = at or timezone.now()
    token = ticket_token_clean(token)
    found = (Rsvp.objects.filter(ticket_token=token).values_list("pk", "event_id").first()
             if token else None)
    if found is None:
        return CheckInResult(error=CheckInCode.UNKNOWN_TICKET, message=_("This is not a valid ticket."))
    rsvp_id, ticket_event_id = found
    facts: dict = {"rsvp_id": rsvp_id, "event_id": ticket_event_id}
    if event_id is not None and ticket_event_id != event_id:
        return CheckInResult(error=CheckInCode.WRONG_EVENT, rsvp_id=rsvp_id, event_id=ticket_event_id,
                             message=_("This ticket is for another event."))
    try:
        with transaction.atomic():
            event = _locked_event(ticket_event_id, live_only=False, fields=CHECK_IN_FIELDS)
            rsvp = Rsvp.objects.select_related("member").get(pk=rsvp_id)
            facts = dict(rsvp_id=rsvp.pk, event_id=event.pk, member_id=rsvp.member_id,
                         msisdn=rsvp.member.msisdn)
            if rsvp.checked_in_at is not None:
                return _already(rsvp, event, facts)
            _refuse_unless_admissible(rsvp, event, at)
            claimed = Rsvp.objects.filter(
                pk=rsvp.pk, status=RsvpStatus.CONFIRMED, checked_in_at__isnull=True
            ).update(checked_in_at=at, checked_in_by=staff_user, updated_at=timezone.now())
            if not claimed:  # another scan won (only possible where the lock is a no-op)
                rsvp.refresh_from_db(fields=["checked_in_at"])
                return _already(rsvp, event, facts)
            points = event_attendance_points_grant(rsvp_id=rsvp.pk, event=event, member_id=rsvp.member_id,
                                                   at=at)
    except Refused as refusal:
        if not isinstance(refusal.code, CheckInCode):  # the event went away since the token was read
            return CheckInResult(error=CheckInCode.UNKNOWN_TICKET, message=_("This is not a valid ticket."))
        return CheckInResult(error=CheckInCode(refusal.code), message=refusal.message, **facts)
    return CheckInResult(checked_in_at=at, points=points, message=_("Checked in."), **facts)


def event_attendance_points_grant(*, rsvp_id: int, event: EventPage, member_id: int, at: dt.datetime) -> int:
    """Credit the event's attendance points for one checked-in RSVP, once: the ledger's key
    ``event.attendance:<rsvp id>`` makes a repeat write nothing. Returns the points of the
    entry (0 when the event gives none)."""
    if event.attendance_points <= 0:
        return 0
    entry = points_grant(
        member_id=member_id, points=event.attendance_points,
        reason=f"Attended {event.title}: {event.attendance_points} points",
        reason_code=ReasonCode.EVENT_ATTENDANCE,
        reason_values={"event": event.title, "points": event.attendance_points},
        source_type=SourceType.EVENT_ATTENDANCE, source_ref=str(rsvp_id),
        idempotency_key=attendance_key(rsvp_id), earned_at=at,
    )
    return entry.points


def attendance_key(rsvp_id: int) -> str:
    return f"event.attendance:{rsvp_id}"


def _already(rsvp: Rsvp, event: EventPage, facts: dict) -> CheckInResult:
    local = timezone.localtime(rsvp.checked_in_at, event.zone)
    return CheckInResult(
        already=True, checked_in_at=rsvp.checked_in_at, **facts,
        message=_("Already checked in at %(time)s.") % {"time": formats.time_format(local, "H:i")},
    )


def _refuse_unless_admissible(rsvp: Rsvp, event: EventPage, at: dt.datetime) -> None:
    if rsvp.status != RsvpStatus.CONFIRMED:
        message = (_("This ticket was cancelled.") if rsvp.status == RsvpStatus.CANCELLED
                   else _("This member is on the waitlist: there is no confirmed place."))
        raise Refused(CheckInCode.NOT_CONFIRMED, message)
    if at < event.check_in_opens_at:
        opens = formats.date_format(timezone.localtime(event.check_in_opens_at, event.zone),
                                    "DATETIME_FORMAT")
        raise Refused(CheckInCode.TOO_EARLY, _("Check-in opens at %(time)s.") % {"time": opens})
    if at > event.check_in_closes_at:
        raise Refused(CheckInCode.TOO_LATE, _("Check-in for this event has closed."))
