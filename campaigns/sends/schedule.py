"""When a campaign falls due, and under which occurrence key: pure functions, no database.

The key names one occurrence for good, so a tick that comes late or twice finds the run it
already made (``Run`` is unique per campaign and occurrence):

- one-shot: ``"once"``;
- recurring: the scheduled local time, ``"2026-11-24T10:00"`` (operator's time zone);
- triggered: the local day, ``"2026-11-24"`` (the trigger is evaluated once a day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from celery.schedules import crontab

ONCE = "once"
MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ScheduleFacts:
    """What the schedule of one live campaign says (fields of ``Campaign``)."""

    kind: str  # one_shot | recurring | triggered
    send_at: dt.datetime | None = None
    schedule: crontab | None = None  # recurring: ``campaigns.validation.cron_schedule(cron)``
    live_since: dt.datetime | None = None  # go-live or first publication, whichever is later


@dataclass(frozen=True)
class Clock:
    """The operator's clock: its time zone, how late a recurring occurrence may still be sent,
    and the local time of day at which triggered campaigns are sent."""

    tz: ZoneInfo
    catch_up: dt.timedelta = dt.timedelta(hours=6)
    triggered_at: dt.time = dt.time(9, 0)


def cron_matches(schedule: crontab, local: dt.datetime) -> bool:
    """Whether the local wall-clock minute ``local`` is one of the schedule's (Celery's crontab
    semantics: every field must match, the day of week counts from Sunday = 0)."""
    return (
        local.minute in schedule.minute
        and local.hour in schedule.hour
        and local.day in schedule.day_of_month
        and local.month in schedule.month_of_year
        and local.isoweekday() % 7 in schedule.day_of_week
    )


def occurrence_key(local: dt.datetime) -> str:
    return local.strftime("%Y-%m-%dT%H:%M")


def _floor_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def latest_cron_time(schedule: crontab, *, now: dt.datetime, earliest: dt.datetime,
                     tz: ZoneInfo) -> dt.datetime | None:
    """The latest minute in ``[earliest, now]`` the schedule names (local time ``tz``), if any.
    Walks back minute by minute in absolute time, so a DST gap or repeat is handled like the
    wall clock: a repeated local time gives the same key twice, hence one run."""
    moment = _floor_minute(now)
    while moment >= earliest:
        if cron_matches(schedule, moment.astimezone(tz)):
            return moment
        moment -= MINUTE
    return None


def next_cron_time(schedule: crontab, *, after: dt.datetime, tz: ZoneInfo,
                   within: dt.timedelta = dt.timedelta(days=366)) -> dt.datetime | None:
    """The first minute at or after ``after`` the schedule names (local time ``tz``)."""
    moment = _floor_minute(after)
    if moment < after:
        moment += MINUTE
    stop = after + within
    while moment <= stop:
        local = moment.astimezone(tz)
        if local.hour not in schedule.hour:  # skip the rest of a non-matching hour at once
            moment += dt.timedelta(minutes=60 - local.minute)
            continue
        if cron_matches(schedule, local):
            return moment
        moment += MINUTE
    return None


def due_occurrence(facts: ScheduleFacts, *, now: dt.datetime, clock: Clock) -> str | None:
    """The occurrence of a live campaign due at ``now``, or None when nothing is due.

    Recurring: the latest scheduled time up to ``now`` that is neither before the campaign went
    live nor older than ``clock.catch_up`` (after an outage only the latest missed occurrence
    is sent, never a backlog). Triggered: today's, from ``clock.triggered_at`` local time on.
    """
    if facts.kind == "one_shot":
        return ONCE if facts.send_at is None or facts.send_at <= now else None
    if facts.kind == "recurring":
        if facts.schedule is None:
            return None
        earliest = now - clock.catch_up
        if facts.live_since is not None:
            earliest = max(earliest, _floor_minute(facts.live_since))
        moment = latest_cron_time(facts.schedule, now=now, earliest=earliest, tz=clock.tz)
        return None if moment is None else occurrence_key(moment.astimezone(clock.tz))
    if facts.kind == "triggered":
        local = now.astimezone(clock.tz)
        return local.date().isoformat() if local.time() >= clock.triggered_at else None
    return None


def next_send_time(facts: ScheduleFacts, *, now: dt.datetime, clock: Clock) -> tuple[dt.datetime, str] | None:
    """When a campaign would next send, from ``now`` on, and the occurrence it would send
    (None for a recurring schedule that names no time within a year)."""
    if facts.kind == "one_shot":
        return max(facts.send_at or now, now), ONCE
    if facts.kind == "recurring":
        if facts.schedule is None:
            return None
        moment = next_cron_time(facts.schedule, after=max(now, facts.live_since or now), tz=clock.tz)
        return None if moment is None else (moment, occurrence_key(moment.astimezone(clock.tz)))
    if facts.kind == "triggered":
        local = now.astimezone(clock.tz)
        today_at = dt.datetime.combine(local.date(), clock.triggered_at, tzinfo=clock.tz)
        return max(now, today_at), local.date().isoformat()
    return None
