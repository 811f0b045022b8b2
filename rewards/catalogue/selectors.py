"""Reads about rewards and redemptions. Writes live in ``services``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import PointsAccount

from .models import NetworkOutbox, OutboxState, Redemption, Reward, RewardStock
from .services.tiers import member_tier_rank


def member_id_for_user(*, user) -> int | None:
    """The id of the member line linked to this portal login, or None. Every member API request
    asks, so it is one plain statement (the ORM took longer to compile it than the database to
    answer)."""
    if not user.is_authenticated:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_MEMBER_OF_USER_SQL, [user.pk])
        row = cursor.fetchone()
    return row[0] if row else None


_MEMBER_OF_USER_SQL = (
    f"SELECT id FROM {Member._meta.db_table} WHERE user_id = %s"  # unique: one line per login
)


def outbox_pending(*, after: int, limit: int) -> list[NetworkOutbox]:
    """Pending outbox rows above ``after``, oldest first (the partial index on pending ids)."""
    return list(NetworkOutbox.objects.filter(state=OutboxState.PENDING, pk__gt=after).order_by("pk")[:limit])


def rewards_available_for(*, member_id: int, now: dt.datetime | None = None) -> QuerySet[Reward]:
    """Live, currently valid rewards the member can afford, may have (tier) and are in stock.

    The per-member limit is not applied here (the redemption answers ``limit_reached``).
    """
    spendable = _spendable(member_id)
    rank = member_tier_rank(member_id=member_id)
    return (
        _on_offer(now or timezone.now())
        .filter(points_cost__lte=spendable)
        .filter(Q(minimum_tier__isnull=True) | Q(minimum_tier__rank__lte=rank))
        .filter(Q(stock__isnull=True) | Q(stock__remaining__gt=0))
        .select_related("image")
        .order_by("points_cost", "name")
    )


@dataclass(frozen=True)
class CatalogueReward:
    """A reward on offer as one member sees it: can they afford it, may they have it (tier),
    is any left."""

    reward: Reward
    remaining: int | None  # units left; None: unlimited
    minimum_tier_name: str  # "" when open to every tier
    is_affordable: bool
    has_tier: bool

    @property
    def in_stock(self) -> bool:
        return self.remaining is None or self.remaining > 0

    @property
    def is_redeemable(self) -> bool:
        return self.is_affordable and self.has_tier and self.in_stock


def reward_catalogue_for(
    *,
    member_id: int,
    kind: str | None = None,
    affordable_only: bool = False,
    reward_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[CatalogueReward]:
    """Every live, currently valid reward (optionally of one kind, or only those the member's
    available points pay for), cheapest first, each with its stock and tier gate as they stand
    for this member (``reward_id``: just that one). Unlike ``rewards_available_for`` it keeps
    what the member cannot have yet, so the portal can say why."""
    spendable = _spendable(member_id)
    rank = member_tier_rank(member_id=member_id)
    rewards = _on_offer(now or timezone.now()).select_related("stock", "minimum_tier", "image")
    if kind:
        rewards = rewards.filter(kind=kind)
    if affordable_only:
        rewards = rewards.filter(points_cost__lte=spendable)
    if reward_id is not None:
        rewards = rewards.filter(pk=reward_id)
    return [
        CatalogueReward(
            reward=reward,
            remaining=_remaining(reward),
            minimum_tier_name=reward.minimum_tier.name if reward.minimum_tier else "",
            is_affordable=reward.points_cost <= spendable,
            has_tier=reward.minimum_tier is None or reward.minimum_tier.rank <= rank,
        )
        for reward in rewards.order_by("points_cost", "name")
    ]


def _spendable(member_id: int) -> int:
    return PointsAccount.objects.filter(member_id=member_id).values_list("available", flat=True).first() or 0


def _on_offer(now: dt.datetime) -> QuerySet[Reward]:
    return (
        Reward.objects.filter(live=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    )


def _remaining(reward: Reward) -> int | None:
    try:
        return reward.stock.remaining
    except RewardStock.DoesNotExist:
        return None


def member_redemptions(*, member_id: int) -> QuerySet[Redemption]:
    """The member's redemptions, newest first, with their rewards."""
    return (
        Redemption.objects.filter(member_id=member_id).select_related("reward").order_by("-created_at", "-id")
    )
