"""Fixtures of the tier tests: a Member / Silver / Gold ladder and helpers to add spend."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rewards.activity.models import MonthlyActivity
from rewards.tiers.models import TierSettings
from tests.factories import TierFactory


@pytest.fixture
def ladder(db):
    TierSettings.objects.update_or_create(defaults={"qualification_months": 12, "grace_days": 30})
    return {
        "member": TierFactory(code="member", name="Member", rank=0),
        "silver": TierFactory(code="silver", name="Silver", rank=10, min_rolling_spend=Decimal(3_000_000),
                              points_multiplier=Decimal("1.25"), discount_percent=Decimal(2)),
        "gold": TierFactory(code="gold", name="Gold", rank=20, min_rolling_spend=Decimal(10_000_000),
                            min_tenure_years=2, points_multiplier=Decimal("1.5"),
                            discount_percent=Decimal(5), event_access=True, priority_support=True),
    }


def spend(member, month: dt.date, amount: int) -> None:
    """Add ``amount`` to the member's spend in ``month``."""
    row, _ = MonthlyActivity.objects.get_or_create(member=member, month=month.replace(day=1))
    row.spend += Decimal(amount)
    row.save(update_fields=["spend"])
