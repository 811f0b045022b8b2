"""iCalendar (RFC 5545) text for club events: one event's ``.ics`` file and the feeds.

Written here rather than with a library: a VEVENT is a handful of properties, and the three
rules that matter are small and tested (``tests/unit/events/test_ical.py``):

- **escaping** of TEXT values (3.3.11): backslash, semicolon and comma get a backslash, a line
  break becomes ``\\n``;
- **folding** (3.1): a content line longer than 75 octets is split, each continuation starting
  with one space; splits fall between UTF-8 characters, never inside one;
- **times** in UTC (``DTSTART:20310314T120000Z``, form 2 of 3.3.5), so no VTIMEZONE block is
  needed and every calendar shows them in its reader's zone. Lines end with CRLF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//Troika//Club events//EN"
LINE_OCTETS = 75


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"


def escape_text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into parts of at most 75 octets (the first) and 1 + 74 (the
    others), joined by CRLF and a space; never splits a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _vevent(event: CalendarEvent, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")  # a URI value: not TEXT, so not escaped
    lines += [f"STATUS:{event.status}", "END:VEVENT"]
    return lines


def calendar(events: Iterable[CalendarEvent], *, name: str = "", now: dt.datetime) -> str:
    """A VCALENDAR holding ``events``, as the text of a ``text/calendar`` response."""
    stamp = utc_stamp(now)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines += _vevent(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
