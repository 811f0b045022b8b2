"""Incremental evaluation (per batch, for the members a batch touched) and the nightly full
recompute are the same function: on a randomised population they agree exactly."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from rewards.activity.models import MonthlyActivity
from rewards.tiers.models import MemberTier, TierChange
from rewards.tiers.services import tier_evaluate_members, tier_recompute_all
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

POPULATION = 300
DAYS = [dt.date(2025, 7, 3), dt.date(2025, 12, 20), dt.date(2026, 3, 1), dt.date(2026, 8, 15)]


def snapshot_state():
    return sorted(
        MemberTier.objects.values_list("member_id", "tier_id", "since", "qualified_until", "downgrade_due")
    )


def snapshot_history():
    rows = TierChange.objects.values_list("member_id", "from_tier_id", "to_tier_id", "on", "reason")
    return sorted(rows, key=lambda row: (row[0], row[3], row[1] or 0, row[2], row[4]))


def restore(state, history):
    TierChange.objects.all().delete()
    MemberTier.objects.all().delete()
    MemberTier.objects.bulk_create(
        MemberTier(member_id=m, tier_id=t, since=s, qualified_until=u, downgrade_due=d)
        for m, t, s, u, d in state
    )
    TierChange.objects.bulk_create(
        TierChange(member_id=m, from_tier_id=f, to_tier_id=t, on=on, reason=r) for m, f, t, on, r in history
    )


def add_month_of_activity(rng, members, month):
    """Spend for ``month`` for a random two thirds of the members: most small, some large."""
    rows = []
    for member in members:
        if rng.random() < 0.66:
            amount = rng.choice([50_000, 200_000, 400_000, 900_000, 1_500_000, 4_000_000])
            rows.append(MonthlyActivity(member=member, month=month, spend=Decimal(amount)))
    MonthlyActivity.objects.bulk_create(rows)
    return [row.member_id for row in rows]


def months_between(start, end):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def test_incremental_batches_and_the_full_recompute_agree_on_a_random_population(ladder):
    rng = random.Random(20260615)
    members = [
        MemberFactory(activation_date=dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(0, 6 * 365)))
        for _ in range(POPULATION)
    ]
    filled: set[dt.date] = set()
    mismatches = 0
    for on in DAYS:
        touched: set[int] = set()
        for month in months_between(dt.date(2024, 8, 1), on):
            if month not in filled:
                touched.update(add_month_of_activity(rng, members, month))
                filled.add(month)
        before_state, before_history = snapshot_state(), snapshot_history()

        # Incremental: ingestion batches touch overlapping random subsets; the nightly job
        # then evaluates whoever no batch touched that day.
        ids = [member.pk for member in members]
        for _batch in range(6):
            tier_evaluate_members(member_ids=rng.sample(ids, 90), on=on)
        tier_recompute_all(on=on, chunk_size=64)
        incremental = snapshot_state(), snapshot_history()

        restore(before_state, before_history)
        full = tier_recompute_all(on=on, chunk_size=128)
        recomputed = snapshot_state(), snapshot_history()

        mismatches += sum(a != b for a, b in zip(incremental[0], recomputed[0], strict=True))
        assert incremental == recomputed, on
        assert tier_recompute_all(on=on).rows_written == 0  # and again: nothing left to change
        print(f"{on}: {full.evaluated} evaluated, +{full.upgraded} -{full.downgraded} {full.initial} initial")

    assert mismatches == 0
    tiers = set(MemberTier.objects.values_list("tier__code", flat=True))
    assert tiers == {"member", "silver", "gold"}  # the population reaches every tier
    assert TierChange.objects.filter(reason="downgrade").exists()
    assert TierChange.objects.filter(reason="upgrade").exists()
