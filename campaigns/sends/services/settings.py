"""The fan-out's tunables, read at call time from Django settings (tests and benchmarks override
them with ``settings``); the defaults are what ``python -m bench fanout`` chose."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from ..schedule import Clock

CHUNK_SIZE = 2000  # members per chunk: one transaction of the reservation
LANES = 2  # wave_work tasks working on one wave at a time
LANE_SECONDS = 10.0  # a lane task takes chunks for this long, then queues its successor
STALLED_AFTER = dt.timedelta(minutes=5)  # no chunk done for this long: the tick re-queues the wave
DELIVERIES_PER_TASK = 1000  # delivery ids per deliveries_send task


def chunk_size() -> int:
    return int(getattr(settings, "SENDS_CHUNK_SIZE", CHUNK_SIZE))


def lanes() -> int:
    return int(getattr(settings, "SENDS_LANES", LANES))


def lane_seconds() -> float:
    return float(getattr(settings, "SENDS_LANE_SECONDS", LANE_SECONDS))


def stalled_after() -> dt.timedelta:
    return getattr(settings, "SENDS_STALLED_AFTER", STALLED_AFTER)


def deliveries_per_task() -> int:
    return int(getattr(settings, "SENDS_DELIVERIES_PER_TASK", DELIVERIES_PER_TASK))


def operator_clock() -> Clock:
    """The operator's time zone, how late a recurring occurrence may still go out, and the local
    time at which triggered campaigns are sent each day."""
    return Clock(
        tz=ZoneInfo(settings.TIME_ZONE),
        catch_up=getattr(settings, "SENDS_RECURRING_CATCH_UP", dt.timedelta(hours=6)),
        triggered_at=getattr(settings, "SENDS_TRIGGERED_AT", dt.time(9, 0)),
    )
