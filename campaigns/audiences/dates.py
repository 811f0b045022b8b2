"""Calendar arithmetic of the audience conditions, as pure functions (no database).

Every condition is evaluated for one calendar day ``on`` in the operator's time zone
(``settings.TIME_ZONE``), whatever time zone the admin user or the worker has activated.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

FEBRUARY = 2


def audience_today() -> dt.date:
    """Today in the operator's time zone: the default ``on`` of every audience evaluation."""
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the operator's time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def years_before(on: dt.date, years: int) -> dt.date:
    """The same month and day ``years`` earlier; 29 February becomes 28 February in a year
    without one. ``whole_years(born, on) >= years`` exactly when ``born <= years_before(on, years)``."""
    year = on.year - years
    if (on.month, on.day) == (FEBRUARY, 29) and not calendar.isleap(year):
        return dt.date(year, FEBRUARY, 28)
    return on.replace(year=year)


def whole_years(since: dt.date, on: dt.date) -> int:
    """Completed years from ``since`` to ``on`` (an age, a tenure); 0 for a date in the future.
    Same rule as ``Member.tenure_years``: a 29 February date completes its year on 1 March."""
    years = on.year - since.year - ((on.month, on.day) < (since.month, since.day))
    return max(years, 0)


def last_days(on: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The ``days`` calendar days that end with ``on`` (``on`` included): first and last day."""
    return on - dt.timedelta(days=days - 1), on


def month_day(day: dt.date) -> int:
    """``day`` as a month-and-day number, e.g. 14 February -> 214."""
    return day.month * 100 + day.day


def month_day_spans(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """Inclusive ``(from, to)`` month-and-day spans covering the days ``first``..``last``
    (less than a year apart), for "birthday within the next N days" style conditions.

    A window that crosses New Year gives two spans. A 29 February date (a birthday, an
    activation) counts on 28 February in a year without 29 February, like the anniversary
    bonus of the earning rules, so such a window also gets the span ``(229, 229)``.
    """
    if last < first:
        raise ValueError("the window ends before it starts")
    if (last - first).days >= 365:
        raise ValueError("a month-and-day window must be shorter than a year")
    if first.year == last.year:
        spans = [(month_day(first), month_day(last))]
    else:
        spans = [(month_day(first), 1231), (101, month_day(last))]
    for year in {first.year, last.year}:
        february_28 = dt.date(year, FEBRUARY, 28)
        if not calendar.isleap(year) and first <= february_28 <= last:
            spans.append((229, 229))
    return spans
