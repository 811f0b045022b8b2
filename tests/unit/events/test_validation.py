"""An event's fields checked without a database: the zone, the schedule, the place, the windows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from club.events.validation import (
    cancel_deadline,
    default_time_zone,
    is_time_zone,
    place_errors,
    rsvp_closes_at,
    schedule_errors,
    validate_time_zone,
    window_errors,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 12, 20, 19, 0, tzinfo=HANOI)


@pytest.mark.parametrize("name", [
    "Asia/Ho_Chi_Minh", "Europe/London", "America/Argentina/Buenos_Aires", "UTC"])
def test_iana_names_are_time_zones(name):
    assert is_time_zone(name)
    validate_time_zone(name)


@pytest.mark.parametrize("name", [
    "", "Mars/Olympus_Mons", "asia/hanoi", " UTC", "../etc/passwd", "/etc/localtime", "GMT+7:00"])
def test_other_strings_are_not(name):
    assert not is_time_zone(name)
    with pytest.raises(ValidationError) as raised:
        validate_time_zone(name)
    assert raised.value.code == "invalid_time_zone"


def test_the_default_zone_is_the_operators(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    assert default_time_zone() == "Asia/Ho_Chi_Minh"


def test_an_event_ends_after_it_starts():
    assert schedule_errors(starts_at=START, ends_at=START + dt.timedelta(hours=2)) == {}
    assert schedule_errors(starts_at=START, ends_at=START) == {
        "ends_at": "The event must end after it starts."}
    assert schedule_errors(starts_at=START, ends_at=START - dt.timedelta(minutes=1)) == {
        "ends_at": "The event must end after it starts."}
    assert schedule_errors(starts_at=None, ends_at=START) == {}  # the required-field check speaks


def test_times_must_be_aware():
    naive = dt.datetime(2026, 12, 20, 19, 0)
    assert schedule_errors(starts_at=naive, ends_at=START) == {"starts_at": "Give a time with its time zone."}


@pytest.mark.parametrize("venue_name, venue_address, online_url, fields", [
    ("Sao Arena", "1 Tràng Tiền", "", set()),
    ("", "", "https://meet.example/x", set()),
    ("Sao Arena", "1 Tràng Tiền", "https://meet.example/x", set()),
    ("", "", "", {"venue_name", "online_url"}),
    ("Sao Arena", "", "", {"venue_address"}),
    ("", "1 Tràng Tiền", "https://meet.example/x", {"venue_name"}),
    ("   ", "  ", "", {"venue_name", "online_url"}),
])
def test_an_event_has_a_venue_or_an_online_link(venue_name, venue_address, online_url, fields):
    errors = place_errors(venue_name=venue_name, venue_address=venue_address, online_url=online_url)
    assert set(errors) == fields


def test_windows_are_whole_hours_up_to_thirty_days():
    assert window_errors(rsvp_closes_hours_before=0, cancel_deadline_hours_before=720) == {}
    assert set(window_errors(rsvp_closes_hours_before=721, cancel_deadline_hours_before=-1)) == {
        "rsvp_closes_hours_before", "cancel_deadline_hours_before"}


def test_the_windows_count_back_from_the_start():
    assert rsvp_closes_at(starts_at=START, hours_before=2) == START - dt.timedelta(hours=2)
    assert cancel_deadline(starts_at=START, hours_before=24) == dt.datetime(2026, 12, 19, 19, 0, tzinfo=HANOI)
    assert rsvp_closes_at(starts_at=START, hours_before=0) == START
