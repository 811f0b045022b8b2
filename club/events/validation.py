"""Pure checks of an event's fields (no database): the time zone, the schedule, the place.

``EventPage.clean`` calls them; each returns the errors by field name so a form can show them
next to the right field.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def default_time_zone() -> str:
    """The operator's zone (``settings.TIME_ZONE``): the default zone of a new event."""
    return settings.TIME_ZONE


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone this machine knows (``Asia/Ho_Chi_Minh``, ``UTC``)."""
    if not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def validate_time_zone(value: str) -> None:
    """A model field validator: an IANA time zone name."""
    if not is_time_zone(value):
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Ho_Chi_Minh or Europe/London."),
            code="invalid_time_zone", params={"value": value},
        )


def schedule_errors(*, starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> dict[str, str]:
    """The event ends after it starts; both times are aware (a naive time has no zone)."""
    errors: dict[str, str] = {}
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            errors[name] = _("Give a time with its time zone.")
    if not errors and starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    return errors


def place_errors(*, venue_name: str, venue_address: str, online_url: str) -> dict[str, str]:
    """An event happens somewhere: a venue (its name and address) or an online link, or both."""
    venue_name, venue_address, online_url = (
        (venue_name or "").strip(), (venue_address or "").strip(), (online_url or "").strip()
    )
    if venue_name and not venue_address:
        return {"venue_address": _("Give the venue's address.")}
    if venue_address and not venue_name:
        return {"venue_name": _("Give the venue's name.")}
    if not venue_name and not online_url:
        message = _("Give a venue (name and address) or an online link.")
        return {"venue_name": message, "online_url": message}
    return {}


def window_errors(*, rsvp_closes_hours_before: int | None, cancel_deadline_hours_before: int | None,
                  ) -> dict[str, str]:
    """The RSVP and cancellation windows are whole hours before the start, at most 30 days."""
    errors: dict[str, str] = {}
    for name, value in (("rsvp_closes_hours_before", rsvp_closes_hours_before),
                        ("cancel_deadline_hours_before", cancel_deadline_hours_before)):
        if value is not None and not 0 <= value <= MAX_WINDOW_HOURS:
            errors[name] = _("Give between 0 and %(hours)d hours.") % {"hours": MAX_WINDOW_HOURS}
    return errors


MAX_WINDOW_HOURS = 24 * 30


def rsvp_closes_at(*, starts_at: dt.datetime, hours_before: int) -> dt.datetime:
    """When RSVPs stop: ``hours_before`` hours before the start (never after the start)."""
    return starts_at - dt.timedelta(hours=max(hours_before, 0))


def cancel_deadline(*, starts_at: dt.datetime, hours_before: int) -> dt.datetime:
    """The last moment a confirmed place can be given back."""
    return starts_at - dt.timedelta(hours=max(hours_before, 0))
