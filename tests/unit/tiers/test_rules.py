"""The tier rules as pure functions: qualification, upgrade, requalification, downgrade."""

import datetime as dt
from decimal import Decimal

import pytest

from rewards.tiers.rules import (
    TierPolicy,
    TierSpec,
    TierState,
    add_months,
    tenure_years,
    tier_decide,
    tier_qualified,
)

MEMBER = TierSpec(1, "member", "Member", 0, Decimal(0), 0)
SILVER = TierSpec(2, "silver", "Silver", 10, Decimal(3_000_000), 0)
GOLD = TierSpec(3, "gold", "Gold", 20, Decimal(10_000_000), 2)
TIERS = [GOLD, MEMBER, SILVER]  # any order
POLICY = TierPolicy(qualification_months=12, grace_days=30)
ON = dt.date(2026, 6, 15)


def as_tuple(decision):
    return decision.tier_id, decision.since, decision.qualified_until, decision.downgrade_due, decision.change


@pytest.mark.parametrize(
    ("spend", "years", "expected"),
    [
        (Decimal(0), 0, MEMBER),
        (Decimal(2_999_999), 5, MEMBER),
        (Decimal(3_000_000), 0, SILVER),
        (Decimal(10_000_000), 1, SILVER),
        (Decimal(10_000_000), 2, GOLD),
        (Decimal(50_000_000), 9, GOLD),
    ],
    ids=["nothing-default", "just-below-silver", "silver-exactly", "gold-spend-but-short-tenure",
         "gold-exactly", "far-above-gold"],
)
def test_qualified_tier_is_the_highest_whose_spend_and_tenure_are_met(spend, years, expected):
    assert tier_qualified(tiers=TIERS, rolling_spend=spend, years=years) == expected


def test_an_unpublished_tier_is_never_qualified_for():
    draft_gold = TierSpec(3, "gold", "Gold", 20, Decimal(10_000_000), 2, is_live=False)
    assert tier_qualified(tiers=[MEMBER, SILVER, draft_gold], rolling_spend=Decimal(10**9), years=9) == SILVER


@pytest.mark.parametrize(
    ("activation", "on", "years"),
    [
        (dt.date(2020, 6, 15), ON, 6),
        (dt.date(2020, 6, 16), ON, 5),
        (dt.date(2026, 6, 16), ON, 0),
        (dt.date(2020, 2, 29), dt.date(2021, 2, 28), 0),
        (dt.date(2020, 2, 29), dt.date(2021, 3, 1), 1),
    ],
    ids=["anniversary-today", "day-before-anniversary", "activated-in-future", "leap-day-feb-28",
         "leap-day-march-1"],
)
def test_tenure_years_counts_anniversaries_reached(activation, on, years):
    assert tenure_years(activation, on) == years


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 6, 15), 12, dt.date(2027, 6, 15)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    ],
    ids=["end-of-january", "one-year", "leap-day", "across-year-end"],
)
def test_add_months_clamps_to_the_end_of_short_months(day, months, expected):
    assert add_months(day, months) == expected


def test_a_member_never_evaluated_gets_the_qualified_tier_as_initial():
    decision = tier_decide(state=None, current=None, qualified=SILVER, on=ON, policy=POLICY)

    assert as_tuple(decision) == (
        SILVER.id, ON, dt.date(2027, 6, 15), None, "initial"
    )


def test_an_upgrade_is_immediate_and_starts_a_new_qualification_period():
    state = TierState(SILVER.id, dt.date(2025, 1, 1), dt.date(2026, 12, 1))

    decision = tier_decide(state=state, current=SILVER, qualified=GOLD, on=ON, policy=POLICY)

    assert (decision.tier_id, decision.since, decision.qualified_until, decision.change) == (
        GOLD.id, ON, dt.date(2027, 6, 15), "upgrade"
    )


