"""Reads about tiers: a member's current tier and benefits, progress to the next tier, and
members at risk of a downgrade. Writes live in ``services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.db.models import F

from club.members.models import Member
from rewards.activity.selectors import member_rolling_spend, rolling_spend_subquery
from rewards.reference import ReferenceData
from rewards.sql import ids_in

from .models import MemberTier, Tier
from .rules import TierPolicy, add_months, tenure_years
from .services.evaluation import tier_policy


@dataclass(frozen=True)
class MemberTierInfo:
    member_id: int
    tier_id: int | None
    code: str
    name: str
    rank: int
    points_multiplier: Decimal
    discount_percent: Decimal
    event_access: bool
    priority_support: bool
    since: dt.date | None = None
    qualified_until: dt.date | None = None
    downgrade_due: dt.date | None = None
    is_default: bool = False


# When no tier is published at all, members earn and pay as if in a neutral tier.
NO_TIER = dict(tier_id=None, code="", name="", rank=0, points_multiplier=Decimal(1),
               discount_percent=Decimal(0), event_access=False, priority_support=False)


@dataclass(frozen=True)
class LiveTier:
    """A published tier as members' pages read it (from the reference cache)."""

    pk: int
    code: str
    name: str
    rank: int
    min_rolling_spend: Decimal
    min_tenure_years: int
    points_multiplier: Decimal
    discount_percent: Decimal
    event_access: bool
    priority_support: bool


def _live_tiers_load() -> tuple[LiveTier, ...]:
    fields = [f for f in LiveTier.__dataclass_fields__ if f != "pk"]
    rows = Tier.objects.filter(live=True).order_by("rank", "pk").values_list("pk", *fields)
    return tuple(LiveTier(*row) for row in rows)


LIVE_TIERS = ReferenceData("live-tiers", _live_tiers_load, ("tiers.Tier",))


def live_tiers() -> tuple[LiveTier, ...]:
    """The published tiers, lowest rank first (cached; dropped whenever a tier is written)."""
    return LIVE_TIERS.get()


def default_tier() -> LiveTier | None:
    """The live tier with the lowest rank: where every member starts."""
    tiers = live_tiers()
    return tiers[0] if tiers else None


def default_tier_benefits() -> tuple[str, str, Decimal]:
    """``(code, name, points multiplier)`` of the tier a member never evaluated is in: the
    default tier, or the neutral one when no tier is published."""
    fallback = default_tier()
    if fallback is None:
        return NO_TIER["code"], NO_TIER["name"], NO_TIER["points_multiplier"]
    return fallback.code, fallback.name, fallback.points_multiplier


def _info(member_id: int, tier: Tier | LiveTier, **state) -> MemberTierInfo:
    return MemberTierInfo(
        member_id=member_id, tier_id=tier.pk, code=tier.code, name=tier.name, rank=tier.rank,
        points_multiplier=tier.points_multiplier, discount_percent=tier.discount_percent,
        event_access=tier.event_access, priority_support=tier.priority_support, **state,
    )


def _default_info(member_id: int) -> MemberTierInfo:
    fallback = default_tier()
    if fallback is None:
        return MemberTierInfo(member_id=member_id, is_default=True, **NO_TIER)
    return _info(member_id, fallback, is_default=True)


@dataclass(frozen=True)
class TierState:
    """A member's ``MemberTier`` row as read with the member (``tier_state__*``)."""

    tier_id: int | None
    since: dt.date | None
    qualified_until: dt.date | None
    downgrade_due: dt.date | None


def member_tier_info(*, member_id: int, state: TierState | None) -> MemberTierInfo:
    """The current tier of a member whose state row is already read, from the cached live
    tiers (no query): the same answer as ``current_tiers`` for one member."""
    if state is None or state.tier_id is None:
        return _default_info(member_id)
    # A tier unpublished since the member's last evaluation is not among the live ones: read it.
    live = next((tier for tier in live_tiers() if tier.pk == state.tier_id), None)
    tier = live or Tier.objects.get(pk=state.tier_id)
    return _info(member_id, tier, since=state.since, qualified_until=state.qualified_until,
                 downgrade_due=state.downgrade_due)


