"""Staff change a reward's stock by a delta (never by writing a read value back)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from ..models import Reward, RewardStock


def reward_stock_adjust(*, reward_id: int, delta: int) -> int:
    """Add ``delta`` (negative: remove) to a limited reward's stock; returns what remains.

    A reward without stock becomes limited with ``delta`` units. Refuses to go below zero.
    """
    if not Reward.objects.filter(pk=reward_id).exists():
        raise ValueError("there is no such reward")
    with transaction.atomic():
        if delta >= 0:
            _, created = RewardStock.objects.get_or_create(reward_id=reward_id, defaults={"remaining": delta})
            if not created and delta:
                RewardStock.objects.filter(reward_id=reward_id).update(remaining=F("remaining") + delta)
        else:
            changed = RewardStock.objects.filter(reward_id=reward_id, remaining__gte=-delta).update(
                remaining=F("remaining") + delta
            )
            if not changed:
                raise ValueError("there is not that much stock to remove")
        return RewardStock.objects.get(reward_id=reward_id).remaining


def reward_stock_make_unlimited(*, reward_id: int) -> None:
    RewardStock.objects.filter(reward_id=reward_id).delete()
