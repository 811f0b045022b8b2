from .pages import EventIndexPage, EventPage
from .rsvp import Rsvp, RsvpStatus

__all__ = ["EventIndexPage", "EventPage", "Rsvp", "RsvpStatus"]
