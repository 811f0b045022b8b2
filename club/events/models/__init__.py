from .pages import EventIndexPage, EventPage
from .rsvp import CalendarFeed, Rsvp, RsvpStatus, ticket_token_new

__all__ = ["CalendarFeed", "EventIndexPage", "EventPage", "Rsvp", "RsvpStatus", "ticket_token_new"]
