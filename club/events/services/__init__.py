"""Writes of club events: every RSVP change is a ``<entity>_<verb>(*, ...)`` function here."""

from .results import RsvpErrorCode, RsvpReceipt, RsvpResult, WaitlistPromoteResult
from .rsvp import event_waitlist_promote, receipt_of, rsvp_cancel, rsvp_create

__all__ = [
    "RsvpErrorCode",
    "RsvpReceipt",
    "RsvpResult",
    "WaitlistPromoteResult",
    "event_waitlist_promote",
    "receipt_of",
    "rsvp_cancel",
    "rsvp_create",
]
