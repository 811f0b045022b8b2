"""Writes of club events: every RSVP change is a ``<entity>_<verb>(*, ...)`` function here."""

from .calendar_feed import calendar_feed_get_or_create, calendar_feed_revoke
from .check_in import (
    CheckInCode,
    CheckInResult,
    attendance_key,
    event_attendance_points_grant,
    rsvp_check_in,
    ticket_token_clean,
)
from .results import RsvpErrorCode, RsvpReceipt, RsvpResult, WaitlistPromoteResult
from .rsvp import event_waitlist_promote, receipt_of, rsvp_cancel, rsvp_create

__all__ = [
    "CheckInCode",
    "CheckInResult",
    "RsvpErrorCode",
    "RsvpReceipt",
    "RsvpResult",
    "WaitlistPromoteResult",
    "attendance_key",
    "calendar_feed_get_or_create",
    "calendar_feed_revoke",
    "event_attendance_points_grant",
    "event_waitlist_promote",
    "receipt_of",
    "rsvp_cancel",
    "rsvp_check_in",
    "rsvp_create",
    "ticket_token_clean",
]
