"""What club.events holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Erasure, Holding, exempt

from .models import CalendarFeed, EventIndexPage, EventPage, Rsvp

PERSONAL_DATA = (
    Holding(Rsvp, "event_rsvps",
            reason="attendance figures; the ticket token is a random secret, not the person"),
    Holding(CalendarFeed, "calendar_feed", erasure=Erasure.DELETE, exclude=("token",)),
)

NOT_PERSONAL = exempt(
    EventIndexPage, EventPage, EventPage.interests.through,
    reason="pages edited in the Wagtail admin; their user links are staff (owner, locks)",
)
