"""Reads about tiers: current tier with benefits, progress to the next tier, downgrade risk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rewards.tiers.selectors import current_tiers, members_at_risk_of_downgrade, tier_progress
from rewards.tiers.services import tier_evaluate_members
from tests.factories import MemberFactory

from .conftest import spend

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)


def test_current_tiers_gives_benefits_and_the_default_tier_to_members_never_evaluated(
    ladder, django_assert_num_queries
):
    gold_member = MemberFactory(activation_date=dt.date(2018, 1, 1))
    new_member = MemberFactory()
    spend(gold_member, dt.date(2026, 6, 1), 15_000_000)
    tier_evaluate_members(member_ids=[gold_member.pk], on=ON)

    with django_assert_num_queries(2):
        tiers = current_tiers(member_ids=[gold_member.pk, new_member.pk])

    gold = tiers[gold_member.pk]
    assert (gold.code, gold.name, gold.rank, gold.points_multiplier, gold.discount_percent) == (
        "gold", "Gold", 20, Decimal("1.500"), Decimal("5.00")
    )
    assert (gold.event_access, gold.priority_support, gold.since, gold.is_default) == (True, True, ON, False)
    default = tiers[new_member.pk]
    assert (default.code, default.points_multiplier, default.since, default.is_default) == (
        "member", Decimal("1.000"), None, True
    )


def test_current_tiers_without_any_tier_is_neutral(db):
    member = MemberFactory()

    info = current_tiers(member_ids=[member.pk])[member.pk]

    assert (info.code, info.points_multiplier, info.discount_percent, info.is_default) == (
        "", Decimal(1), Decimal(0), True
    )


def test_progress_shows_the_spend_and_tenure_still_needed(ladder):
    member = MemberFactory(activation_date=dt.date(2025, 6, 15))  # one year of tenure on ON
    spend(member, dt.date(2026, 2, 1), 4_000_000)
    spend(member, dt.date(2026, 5, 1), 2_000_000)
    tier_evaluate_members(member_ids=[member.pk], on=ON)

    progress = tier_progress(member_id=member.pk, on=ON)

    assert (progress.current.code, progress.next_tier_code, progress.rolling_spend) == (
        "silver", "gold", Decimal("6000000.00")
    )
    assert (progress.spend_needed, progress.tenure_years, progress.tenure_years_needed) == (
        Decimal("4000000.00"), 1, 1
    )
    assert progress.tenure_reached_on == dt.date(2027, 6, 15)
    assert progress.percent == 50  # spend 60 %, tenure 365 of 730 days: the lesser, rounded down


def test_progress_in_the_top_tier_is_complete(ladder):
    member = MemberFactory(activation_date=dt.date(2018, 1, 1))
    spend(member, dt.date(2026, 6, 1), 15_000_000)
    tier_evaluate_members(member_ids=[member.pk], on=ON)

    progress = tier_progress(member_id=member.pk, on=ON)

    assert (progress.is_top_tier, progress.percent, progress.spend_needed) == (True, 100, Decimal(0))


def test_members_at_risk_are_those_whose_spend_no_longer_meets_their_tier(ladder):
    safe, at_risk, later_risk = MemberFactory.create_batch(3, activation_date=dt.date(2018, 1, 1))
    spend(safe, dt.date(2026, 6, 1), 15_000_000)
    spend(at_risk, dt.date(2025, 3, 1), 15_000_000)
    spend(later_risk, dt.date(2025, 5, 1), 15_000_000)
    tier_evaluate_members(member_ids=[safe.pk, at_risk.pk], on=dt.date(2025, 6, 1))
    tier_evaluate_members(member_ids=[later_risk.pk], on=dt.date(2025, 6, 20))

    risks = members_at_risk_of_downgrade(on=ON)

    rows = [(r.member_id, r.tier_code, r.rolling_spend, r.qualified_until, r.downgrade_on) for r in risks]
    assert rows == [
        (at_risk.pk, "gold", Decimal(0), dt.date(2026, 6, 1), dt.date(2026, 7, 1)),
        (later_risk.pk, "gold", Decimal(0), dt.date(2026, 6, 20), dt.date(2026, 7, 20)),
    ]
    assert members_at_risk_of_downgrade(on=ON, limit=1)[0].member_id == at_risk.pk
