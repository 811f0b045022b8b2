"""The tier rules as pure functions (no database): which tier a member qualifies for, and
what happens to their tier state on a given day. ``services.evaluation`` feeds them sets of
members read in a few queries; unit tests call them directly."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .models import TierChangeReason


@dataclass(frozen=True)
class TierSpec:
    id: int
    code: str
    name: str
    rank: int
    min_rolling_spend: Decimal
    min_tenure_years: int
    points_multiplier: Decimal = Decimal(1)
    discount_percent: Decimal = Decimal(0)
    event_access: bool = False
    priority_support: bool = False
    is_live: bool = True


@dataclass(frozen=True)
class TierPolicy:
    qualification_months: int = 12
    grace_days: int = 30


@dataclass(frozen=True)
class TierState:
    """A member's stored tier (``tier_id`` ``None``: never evaluated)."""

    tier_id: int | None
    since: dt.date | None = None
    qualified_until: dt.date | None = None
    downgrade_due: dt.date | None = None


@dataclass(frozen=True)
class TierDecision:
    tier_id: int
    since: dt.date
    qualified_until: dt.date
    downgrade_due: dt.date | None
    change: str | None  # a TierChangeReason when the tier changes, else None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def tenure_years(activation_date: dt.date, on: dt.date) -> int:
    """Whole years since activation: the number of anniversaries reached by ``on``."""
    years = on.year - activation_date.year
    if (on.month, on.day) < (activation_date.month, activation_date.day):
        years -= 1
    return max(years, 0)


def tier_qualified(*, tiers: Sequence[TierSpec], rolling_spend: Decimal, years: int) -> TierSpec:
    """The highest-ranked live tier whose thresholds the member meets; the lowest live tier
    (the default) when they meet none. ``tiers`` must hold at least one live tier."""
    live = sorted((tier for tier in tiers if tier.is_live), key=lambda tier: tier.rank)
    best = live[0]
    for tier in live[1:]:
        if rolling_spend >= tier.min_rolling_spend and years >= tier.min_tenure_years:
            best = tier
    return best


def tier_decide(
    *, state: TierState | None, current: TierSpec | None, qualified: TierSpec, on: dt.date,
    policy: TierPolicy,
) -> TierDecision:
    """The member's tier state after evaluating them on ``on``.

    - never evaluated: the qualified tier (``initial``);
    - qualifies for a higher tier: upgrade at once;
    - qualifies for the current tier: the qualification period is extended from ``on``;
    - qualifies only for a lower tier: kept until the qualification period has ended and the
      grace period after it has passed, then downgraded to the tier they qualify for;
    - the current tier is no longer live (unpublished): moved at once to the qualified tier.
    The function is idempotent: deciding again on the same day with its result changes nothing.
    """
    fresh_until = add_months(on, policy.qualification_months)
    if state is None or state.tier_id is None or current is None:
        return TierDecision(qualified.id, on, fresh_until, None, TierChangeReason.INITIAL)
    if qualified.rank > current.rank:
        return TierDecision(qualified.id, on, fresh_until, None, TierChangeReason.UPGRADE)
    if qualified.id == current.id:
        until = max(state.qualified_until or fresh_until, fresh_until)
        return TierDecision(current.id, state.since or on, until, None, None)
    if not current.is_live:
        return TierDecision(qualified.id, on, fresh_until, None, TierChangeReason.DOWNGRADE)
    due = (state.qualified_until or on) + dt.timedelta(days=policy.grace_days)
    if on >= due:
        return TierDecision(qualified.id, on, fresh_until, None, TierChangeReason.DOWNGRADE)
    return TierDecision(current.id, state.since or on, state.qualified_until or on, due, None)
