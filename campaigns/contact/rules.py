"""The pure rules of contact (no database): holdout buckets, quiet hours and local times.

PostgreSQL evaluates the same rules in SQL (``services/decide.py``); SQLite, which has no
time zones, calls these functions from SQL. ``tests/reliability/test_r10_...`` checks that both
agree at time-zone, DST and midnight edges.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings

HOLDOUT_BUCKETS = 10_000  # a holdout share has two decimals: 12.34% = 1,234 buckets


def holdout_bucket(seed: str, member_id: int) -> int:
    """A stable bucket 0..9999 of (campaign's seed, member): the first 32 bits of
    MD5("<seed>:<member id>") modulo 10,000."""
    digest = hashlib.md5(f"{seed}:{member_id}".encode(), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) % HOLDOUT_BUCKETS


def holdout_threshold(percent: Decimal) -> int:
    return int((Decimal(percent) * 100).to_integral_value())


def is_held_out(seed: str, member_id: int, percent: Decimal) -> bool:
    return holdout_bucket(seed, member_id) < holdout_threshold(percent)


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def member_zone(name: str) -> ZoneInfo:
    """The member's time zone; an unknown name falls back to the operator's."""
    if name in known_time_zones():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(settings.TIME_ZONE)


def quiet_window(
    member_start: dt.time | None, member_end: dt.time | None,
    default_start: dt.time | None, default_end: dt.time | None,
) -> tuple[dt.time, dt.time] | None:
    """The member's own quiet hours when both ends are set, else the policy's; equal ends
    mean none."""
    if member_start is not None and member_end is not None:
        start, end = member_start, member_end
    elif default_start is not None and default_end is not None:
        start, end = default_start, default_end
    else:
        return None
    return None if start == end else (start, end)


def is_quiet(local_time: dt.time, start: dt.time, end: dt.time) -> bool:
    """``[start, end)`` in local wall-clock time; wraps midnight when start > end."""
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def local_to_utc(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A local wall-clock time as an instant, with PostgreSQL's rule for the two DST edges:
    a time that happens twice (clocks back) is the later one; a time that never happens
    (clocks forward) is read with the offset in force before the jump."""
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(dt.UTC)
    happens = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == wall
    return (second if happens else first).astimezone(dt.UTC)


def quiet_until(
    at: dt.datetime, zone: ZoneInfo, window: tuple[dt.time, dt.time] | None
) -> dt.datetime | None:
    """When a message reserved at ``at`` may go out: ``None`` (now) outside quiet hours, else
    the end of the quiet period, in the member's local time."""
    if window is None:
        return None
    start, end = window
    local = at.astimezone(zone)
    wall_time = local.time().replace(tzinfo=None)
    if not is_quiet(wall_time, start, end):
        return None
    day = local.date() if wall_time < end else local.date() + dt.timedelta(days=1)
    return local_to_utc(dt.datetime.combine(day, end), zone)
