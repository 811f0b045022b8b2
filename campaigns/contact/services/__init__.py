"""Writes of contact: every mutation is a ``<entity>_<verb>(*, ...)`` function here."""

from .impressions import ImpressionOutcome, impressions_record
from .member import contact_reserve_member
from .reserve import RunSlice, SliceOutcome, contacts_reserve
from .sending import SendReport, deliveries_fail, deliveries_send, deliveries_send_due

__all__ = [
    "ImpressionOutcome",
    "RunSlice",
    "SendReport",
    "SliceOutcome",
    "contact_reserve_member",
    "contacts_reserve",
    "deliveries_fail",
    "deliveries_send",
    "deliveries_send_due",
    "impressions_record",
]
