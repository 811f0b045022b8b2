"""The audience rule builder's conditions: one StreamField block per kind of condition.

To add a kind (churn risk, once ``club.profiles`` scores it, issue 7): write a
``ConditionBlock`` subclass in a module of this package (``member_filter``, ``value_errors``,
``describe``: see ``base``), add it to ``condition_blocks`` below, then run
``manage.py makemigrations audiences``. The compiler, the live count and the admin pick it up.
"""

from __future__ import annotations

from wagtail import blocks

from .activity import NoUsageCondition, PointsBalanceCondition, RecentRedemptionCondition, SpendCondition
from .base import ConditionBlock, condition_filter, condition_text
from .churn import ChurnRiskCondition
from .customer_class import CustomerClassCondition
from .lifecycle import AnniversaryCondition, BirthdayCondition, ExpiringPointsCondition, TierChangeCondition
from .profile import (
    AgeCondition,
    ConsentCondition,
    CustomerTypeCondition,
    InterestCondition,
    LanguageCondition,
    PlanCondition,
    RegionCondition,
    SegmentCondition,
    TenureCondition,
    TierCondition,
)

__all__ = ["ConditionBlock", "condition_blocks", "condition_filter", "condition_text"]


def condition_blocks() -> list[tuple[str, blocks.Block]]:
    """The condition kinds, by the name stored in the StreamField, in the builder's order."""
    return [
        ("tier", TierCondition()),
        ("segment", SegmentCondition()),
        ("customer_type", CustomerTypeCondition()),
        ("plan", PlanCondition()),
        ("region", RegionCondition()),
        ("language", LanguageCondition()),
        ("age", AgeCondition()),
        ("tenure", TenureCondition()),
        ("interests", InterestCondition()),
        ("consents", ConsentCondition()),
        ("spend", SpendCondition()),
        ("points_balance", PointsBalanceCondition()),
        ("redeemed_recently", RecentRedemptionCondition()),
        ("no_usage", NoUsageCondition()),
        ("birthday", BirthdayCondition()),
        ("anniversary", AnniversaryCondition()),
        ("tier_change", TierChangeCondition()),
        ("points_expiring", ExpiringPointsCondition()),
        ("churn_risk", ChurnRiskCondition()),
        ("customer_class", CustomerClassCondition()),
    ]
