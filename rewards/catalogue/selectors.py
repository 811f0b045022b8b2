"""Reads about rewards and redemptions. Writes live in ``services``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import PointsAccount

from .models import NetworkOutbox, OutboxState, Redemption, Reward
from .services.tiers import member_tier_rank


def member_id_for_user(*, user) -> int | None:
    """The id of the member line linked to this portal login (one small query), or None."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).values_list("pk", flat=True).first()


def outbox_pending(*, after: int, limit: int) -> list[NetworkOutbox]:
    """Pending outbox rows above ``after``, oldest first (the partial index on pending ids)."""
    return list(NetworkOutbox.objects.filter(state=OutboxState.PENDING, pk__gt=after).order_by("pk")[:limit])


def rewards_available_for(*, member_id: int, now: dt.datetime | None = None) -> QuerySet[Reward]:
    """Live, currently valid rewards the member can afford, may have (tier) and are in stock.

    The per-member limit is not applied here (the redemption answers ``limit_reached``).
    """
    now = now or timezone.now()
    spendable = (
        PointsAccount.objects.filter(member_id=member_id).values_list("available", flat=True).first() or 0
    )
    rank = member_tier_rank(member_id=member_id)
    return (
        Reward.objects.filter(live=True, points_cost__lte=spendable)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .filter(Q(minimum_tier__isnull=True) | Q(minimum_tier__rank__lte=rank))
        .filter(Q(stock__isnull=True) | Q(stock__remaining__gt=0))
        .select_related("image")
        .order_by("points_cost", "name")
    )


def member_redemptions(*, member_id: int) -> QuerySet[Redemption]:
    """The member's redemptions, newest first, with their rewards."""
    return (
        Redemption.objects.filter(member_id=member_id).select_related("reward").order_by("-created_at", "-id")
    )