def test_qualifying_again_for_the_same_tier_extends_the_period_without_a_change():
    state = TierState(SILVER.id, dt.date(2025, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 1, 31))

    decision = tier_decide(state=state, current=SILVER, qualified=SILVER, on=ON, policy=POLICY)

    assert as_tuple(decision) == (
        SILVER.id, dt.date(2025, 1, 1), dt.date(2027, 6, 15), None, None
    )


@pytest.mark.parametrize(
    ("on", "expected_tier", "expected_due", "expected_change"),
    [
        (dt.date(2026, 3, 1), GOLD.id, dt.date(2026, 7, 1), None),  # inside the qualification period
        (dt.date(2026, 6, 1), GOLD.id, dt.date(2026, 7, 1), None),  # period over, in the grace
        (dt.date(2026, 6, 30), GOLD.id, dt.date(2026, 7, 1), None),  # last day of grace
        (dt.date(2026, 7, 1), SILVER.id, None, "downgrade"),  # period + grace over
    ],
    ids=["inside-period", "in-grace", "last-day-of-grace", "after-grace"],
)
def test_a_downgrade_waits_for_the_end_of_the_period_and_the_grace(
    on, expected_tier, expected_due, expected_change
):
    state = TierState(GOLD.id, dt.date(2025, 6, 1), dt.date(2026, 6, 1))

    decision = tier_decide(state=state, current=GOLD, qualified=SILVER, on=on, policy=POLICY)

    assert (decision.tier_id, decision.downgrade_due, decision.change) == (
        expected_tier, expected_due, expected_change
    )
    if expected_change:
        assert (decision.since, decision.qualified_until) == (on, add_months(on, 12))
    else:
        assert (decision.since, decision.qualified_until) == (dt.date(2025, 6, 1), dt.date(2026, 6, 1))


def test_a_downgrade_goes_straight_to_the_tier_qualified_for():
    state = TierState(GOLD.id, dt.date(2024, 1, 1), dt.date(2025, 1, 1))

    decision = tier_decide(state=state, current=GOLD, qualified=MEMBER, on=ON, policy=POLICY)

    assert (decision.tier_id, decision.change) == (MEMBER.id, "downgrade")


def test_a_member_in_an_unpublished_tier_moves_at_once_to_the_qualified_tier():
    draft_gold = TierSpec(3, "gold", "Gold", 20, Decimal(10_000_000), 2, is_live=False)
    state = TierState(GOLD.id, dt.date(2026, 1, 1), dt.date(2027, 1, 1))

    decision = tier_decide(state=state, current=draft_gold, qualified=SILVER, on=ON, policy=POLICY)

    assert (decision.tier_id, decision.change) == (SILVER.id, "downgrade")


@pytest.mark.parametrize(
    ("state", "current", "qualified"),
    [
        (None, None, SILVER),
        (TierState(SILVER.id, dt.date(2025, 1, 1), dt.date(2026, 1, 1)), SILVER, GOLD),
        (TierState(GOLD.id, dt.date(2025, 6, 1), dt.date(2026, 6, 1)), GOLD, SILVER),
        (TierState(GOLD.id, dt.date(2024, 1, 1), dt.date(2025, 1, 1)), GOLD, MEMBER),
    ],
    ids=["initial", "upgrade", "at-risk", "downgrade"],
)
def test_deciding_twice_on_the_same_day_changes_nothing_the_second_time(state, current, qualified):
    first = tier_decide(state=state, current=current, qualified=qualified, on=ON, policy=POLICY)
    tiers = {tier.id: tier for tier in TIERS}
    again = tier_decide(
        state=TierState(first.tier_id, first.since, first.qualified_until, first.downgrade_due),
        current=tiers[first.tier_id], qualified=qualified, on=ON, policy=POLICY,
    )

    assert again.change is None
    assert (again.tier_id, again.since, again.qualified_until, again.downgrade_due) == (
        first.tier_id, first.since, first.qualified_until, first.downgrade_due
    )
