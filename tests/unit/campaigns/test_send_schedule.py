"""When a campaign falls due and under which occurrence key (campaigns/sends/schedule.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from campaigns.sends.schedule import (
    ONCE,
    Clock,
    ScheduleFacts,
    due_occurrence,
    latest_cron_time,
    next_cron_time,
    next_send_time,
)
from campaigns.validation import cron_schedule

HCM = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7, no DST
BERLIN = ZoneInfo("Europe/Berlin")
CLOCK = Clock(tz=HCM)


def local(*args, tz=HCM) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


def recurring(cron: str, live_since: dt.datetime | None = None) -> ScheduleFacts:
    return ScheduleFacts(kind="recurring", schedule=cron_schedule(cron), live_since=live_since)


@pytest.mark.parametrize(
    ("send_at", "now", "expected"),
    [
        pytest.param(None, local(2026, 11, 24, 8, 0), ONCE, id="no-send-time-due-when-live"),
        pytest.param(local(2026, 11, 24, 10, 0), local(2026, 11, 24, 9, 59), None, id="before-send-at"),
        pytest.param(local(2026, 11, 24, 10, 0), local(2026, 11, 24, 10, 0), ONCE, id="at-send-at"),
        pytest.param(local(2026, 11, 24, 10, 0), local(2026, 11, 27, 10, 0), ONCE, id="late-still-once"),
    ],
)
def test_one_shot_is_due_once_its_send_time_has_come(send_at, now, expected):
    assert due_occurrence(ScheduleFacts(kind="one_shot", send_at=send_at), now=now, clock=CLOCK) == expected


def test_recurring_occurrence_is_the_scheduled_local_minute_whenever_the_tick_comes():
    facts = recurring("0 10 * * mon")  # 2026-11-23 is a Monday
    on_time = due_occurrence(facts, now=local(2026, 11, 23, 10, 0, 0), clock=CLOCK)
    late = due_occurrence(facts, now=local(2026, 11, 23, 10, 7, 30), clock=CLOCK)
    assert on_time == late == "2026-11-23T10:00"


def test_recurring_is_not_due_before_its_time_nor_after_the_catch_up_window():
    facts = recurring("0 10 * * *")
    assert due_occurrence(facts, now=local(2026, 11, 23, 9, 59), clock=CLOCK) is None  # yesterday's: 24 h
    short = Clock(tz=HCM, catch_up=dt.timedelta(hours=1))
    assert due_occurrence(facts, now=local(2026, 11, 23, 11, 0), clock=short) == "2026-11-23T10:00"
    assert due_occurrence(facts, now=local(2026, 11, 23, 11, 1), clock=short) is None


def test_after_an_outage_only_the_latest_missed_occurrence_is_due():
    facts = recurring("*/15 * * * *")
    assert due_occurrence(facts, now=local(2026, 11, 23, 13, 44), clock=CLOCK) == "2026-11-23T13:30"


def test_recurring_occurrence_before_the_campaign_went_live_is_not_sent():
    facts = recurring("0 10 * * *", live_since=local(2026, 11, 23, 10, 30))
    assert due_occurrence(facts, now=local(2026, 11, 23, 10, 31), clock=CLOCK) is None
    assert due_occurrence(facts, now=local(2026, 11, 24, 10, 0), clock=CLOCK) == "2026-11-24T10:00"


def test_cron_fields_follow_celery_crontab_every_field_must_match():
    facts = recurring("30 9 1 * mon")  # the 1st of a month AND a Monday: 2026-06-01
    clock = Clock(tz=HCM, catch_up=dt.timedelta(days=400))
    assert due_occurrence(facts, now=local(2026, 12, 1, 9, 30), clock=clock) == "2026-06-01T09:30"


def test_dst_repeated_local_hour_gives_the_same_key_so_one_run():
    # Berlin falls back on 2026-10-25: 02:30 local happens twice (00:30 and 01:30 UTC).
    schedule = cron_schedule("30 2 * * *")
    first = latest_cron_time(schedule, now=dt.datetime(2026, 10, 25, 0, 40, tzinfo=dt.UTC),
                             earliest=dt.datetime(2026, 10, 25, 0, 0, tzinfo=dt.UTC), tz=BERLIN)
    second = latest_cron_time(schedule, now=dt.datetime(2026, 10, 25, 1, 40, tzinfo=dt.UTC),
                              earliest=dt.datetime(2026, 10, 25, 1, 0, tzinfo=dt.UTC), tz=BERLIN)
    assert first != second
    clock = Clock(tz=BERLIN)
    keys = {due_occurrence(ScheduleFacts(kind="recurring", schedule=schedule), now=moment, clock=clock)
            for moment in (first, second)}
    assert keys == {"2026-10-25T02:30"}


def test_dst_skipped_local_time_is_not_invented():
    # Berlin springs forward on 2026-03-29: 02:30 local does not exist that night.
    schedule = cron_schedule("30 2 * * *")
    found = latest_cron_time(schedule, now=dt.datetime(2026, 3, 29, 3, 0, tzinfo=dt.UTC),
                             earliest=dt.datetime(2026, 3, 28, 22, 0, tzinfo=dt.UTC), tz=BERLIN)
    assert found is None


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(local(2026, 11, 24, 8, 59), None, id="before-the-daily-time"),
        pytest.param(local(2026, 11, 24, 9, 0), "2026-11-24", id="at-the-daily-time"),
        pytest.param(local(2026, 11, 24, 23, 59), "2026-11-24", id="later-that-day"),
        pytest.param(dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC), "2026-11-25", id="utc-time-local-day"),
        pytest.param(dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC), None, id="local-morning-utc-evening"),
    ],
)
def test_triggered_occurrence_is_the_local_day_from_the_daily_time(now, expected):
    assert due_occurrence(ScheduleFacts(kind="triggered"), now=now, clock=CLOCK) == expected


def test_next_cron_time_skips_to_the_next_matching_minute():
    schedule = cron_schedule("15 10 * * *")
    at_time, just_after = local(2026, 11, 24, 10, 15), local(2026, 11, 24, 10, 15, 1)
    assert next_cron_time(schedule, after=at_time, tz=HCM) == at_time
    assert next_cron_time(schedule, after=just_after, tz=HCM) == local(2026, 11, 25, 10, 15)


def test_next_send_time_per_kind():
    now = local(2026, 11, 24, 12, 0)
    assert next_send_time(ScheduleFacts(kind="one_shot"), now=now, clock=CLOCK) == (now, ONCE)
    later = local(2026, 11, 30, 8, 0)
    one_shot_later = ScheduleFacts(kind="one_shot", send_at=later)
    assert next_send_time(one_shot_later, now=now, clock=CLOCK) == (later, ONCE)
    assert next_send_time(recurring("0 10 * * *"), now=now, clock=CLOCK) == (
        local(2026, 11, 25, 10, 0), "2026-11-25T10:00")
    assert next_send_time(ScheduleFacts(kind="triggered"), now=local(2026, 11, 24, 7, 0), clock=CLOCK) == (
        local(2026, 11, 24, 9, 0), "2026-11-24")
