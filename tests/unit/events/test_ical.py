"""iCalendar text (RFC 5545): TEXT escaping, 75-octet folding that never splits a UTF-8
character, UTC times, CRLF line ends."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from club.events.ical import CalendarEvent, calendar, escape_text, fold, utc_stamp


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("a;b,c", "a\\;b\\,c"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines\r\nand\rmore", "two\\nlines\\nand\\nmore"),
        ("already \\n", "already \\\\n"),
    ],
    ids=["plain", "semicolon-comma", "backslash", "line-breaks", "literal-backslash-n"],
)
def test_text_values_are_escaped(value, expected):
    assert escape_text(value) == expected


def test_a_short_line_is_not_folded():
    line = "SUMMARY:" + "x" * 67  # 75 octets

    assert fold(line) == line


def test_a_long_line_is_folded_at_75_octets_and_unfolds_to_itself():
    line = "DESCRIPTION:" + "abcdefghij" * 20

    folded = fold(line)

    parts = folded.split("\r\n")
    assert len(parts[0].encode()) == 75
    assert all(part.startswith(" ") and len(part.encode()) <= 75 for part in parts[1:])
    assert unfold(folded) == line


def test_folding_never_splits_a_utf8_character():
    line = "LOCATION:" + "Sân vận động Mỹ Đình, Hà Nội; 体育场 " * 5

    folded = fold(line)

    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")  # each part is whole characters
    assert unfold(folded) == line


def test_times_are_written_in_utc():
    moment = dt.datetime(2031, 3, 14, 19, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

    assert utc_stamp(moment) == "20310314T123000Z"


def test_a_calendar_with_one_event():
    event = CalendarEvent(
        uid="event-7@troika.example", summary="Football, night",
        starts_at=dt.datetime(2031, 3, 14, 12, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 3, 14, 15, 30, tzinfo=dt.UTC),
        description="Bring a scarf.\nDoors at 19:00.", location="Sao Arena, 1 Tràng Tiền",
        url="https://troika.example/events/football/",
    )

    text = calendar([event], name="Club", now=dt.datetime(2031, 3, 1, 8, 0, tzinfo=dt.UTC))

    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert unfold(text).split("\r\n") == [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Troika//Club events//EN", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "X-WR-CALNAME:Club",
        "BEGIN:VEVENT", "UID:event-7@troika.example", "DTSTAMP:20310301T080000Z",
        "DTSTART:20310314T123000Z", "DTEND:20310314T153000Z", "SUMMARY:Football\\, night",
        "LOCATION:Sao Arena\\, 1 Tràng Tiền", "DESCRIPTION:Bring a scarf.\\nDoors at 19:00.",
        "URL:https://troika.example/events/football/", "STATUS:CONFIRMED", "END:VEVENT",
        "END:VCALENDAR", "",
    ]
