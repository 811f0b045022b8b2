"""Tier evaluation on the database: upgrades, downgrades after period and grace, history."""

from __future__ import annotations

import datetime as dt

import pytest

from rewards.tiers.models import MemberTier, TierChange
from rewards.tiers.services import tier_evaluate_members, tier_recompute_all
from tests.factories import MemberFactory

from .conftest import spend

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)


def state_of(member):
    state = MemberTier.objects.select_related("tier").get(member=member)
    return state.tier.code, state.since, state.qualified_until, state.downgrade_due


def history_of(member):
    return list(
        TierChange.objects.filter(member=member).order_by("id").values_list(
            "from_tier__code", "to_tier__code", "on", "reason"
        )
    )


def test_a_new_member_gets_the_tier_they_qualify_for_with_an_initial_history_row(ladder):
    member = MemberFactory(activation_date=dt.date(2020, 1, 1))
    spend(member, dt.date(2026, 3, 1), 4_000_000)

    result = tier_evaluate_members(member_ids=[member.pk], on=ON)

    assert (result.evaluated, result.initial, result.upgraded, result.downgraded) == (1, 1, 0, 0)
    assert state_of(member) == ("silver", ON, dt.date(2027, 6, 15), None)
    assert history_of(member) == [(None, "silver", ON, "initial")]


def test_an_upgrade_is_immediate(ladder):
    member = MemberFactory(activation_date=dt.date(2020, 1, 1))
    spend(member, dt.date(2026, 1, 1), 4_000_000)
    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2026, 2, 1))

    spend(member, dt.date(2026, 6, 1), 7_000_000)
    result = tier_evaluate_members(member_ids=[member.pk], on=ON)

    assert result.upgraded == 1
    assert state_of(member) == ("gold", ON, dt.date(2027, 6, 15), None)
    assert history_of(member) == [
        (None, "silver", dt.date(2026, 2, 1), "initial"), ("silver", "gold", ON, "upgrade")
    ]


def test_tenure_holds_back_an_upgrade_until_the_anniversary(ladder):
    member = MemberFactory(activation_date=dt.date(2024, 6, 20))
    spend(member, dt.date(2026, 5, 1), 12_000_000)

    tier_evaluate_members(member_ids=[member.pk], on=ON)
    assert state_of(member)[0] == "silver"

    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2026, 6, 20))
    assert state_of(member)[0] == "gold"


def test_a_downgrade_happens_only_after_the_qualification_period_and_the_grace(ladder):
    member = MemberFactory(activation_date=dt.date(2018, 1, 1))
    spend(member, dt.date(2025, 1, 1), 12_000_000)  # gold in January 2025 only
    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2025, 1, 10))
    assert state_of(member) == ("gold", dt.date(2025, 1, 10), dt.date(2026, 1, 10), None)

    # January 2026: the January 2025 spend has left the rolling window. The period ends on
    # 10 January 2026 and the grace of 30 days after it on 9 February.
    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2026, 1, 5))
    assert state_of(member) == ("gold", dt.date(2025, 1, 10), dt.date(2026, 1, 10), dt.date(2026, 2, 9))

    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2026, 2, 8))
    assert state_of(member)[0] == "gold"

    result = tier_evaluate_members(member_ids=[member.pk], on=dt.date(2026, 2, 9))
    assert result.downgraded == 1
    assert state_of(member) == ("member", dt.date(2026, 2, 9), dt.date(2027, 2, 9), None)
    assert history_of(member)[-1] == ("gold", "member", dt.date(2026, 2, 9), "downgrade")


def test_requalifying_during_the_grace_keeps_the_tier_and_clears_the_downgrade(ladder):
    member = MemberFactory(activation_date=dt.date(2018, 1, 1))
    spend(member, dt.date(2025, 1, 1), 12_000_000)
    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2025, 1, 10))
    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2026, 1, 20))
    assert state_of(member)[3] == dt.date(2026, 2, 9)

    spend(member, dt.date(2026, 1, 1), 10_000_000)
    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2026, 1, 25))

    assert state_of(member) == ("gold", dt.date(2025, 1, 10), dt.date(2027, 1, 25), None)
    assert [row[3] for row in history_of(member)] == ["initial"]


def test_evaluating_again_on_the_same_day_writes_nothing(ladder):
    members = MemberFactory.create_batch(3, activation_date=dt.date(2020, 1, 1))
    spend(members[0], dt.date(2026, 6, 1), 20_000_000)
    tier_evaluate_members(member_ids=[m.pk for m in members], on=ON)

    again = tier_evaluate_members(member_ids=[m.pk for m in members], on=ON)

    assert (again.evaluated, again.rows_written, again.changes) == (3, 0, [])
    assert TierChange.objects.count() == 3


def test_grace_and_period_come_from_the_tier_settings(ladder):
    from rewards.tiers.models import TierSettings

    TierSettings.objects.update(qualification_months=6, grace_days=0)
    member = MemberFactory(activation_date=dt.date(2018, 1, 1))
    spend(member, dt.date(2025, 1, 1), 4_000_000)
    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2025, 1, 10))
    assert state_of(member)[2] == dt.date(2025, 7, 10)

    tier_evaluate_members(member_ids=[member.pk], on=dt.date(2026, 1, 10))

    assert state_of(member)[0] == "member"


def test_unpublishing_a_tier_moves_its_members_at_the_next_evaluation(ladder):
    member = MemberFactory(activation_date=dt.date(2018, 1, 1))
    spend(member, dt.date(2026, 6, 1), 20_000_000)
    tier_evaluate_members(member_ids=[member.pk], on=ON)
    ladder["gold"].unpublish()

    tier_evaluate_members(member_ids=[member.pk], on=ON + dt.timedelta(days=1))

    assert state_of(member)[0] == "silver"
    assert history_of(member)[-1][3] == "downgrade"


def test_without_any_live_tier_nothing_is_evaluated(db):
    member = MemberFactory()

    assert tier_evaluate_members(member_ids=[member.pk], on=ON).evaluated == 0
    assert not MemberTier.objects.exists()


def test_unknown_member_ids_are_ignored(ladder):
    member = MemberFactory()

    result = tier_evaluate_members(member_ids=[member.pk, member.pk], on=ON)

    assert result.evaluated == 1


def test_full_recompute_covers_every_member_in_chunks(ladder):
    members = MemberFactory.create_batch(7, activation_date=dt.date(2020, 1, 1))
    spend(members[2], dt.date(2026, 6, 1), 4_000_000)

    result = tier_recompute_all(on=ON, chunk_size=3)

    assert (result.evaluated, result.initial) == (7, 7)
    assert MemberTier.objects.filter(tier__code="silver").count() == 1
    assert MemberTier.objects.filter(tier__code="member").count() == 6
