"""The attendance report of one event (a selector): the figures and the rows of its CSV file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q

from .models import EventPage, Rsvp, RsvpStatus


@dataclass(frozen=True)
class AttendanceFigures:
    event_id: int
    confirmed: int  # holding a place now (checked in or not)
    waitlisted: int
    cancelled: int
    checked_in: int
    has_ended: bool

    @property
    def no_shows(self) -> int:
        """Confirmed but not checked in, once the event has ended (none before)."""
        return self.confirmed - self.checked_in if self.has_ended else 0

    @property
    def attendance_rate(self) -> float | None:
        """Checked in / confirmed, 0..1; None without confirmed places."""
        return self.checked_in / self.confirmed if self.confirmed else None


def event_attendance_figures(*, event_id: int, ends_at: dt.datetime, now: dt.datetime) -> AttendanceFigures:
    """The event's counts per status and of check-ins (one query)."""
    counts = Rsvp.objects.filter(event_id=event_id).aggregate(
        confirmed=Count("pk", filter=Q(status=RsvpStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=RsvpStatus.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=RsvpStatus.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    return AttendanceFigures(event_id=event_id, has_ended=now >= ends_at, **counts)


CSV_HEADER = ("msisdn", "account_number", "status", "answered_at", "confirmed_at", "cancelled_at",
              "checked_in_at", "checked_in_by")


def event_attendance_rows(*, event_id: int, chunk: int = 2000) -> Iterator[tuple]:
    """One row per RSVP of the event (``CSV_HEADER``'s columns), by MSISDN; times as stored (UTC)."""
    rows = (Rsvp.objects.filter(event_id=event_id).order_by("member__msisdn", "pk")
            .values_list("member__msisdn", "member__account_number", "status", "created_at", "confirmed_at",
                         "cancelled_at", "checked_in_at", "checked_in_by__email"))
    for row in rows.iterator(chunk_size=chunk):
        yield tuple("" if value is None else value.isoformat() if isinstance(value, dt.datetime) else value
                    for value in row)


def events_for_the_door(*, now: dt.datetime) -> list[EventPage]:
    """Events (drafts too) that ended in the last week or start within a month, soonest first."""
    around = EventPage.objects.filter(ends_at__gt=now - dt.timedelta(days=7),
                                      starts_at__lt=now + dt.timedelta(days=31))
    return list(around.order_by("starts_at", "pk"))
