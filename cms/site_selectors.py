"""Reads for the public site's pages and blocks: the live tiers, the rewards on offer, the live
earning rules and discount schedules. Everything is read when a page renders; no page or block
keeps a copy of a number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from rewards.catalogue.models import Reward, RewardKind
from rewards.discounts.selectors import live_schedule_specs
from rewards.discounts.specs import ScheduleSpec
from rewards.earning.selectors import live_rule_specs
from rewards.tiers.models import Tier


@dataclass(frozen=True)
class PublicTier:
    code: str
    name: str
    rank: int
    min_rolling_spend: Decimal
    min_tenure_years: int
    discount_percent: Decimal
    points_multiplier: Decimal
    event_access: bool
    priority_support: bool

    @property
    def is_open_to_all(self) -> bool:
        return not self.min_rolling_spend and not self.min_tenure_years


def tiers_live() -> list[PublicTier]:
    """The published tiers, lowest rank first (one query)."""
    rows = Tier.objects.filter(live=True).order_by("rank").values_list(
        "code", "name", "rank", "min_rolling_spend", "min_tenure_years", "discount_percent",
        "points_multiplier", "event_access", "priority_support",
    )
    return [PublicTier(*row) for row in rows]


@dataclass(frozen=True)
class PublicReward:
    id: int
    name: str
    description: str
    kind: str
    kind_label: str
    points_cost: int
    minimum_tier_name: str  # "" when open to every tier
    image: object | None  # a Wagtail image, rendered through renditions


@dataclass(frozen=True)
class RewardGroup:
    kind: str
    label: str
    rewards: list[PublicReward]


def _on_offer(now: dt.datetime):
    return (
        Reward.objects.filter(live=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .filter(Q(stock__isnull=True) | Q(stock__remaining__gt=0))
        .select_related("minimum_tier", "image")
    )


def rewards_on_offer(*, now: dt.datetime | None = None, limit: int | None = None) -> list[PublicReward]:
    """Live rewards valid now and in stock, cheapest first (one query)."""
    rewards = _on_offer(now or timezone.now()).order_by("points_cost", "name", "pk")
    if limit is not None:
        rewards = rewards[:limit]
    labels = dict(RewardKind.choices)
    return [
        PublicReward(
            id=r.pk, name=r.name, description=r.description, kind=r.kind,
            kind_label=str(labels.get(r.kind, r.kind)), points_cost=r.points_cost,
            minimum_tier_name=r.minimum_tier.name if r.minimum_tier else "", image=r.image,
        )
        for r in rewards
    ]


def rewards_by_kind(*, now: dt.datetime | None = None) -> list[RewardGroup]:
    """The rewards on offer grouped by kind, in the order of the kinds, cheapest first in each."""
    groups: dict[str, list[PublicReward]] = {}
    for reward in rewards_on_offer(now=now):
        groups.setdefault(reward.kind, []).append(reward)
    return [
        RewardGroup(kind=kind, label=str(label), rewards=groups[kind])
        for kind, label in RewardKind.choices
        if kind in groups
    ]


@dataclass(frozen=True)
class EarningRate:
    name: str
    applies_tier_multiplier: bool


def earning_rates() -> list[EarningRate]:
    """The live earning rules by name (their names say the rate), highest priority first."""
    now = timezone.now()
    return [
        EarningRate(name=spec.name, applies_tier_multiplier=spec.apply_tier_multiplier)
        for spec in live_rule_specs()
        if (spec.valid_from is None or spec.valid_from <= now)
        and (spec.valid_until is None or spec.valid_until > now)
    ]


def discount_schedules(*, on: dt.date | None = None) -> list[ScheduleSpec]:
    """The volume and tenure discount schedules valid on ``on`` (today by default)."""
    return live_schedule_specs(on=on or timezone.localdate())
