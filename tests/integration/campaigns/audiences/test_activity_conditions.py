"""Who is in an audience: spend, points, redemptions, usage and the lifecycle triggers."""

from __future__ import annotations

import datetime as dt

import pytest

from rewards.billing.models import EventState
from rewards.catalogue.models import RedemptionState
from rewards.ledger.models import LotStatus
from rewards.tiers.models import TierChangeReason
from tests.factories import MemberFactory, TierFactory
from tests.integration.catalogue.factories import RewardFactory

from .helpers import (
    ON,
    audience,
    balance,
    condition,
    local,
    lot,
    members_of,
    redemption,
    spend,
    tier_change,
    usage,
)

pytestmark = pytest.mark.django_db
D = dt.date


def ids(*members) -> set[int]:
    return {member.pk for member in members}


class TestRollingSpend:
    """The rolling window of rewards.activity: this month and the eleven before it."""

    @pytest.fixture
    def spenders(self):
        big, small, lapsed, none = MemberFactory(), MemberFactory(), MemberFactory(), MemberFactory()
        spend(big, D(2026, 11, 1), 3_000_000)
        spend(big, D(2025, 12, 1), 2_000_000)  # first month of the window
        spend(small, D(2026, 6, 1), 400_000)
        spend(lapsed, D(2025, 11, 1), 9_000_000)  # thirteen months ago: outside the window
        return {"big": big, "small": small, "lapsed": lapsed, "none": none}

    @pytest.mark.parametrize(
        ("low", "high", "expected"),
        [
            pytest.param(5_000_000, None, {"big"}, id="at-least-the-exact-sum"),
            pytest.param(5_000_001, None, set(), id="just-above"),
            pytest.param(100_000, 1_000_000, {"small"}, id="between"),
            pytest.param(None, 400_000, {"small", "lapsed", "none"}, id="up-to-including-no-spend"),
            pytest.param(0, 0, {"lapsed", "none"}, id="nothing-spent"),
        ],
    )
    def test_range(self, spenders, low, high, expected):
        target = audience(condition("spend", min_spend=low, max_spend=high))
        assert members_of(target) == {spenders[name].pk for name in expected}


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        pytest.param(1_000, None, {"rich", "pending"}, id="available-plus-pending"),
        pytest.param(None, 0, {"empty", "no-account"}, id="nothing-also-without-an-account"),
        pytest.param(1, 999, {"poor"}, id="between"),
    ],
)
def test_points_balance(low, high, expected):
    members = {name: MemberFactory() for name in ("rich", "pending", "poor", "empty", "no-account")}
    balance(members["rich"], available=1_000)
    balance(members["pending"], available=400, pending=600)
    balance(members["poor"], available=999)
    balance(members["empty"], available=0)

    target = audience(condition("points_balance", min_points=low, max_points=high))
    assert members_of(target) == {members[name].pk for name in expected}


def test_redeemed_in_the_last_days_by_the_operators_calendar():
    reward = RewardFactory()
    today, first_day, before, cancelled, never = (MemberFactory() for _ in range(5))
    redemption(today, reward, at=local(ON, 23, 50))
    # the window's first day starts at local midnight, 17:00 UTC the day before
    redemption(first_day, reward, at=local(ON - dt.timedelta(days=6), 0, 5))
    redemption(before, reward, at=local(ON - dt.timedelta(days=7), 23, 55))
    redemption(cancelled, reward, at=local(ON), state=RedemptionState.CANCELLED)

    assert members_of(audience(condition("redeemed_recently", days=7))) == ids(today, first_day)
    assert never.pk not in members_of(audience(condition("redeemed_recently", days=3650)))


def test_no_usage_for_days():
    used_today, used_long_ago, reversed_usage, silent, new_line = (MemberFactory() for _ in range(5))
    usage(used_today, at=local(ON, 8))
    usage(used_long_ago, at=local(ON - dt.timedelta(days=30), 23))
    usage(reversed_usage, at=local(ON, 8), state=EventState.REVERSED)
    new_line.activation_date = ON - dt.timedelta(days=10)
    new_line.save()

    lapsed = members_of(audience(condition("no_usage", days=30)))
    assert lapsed == ids(used_long_ago, reversed_usage, silent)


