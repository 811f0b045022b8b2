"""Reads about rewards and redemptions. Writes live in ``services``."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import PointsAccount

from .models import NetworkOutbox, OutboxState, Redemption, Reward
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
