"""The windows a profile covers, as of one day in the operator's time zone (pure; no database).

Month windows are calendar months of ``MonthlyActivity`` and end with the month of ``on``
(so the current month counts, as far as it has gone): the last 3 months are ``on``'s month and
the two before, the 3 before those are the trend's comparison, the last 12 months end with
``on``'s month (the rolling window of the tiers). Day windows are the 90 days ending with
``on``, whole local days. Every window ends at the end of ``on`` (local midnight after it):
events after it do not count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS_90 = 90


def month_shift(month: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (negative: before) ``month``'s month."""
    index = month.year * 12 + (month.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def local_midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The start of ``day`` in ``zone``, as an aware datetime in UTC."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)


@dataclass(frozen=True)
class ProfileWindows:
    on: dt.date
    month_3m: dt.date  # the first month of the last 3 (a first day of month)
    month_prev_3m: dt.date  # the first month of the 3 before those
    month_12m: dt.date  # the first month of the last 12
    starts_3m: dt.datetime  # local midnight of ``month_3m``, in UTC
    starts_12m: dt.datetime
    starts_90d: dt.datetime  # local midnight 89 days before ``on``
    ends: dt.datetime  # local midnight after ``on``: every window ends here (exclusive)

    @classmethod
    def as_of(cls, on: dt.date, zone: str | dt.tzinfo) -> ProfileWindows:
        zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        current = on.replace(day=1)
        month_3m, month_12m = month_shift(current, -2), month_shift(current, -11)
        return cls(
            on=on,
            month_3m=month_3m,
            month_prev_3m=month_shift(current, -5),
            month_12m=month_12m,
            starts_3m=local_midnight(month_3m, zone),
            starts_12m=local_midnight(month_12m, zone),
            starts_90d=local_midnight(on - dt.timedelta(days=DAYS_90 - 1), zone),
            ends=local_midnight(on + dt.timedelta(days=1), zone),
        )