class TestBirthday:
    @pytest.mark.parametrize(
        ("birth_date", "on", "days", "matched"),
        [
            pytest.param(D(1990, 11, 24), ON, 0, True, id="today"),
            pytest.param(D(1990, 11, 25), ON, 0, False, id="tomorrow-not-today"),
            pytest.param(D(1990, 12, 1), ON, 7, True, id="in-7-days"),
            pytest.param(D(1990, 12, 2), ON, 7, False, id="in-8-days"),
            pytest.param(D(1990, 1, 2), D(2026, 12, 28), 7, True, id="over-new-year"),
            pytest.param(D(1992, 2, 29), D(2027, 2, 28), 0, True, id="29-feb-on-28-feb-without-29"),
            pytest.param(D(1992, 2, 29), D(2027, 3, 1), 0, False, id="29-feb-not-on-1-march"),
            pytest.param(D(1992, 2, 29), D(2028, 2, 28), 0, False, id="29-feb-not-on-28-feb-of-a-leap-year"),
            pytest.param(D(1992, 2, 29), D(2028, 2, 29), 0, True, id="29-feb-in-a-leap-year"),
            pytest.param(D(1992, 2, 28), D(2028, 2, 29), 0, False, id="28-feb-not-on-29-feb"),
        ],
    )
    def test_when(self, birth_date, on, days, matched):
        member = MemberFactory(birth_date=birth_date)
        assert (member.pk in members_of(audience(condition("birthday", days=days)), on=on)) is matched

    def test_unknown_birth_dates_never_match_and_stay_in_when_excluded(self):
        unknown = MemberFactory(birth_date=None)
        assert members_of(audience(condition("birthday", days=180))) == set()
        assert members_of(audience(condition("birthday", days=0, exclude=True))) == ids(unknown)


@pytest.mark.parametrize(
    ("activation", "on", "days", "matched"),
    [
        pytest.param(D(2020, 11, 24), ON, 0, True, id="today"),
        pytest.param(D(2026, 11, 24), ON, 0, False, id="activated-today-is-no-anniversary"),
        pytest.param(D(2025, 11, 30), ON, 7, True, id="first-within-7-days"),
        pytest.param(D(2026, 11, 28), ON, 7, False, id="activation-day-ahead-is-no-anniversary"),
        pytest.param(D(2024, 2, 29), D(2025, 2, 28), 0, True, id="29-feb-on-28-feb"),
        pytest.param(D(2024, 2, 29), D(2025, 3, 1), 0, False, id="29-feb-not-on-1-march"),
    ],
)
def test_activation_anniversary(activation, on, days, matched):
    member = MemberFactory(activation_date=activation)
    assert (member.pk in members_of(audience(condition("anniversary", days=days)), on=on)) is matched


def test_tier_change_in_the_last_days():
    member_tier, silver, gold = (TierFactory(code=c, rank=r) for c, r in (("member", 0), ("silver", 10),
                                                                        ("gold", 20)))
    up_today, up_to_silver, down, up_long_ago = (MemberFactory() for _ in range(4))
    tier_change(up_today, to=gold, from_tier=silver, on=ON, reason=TierChangeReason.UPGRADE)
    tier_change(up_to_silver, to=silver, from_tier=member_tier, on=ON - dt.timedelta(days=6),
                reason=TierChangeReason.UPGRADE)
    tier_change(down, to=silver, from_tier=gold, on=ON - dt.timedelta(days=1),
                reason=TierChangeReason.DOWNGRADE)
    tier_change(up_long_ago, to=gold, on=ON - dt.timedelta(days=7), reason=TierChangeReason.UPGRADE)

    def changed(**fields):
        return members_of(audience(condition("tier_change", **{"to_tiers": [], **fields})))

    assert changed(direction="upgrade", days=7) == ids(up_today, up_to_silver)
    assert changed(direction="downgrade", days=7) == ids(down)
    assert changed(direction="either", days=7) == ids(up_today, up_to_silver, down)
    assert changed(direction="either", days=8) == ids(up_today, up_to_silver, down, up_long_ago)
    assert changed(direction="upgrade", days=7, to_tiers=[str(gold.pk)]) == ids(up_today)


def test_points_about_to_expire():
    soon, pending_soon, two_small, later, spent, expired = (MemberFactory() for _ in range(6))
    end_of_window = local(ON + dt.timedelta(days=30), 23, 59)
    lot(soon, points=600, expires_at=local(ON, 0, 1))
    lot(pending_soon, points=700, expires_at=end_of_window, status=LotStatus.PENDING)
    lot(two_small, points=300, expires_at=local(ON + dt.timedelta(days=2)))
    lot(two_small, points=250, expires_at=local(ON + dt.timedelta(days=20)))
    lot(later, points=900, expires_at=local(ON + dt.timedelta(days=31), 0, 0))
    lot(spent, points=800, expires_at=local(ON + dt.timedelta(days=3)), status=LotStatus.SPENT, remaining=0)
    lot(expired, points=800, expires_at=local(ON - dt.timedelta(days=1)), status=LotStatus.EXPIRED)

    assert members_of(audience(condition("points_expiring", days=30, min_points=1))) == ids(
        soon, pending_soon, two_small
    )
    assert members_of(audience(condition("points_expiring", days=30, min_points=551))) == ids(
        soon, pending_soon
    )
    assert members_of(audience(condition("points_expiring", days=30, min_points=550))) == ids(
        soon, pending_soon, two_small
    )
    assert members_of(audience(condition("points_expiring", days=0, min_points=1))) == ids(soon)
