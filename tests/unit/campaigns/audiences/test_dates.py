"""Calendar edges of the audience conditions: 29 February, New Year, the operator's day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.audiences.dates import (
    audience_today,
    day_start,
    last_days,
    month_day_spans,
    whole_years,
    years_before,
)
from club.members.models import Member

D = dt.date


@pytest.mark.parametrize(
    ("on", "years", "expected"),
    [
        (D(2026, 11, 24), 18, D(2008, 11, 24)),
        (D(2028, 2, 29), 1, D(2027, 2, 28)),  # no 29 February in 2027
        (D(2028, 2, 29), 4, D(2024, 2, 29)),
        (D(2027, 3, 1), 3, D(2024, 3, 1)),
    ],
)
def test_years_before(on, years, expected):
    assert years_before(on, years) == expected


@pytest.mark.parametrize("on", [D(2027, 2, 28), D(2027, 3, 1), D(2028, 2, 28), D(2028, 2, 29),
                                D(2026, 11, 24)])
@pytest.mark.parametrize("since", [D(2024, 2, 29), D(2020, 3, 1), D(2020, 2, 28), D(2026, 11, 25)])
@pytest.mark.parametrize("years", [1, 3, 4])
def test_years_before_agrees_with_whole_years_and_the_member_model(since, on, years):
    member = Member(activation_date=since)
    assert whole_years(since, on) == member.tenure_years(on)
    # (0 years: every date, also one in the future, which the conditions leave unbounded)
    assert (whole_years(since, on) >= years) == (since <= years_before(on, years))


def test_last_days_include_today():
    assert last_days(D(2026, 3, 1), 1) == (D(2026, 3, 1), D(2026, 3, 1))
    assert last_days(D(2026, 3, 1), 30) == (D(2026, 1, 31), D(2026, 3, 1))


@pytest.mark.parametrize(
    ("first", "last", "spans"),
    [
        pytest.param(D(2026, 11, 24), D(2026, 11, 24), [(1124, 1124)], id="one-day"),
        pytest.param(D(2026, 12, 28), D(2027, 1, 4), [(1228, 1231), (101, 104)], id="new-year"),
        pytest.param(D(2027, 2, 20), D(2027, 2, 28), [(220, 228), (229, 229)], id="feb-28-without-29"),
        pytest.param(D(2028, 2, 20), D(2028, 2, 28), [(220, 228)], id="feb-28-in-a-leap-year"),
        pytest.param(D(2027, 3, 1), D(2027, 3, 7), [(301, 307)], id="after-feb-28"),
    ],
)
def test_month_day_spans(first, last, spans):
    assert month_day_spans(first, last) == spans


def test_a_month_day_window_is_shorter_than_a_year():
    with pytest.raises(ValueError):
        month_day_spans(D(2026, 1, 1), D(2027, 1, 1))


def test_the_day_is_the_operators_whatever_time_zone_is_active(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    start = day_start(D(2026, 11, 24))
    assert start == dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)
    late_evening_utc = dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.UTC)  # 03:00 on the 24th in Hanoi
    with timezone.override("America/New_York"):
        assert day_start(D(2026, 11, 24)) == start
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(timezone, "now", lambda: late_evening_utc)
            assert audience_today() == D(2026, 11, 24)