def current_tiers(*, member_ids: Iterable[int]) -> dict[int, MemberTierInfo]:
    """The current tier of each member (two queries whatever their number); a member never
    evaluated gets the default tier, marked ``is_default``."""
    ids = set(member_ids)
    if not ids:
        return {}
    result: dict[int, MemberTierInfo] = {}
    states = MemberTier.objects.filter(ids_in(MemberTier, "member", ids), tier__isnull=False).values_list(
        "member_id", "tier_id", "tier__code", "tier__name", "tier__rank", "tier__points_multiplier",
        "tier__discount_percent", "tier__event_access", "tier__priority_support",
        "since", "qualified_until", "downgrade_due",
    )
    for member_id, tier_id, code, name, rank, multiplier, discount, access, support, *dates in states:
        since, qualified_until, downgrade_due = dates
        result[member_id] = MemberTierInfo(
            member_id=member_id, tier_id=tier_id, code=code, name=name, rank=rank,
            points_multiplier=multiplier, discount_percent=discount, event_access=access,
            priority_support=support, since=since, qualified_until=qualified_until,
            downgrade_due=downgrade_due,
        )
    for member_id in ids - result.keys():
        result[member_id] = _default_info(member_id)
    return result


@dataclass(frozen=True)
class TierProgress:
    current: MemberTierInfo
    next_tier_code: str | None  # None: already in the top tier
    next_tier_name: str | None
    rolling_spend: Decimal
    spend_needed: Decimal
    tenure_years: int
    tenure_years_needed: int
    tenure_reached_on: dt.date | None  # when the next tier's tenure is met (None: top tier)
    percent: int  # 0..100, the lesser of the spend and the tenure progress

    @property
    def is_top_tier(self) -> bool:
        return self.next_tier_code is None


def _percent(done: Decimal, needed: Decimal) -> int:
    if needed <= 0 or done >= needed:
        return 100
    return int((Decimal(100) * max(done, Decimal(0)) / needed).to_integral_value(ROUND_FLOOR))


def tier_progress(*, member_id: int, on: dt.date) -> TierProgress:
    """How far ``member_id`` is from the next tier up: the spend still needed in the rolling 12
    months, the years of tenure still needed, and a percentage (the lesser of the two)."""
    member = Member.objects.only("activation_date").get(pk=member_id)
    return tier_progress_of(
        current=current_tiers(member_ids=[member_id])[member_id], activation_date=member.activation_date,
        rolling_spend=member_rolling_spend(member_id=member_id, on=on), on=on,
    )


def tier_progress_of(
    *, current: MemberTierInfo, activation_date: dt.date, rolling_spend: Decimal, on: dt.date
) -> TierProgress:
    """``tier_progress`` from what the caller has already read (no query but the cached tiers)."""
    spend = rolling_spend
    years = tenure_years(activation_date, on)
    upper = next((tier for tier in live_tiers() if tier.rank > current.rank), None)
    if upper is None:
        return TierProgress(current, None, None, spend, Decimal(0), years, 0, None, 100)
    spend_needed = max(upper.min_rolling_spend - spend, Decimal(0))
    tenure_date = add_months(activation_date, 12 * upper.min_tenure_years)
    tenure_days_needed = (tenure_date - activation_date).days
    tenure_done = (min(on, tenure_date) - activation_date).days
    percent = min(
        _percent(spend, upper.min_rolling_spend),
        _percent(Decimal(tenure_done), Decimal(tenure_days_needed)),
    )
    return TierProgress(
        current=current, next_tier_code=upper.code, next_tier_name=upper.name, rolling_spend=spend,
        spend_needed=spend_needed, tenure_years=years,
        tenure_years_needed=max(upper.min_tenure_years - years, 0), tenure_reached_on=tenure_date,
        percent=percent,
    )


@dataclass(frozen=True)
class DowngradeRisk:
    member_id: int
    tier_code: str
    rolling_spend: Decimal
    required_spend: Decimal
    qualified_until: dt.date
    downgrade_on: dt.date  # the earliest day a downgrade can take effect


def members_at_risk_of_downgrade(
    *, on: dt.date, limit: int | None = None, policy: TierPolicy | None = None
) -> list[DowngradeRisk]:
    """Members whose rolling spend on ``on`` no longer meets their current tier's threshold,
    soonest downgrade first (one query; tenure only grows, so only spend can fall short).
    The state row's primary key is the member id, so the activity subquery joins on it."""
    policy = policy or tier_policy()
    grace = dt.timedelta(days=policy.grace_days)
    rows = (
        MemberTier.objects.filter(tier__isnull=False)
        .annotate(rolling_spend=rolling_spend_subquery(on=on))
        .filter(rolling_spend__lt=F("tier__min_rolling_spend"))
        .order_by("qualified_until", "member_id")
        .values_list("member_id", "tier__code", "rolling_spend", "tier__min_rolling_spend", "qualified_until")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        DowngradeRisk(member_id, code, spend, required, until, max(until + grace, on))
        for member_id, code, spend, required, until in rows
    ]
