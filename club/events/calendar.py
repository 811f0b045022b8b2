"""Club events as calendar entries: what the ``.ics`` file of one event and the feeds hold."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext

from .ical import CalendarEvent, calendar
from .models import EventPage


def _uid(event: EventPage) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "troika"
    return f"event-{event.pk}@{host}"


def calendar_event(event: EventPage, *, with_online_link: bool = False) -> CalendarEvent:
    """``event`` as a VEVENT. The online link is given only to a member whose place is confirmed
    (their own feed), as on the event's page; otherwise the page's URL."""
    page_url = event.full_url or ""
    if event.venue_name:
        location = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    elif with_online_link:
        location = event.online_url
    else:
        location = gettext("Online")
    description = "\n\n".join(part for part in (event.intro, page_url) if part)
    return CalendarEvent(
        uid=_uid(event), summary=event.title, starts_at=event.starts_at, ends_at=event.ends_at,
        description=description, location=location,
        url=event.online_url if with_online_link and event.online_url else page_url,
    )


def events_calendar(events: list[EventPage], *, name: str, now: dt.datetime,
                    with_online_link: bool = False) -> str:
    entries = (calendar_event(e, with_online_link=with_online_link) for e in events)
    return calendar(entries, name=name, now=now)
