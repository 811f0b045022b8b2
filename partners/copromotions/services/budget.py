"""The co-promotion's budget, spread over a few slices so that concurrent redemptions rarely
queue on one row.

``CoPromotionBudget`` holds the total (``budget``); its ``BUDGET_SLICES`` slices
(``CoPromotionBudgetSlice``) each hold a ``cap`` and a ``spent`` (a CHECK keeps
``0 <= spent <= cap``), the caps summing to the budget. A redemption takes its cost from one slice
picked at random with a conditional UPDATE (``spent + cost <= cap``: ``budget_take``); when
that slice is short, the slow path (``budget_take_locked``) locks all the slices in order, takes
from one that has room or, when every slice alone is short, moves their room together
(consolidation): a redemption is refused only when the whole budget cannot pay it.
Consolidation moves caps, never ``spent``, so a slice's ``spent`` is always the sum of the live
redemptions recorded on it, and a reversal gives the cost back to the slice its redemption
names.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from ..models import BUDGET_SLICES, CoPromotionBudget, CoPromotionBudgetSlice, spread


def budget_account_open(*, copromotion_id: int, budget: Decimal) -> CoPromotionBudget:
    """Create the budget of a co-promotion with its slices, or set a new total: the room that is
    left (``budget`` minus what is spent) is spread over the slices again. Raises ``ValueError``
    when ``budget`` is below what is already spent."""
    budget = Decimal(budget)
    with transaction.atomic():
        account, _created = CoPromotionBudget.objects.select_for_update().get_or_create(
            copromotion_id=copromotion_id, defaults={"budget": budget}
        )
        slices = list(
            CoPromotionBudgetSlice.objects.select_for_update()
            .filter(account_id=copromotion_id)
            .order_by("index")
        )
        have = {s.index for s in slices}
        missing = [
            CoPromotionBudgetSlice(account_id=copromotion_id, index=i, cap=0, spent=0)
            for i in range(BUDGET_SLICES)
            if i not in have
        ]
        slices = sorted(slices + missing, key=lambda s: s.index)
        spent = sum((s.spent for s in slices), Decimal(0))
        if budget < spent:
            raise ValueError(f"the budget {budget} is below what is spent ({spent})")
        for s, share in zip(slices, spread(budget - spent, len(slices)), strict=True):
            s.cap = s.spent + share
        if missing:
            CoPromotionBudgetSlice.objects.bulk_create(missing)
        CoPromotionBudgetSlice.objects.bulk_update([s for s in slices if s.pk], ["cap"])
        if account.budget != budget:
            CoPromotionBudget.objects.filter(pk=copromotion_id).update(budget=budget)
            account.budget = budget
    return account


def budget_spent_set(*, copromotion_id: int, spent: Decimal) -> None:
    """Set the total spent (a repair, or a test's set-up): the slices filled in order up to their
    caps. Does not touch the redemptions; a reversal afterwards gives back what it can."""
    spent = Decimal(spent)
    with transaction.atomic():
        slices = list(
            CoPromotionBudgetSlice.objects.select_for_update()
            .filter(account_id=copromotion_id)
            .order_by("index")
        )
        if spent < 0 or spent > sum((s.cap for s in slices), Decimal(0)):
            raise ValueError(f"spent {spent} is outside the budget")
        left = spent
        for s in slices:
            s.spent = min(s.cap, left)
            left -= s.spent
        CoPromotionBudgetSlice.objects.bulk_update(slices, ["spent"])


def budget_slice_pick() -> int:
    """The slice a redemption tries first."""
    return random.randrange(BUDGET_SLICES)  # noqa: S311 (spreading load, not a secret)


def budget_take(*, copromotion_id: int, amount: Decimal, index: int) -> bool:
    """Take ``amount`` from slice ``index`` with one conditional UPDATE; the slice's row stays
    locked until the commit, so run it as the transaction's last write. When it answers False
    the caller rolls back to a savepoint taken before it (an UPDATE that waited for another
    transaction and then found the slice short keeps the row locked), then calls
    ``budget_take_locked``."""
    return bool(
        CoPromotionBudgetSlice.objects.filter(
            account_id=copromotion_id, index=index, spent__lte=F("cap") - amount
        ).update(spent=F("spent") + amount)
    )


def budget_take_locked(*, copromotion_id: int, amount: Decimal, first: int) -> int | None:
    """The slow path: lock every slice in index order (two of these cannot deadlock) and take
    ``amount`` from a slice that has room, ``first`` if it can; when every slice alone is short
    but their room together pays, consolidate: take it from ``first`` and spread what is left
    over the slices again, in whole redemptions where it can. Answers the slice taken from, or
    None when the whole budget cannot pay ``amount``."""
    slices = list(
        CoPromotionBudgetSlice.objects.select_for_update().filter(account_id=copromotion_id).order_by("index")
    )
    if not slices:
        return None
    with_room = [s for s in slices if s.cap - s.spent >= amount]
    if with_room:
        target = next((s for s in with_room if s.index == first), None) or random.choice(with_room)  # noqa: S311
        CoPromotionBudgetSlice.objects.filter(pk=target.pk).update(spent=F("spent") + amount)
        return target.index
    room = sum((s.cap - s.spent for s in slices), Decimal(0))
    if room < amount:
        return None
    target = next((s for s in slices if s.index == first), slices[0])
    target.spent += amount
    left = room - amount
    if amount > 0:
        units, odd = divmod(left, amount)
        shares = [share * amount for share in spread(units, len(slices))]
    else:
        odd, shares = left, [Decimal(0)] * len(slices)
    for s, share in zip(slices, shares, strict=True):
        s.cap = s.spent + share
    target.cap += odd
    CoPromotionBudgetSlice.objects.bulk_update(slices, ["cap", "spent"])
    return target.index


def budget_give_back(*, copromotion_id: int, amount: Decimal, index: int | None) -> None:
    """Give ``amount`` back to slice ``index`` (the one its redemption took from)."""
    slices = CoPromotionBudgetSlice.objects.filter(account_id=copromotion_id, spent__gte=amount)
    if index is not None and slices.filter(index=index).update(spent=F("spent") - amount):
        return
    # A redemption older than the slices, or a total set by hand: any slice that spent as much.
    other = slices.order_by("index").values_list("index", flat=True).first()
    if other is not None:
        slices.filter(index=other).update(spent=F("spent") - amount)
