"""What the RSVP services answer: typed results with stable error codes and a message for the
member (translated in the language active when the service ran)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _


class RsvpErrorCode(StrEnum):
    NOT_FOUND = "not_found"  # no such (published) event, or no such member
    CLOSED = "closed"  # the RSVP window is over, or the event has started
    NOT_ELIGIBLE = "not_eligible"  # the line is not active, or its tier is below the event's
    NO_RSVP = "no_rsvp"  # cancelling, but the member never answered this event
    CANCEL_CLOSED = "cancel_closed"  # cancelling a confirmed place after the deadline


@dataclass(frozen=True)
class RsvpReceipt:
    """One RSVP as its member sees it."""

    rsvp_id: int
    event_id: int
    member_id: int
    status: str  # RsvpStatus: confirmed, waitlisted, cancelled
    waitlist_place: int | None  # 1 = next to be promoted; None unless waitlisted
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    cancelled_at: dt.datetime | None

    @property
    def is_confirmed(self) -> bool:
        return self.status == "confirmed"

    @property
    def is_waitlisted(self) -> bool:
        return self.status == "waitlisted"

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


@dataclass(frozen=True)
class RsvpResult:
    """The answer of ``rsvp_create`` and ``rsvp_cancel``.

    ``replayed``: nothing changed, the member had already answered so (an RSVP that stands, or a
    cancel of a cancelled RSVP). ``promoted``: the RSVPs this call moved from the waitlist to
    confirmed (a cancel that freed a place, or places found free before a new RSVP).
    """

    rsvp: RsvpReceipt | None = None
    error: RsvpErrorCode | None = None
    message: str = ""
    replayed: bool = False
    promoted: tuple[int, ...] = ()

    @property
    def is_success(self) -> bool:
        return self.error is None

    @property
    def status(self) -> str:
        return self.rsvp.status if self.rsvp else ""


@dataclass(frozen=True)
class WaitlistPromoteResult:
    """The answer of ``event_waitlist_promote``: the RSVPs confirmed, first in line first."""

    event_id: int
    promoted: tuple[int, ...] = ()
    error: RsvpErrorCode | None = None
    message: str = ""

    @property
    def is_success(self) -> bool:
        return self.error is None


class Refused(Exception):
    """Raised inside a transaction to roll it back and answer with a typed error."""

    def __init__(self, code: RsvpErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def club_members_only_message() -> str:
    """Why a member without a club membership may not RSVP (in the active language)."""
    return _("This event is for club members.")
