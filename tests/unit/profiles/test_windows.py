"""The profile's windows as of a day, in the operator's time zone (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from club.profiles.windows import ProfileWindows, local_midnight, month_shift


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(("month", "shift", "expected"), [
    (dt.date(2026, 10, 1), -2, dt.date(2026, 8, 1)),
    (dt.date(2026, 10, 1), -11, dt.date(2025, 11, 1)),
    (dt.date(2026, 2, 1), -2, dt.date(2025, 12, 1)),
    (dt.date(2026, 1, 1), -12, dt.date(2025, 1, 1)),
    (dt.date(2026, 12, 1), 1, dt.date(2027, 1, 1)),
], ids=["same-year", "twelve-back", "across-new-year", "a-whole-year", "forward"])
def test_month_shift(month, shift, expected):
    assert month_shift(month, shift) == expected


def test_windows_as_of_a_day_in_ho_chi_minh_city():
    windows = ProfileWindows.as_of(dt.date(2026, 10, 15), "Asia/Ho_Chi_Minh")

    assert (windows.month_3m, windows.month_prev_3m, windows.month_12m) == (
        dt.date(2026, 8, 1), dt.date(2026, 5, 1), dt.date(2025, 11, 1))
    assert windows.starts_3m == utc("2026-07-31 17:00")  # local midnight is 17:00 UTC the day before
    assert windows.starts_12m == utc("2025-10-31 17:00")
    assert windows.starts_90d == utc("2026-07-17 17:00")  # 2026-07-18 local: 90 days with the 15th
    assert windows.ends == utc("2026-10-15 17:00")


def test_the_90_days_are_90_local_days():
    windows = ProfileWindows.as_of(dt.date(2026, 3, 1), "Asia/Ho_Chi_Minh")

    assert windows.ends - windows.starts_90d == dt.timedelta(days=90)
    assert windows.starts_90d == utc("2025-12-01 17:00")  # 2025-12-02 local, across the new year


def test_a_window_across_a_clock_change_keeps_local_midnights():
    """In Berlin the clocks go forward on 2026-03-29: the 90 days are then 90 local days and
    one hour short of 90 * 24 hours, and each boundary is a local midnight."""
    windows = ProfileWindows.as_of(dt.date(2026, 4, 10), "Europe/Berlin")

    assert windows.starts_90d == utc("2026-01-10 23:00")  # 2026-01-11 00:00 CET
    assert windows.ends == utc("2026-04-10 22:00")  # 2026-04-11 00:00 CEST
    assert windows.ends - windows.starts_90d == dt.timedelta(days=90, hours=-1)
    assert windows.starts_3m == utc("2026-01-31 23:00")  # 2026-02-01 00:00 CET


def test_the_first_day_of_a_month_opens_a_new_3_month_window():
    first = ProfileWindows.as_of(dt.date(2026, 11, 1), "Asia/Ho_Chi_Minh")
    last = ProfileWindows.as_of(dt.date(2026, 10, 31), "Asia/Ho_Chi_Minh")

    assert (last.month_3m, first.month_3m) == (dt.date(2026, 8, 1), dt.date(2026, 9, 1))
    assert (last.month_12m, first.month_12m) == (dt.date(2025, 11, 1), dt.date(2025, 12, 1))


def test_local_midnight_is_aware_and_in_utc():
    moment = local_midnight(dt.date(2026, 1, 1), dt.timezone(dt.timedelta(hours=7)))

    assert moment == utc("2025-12-31 17:00") and moment.tzinfo is dt.UTC
