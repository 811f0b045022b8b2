"""Staff mark merchandise shipped: the redemption is then fulfilled and no longer cancellable."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Fulfilment, FulfilmentState, Redemption, RedemptionState


def fulfilment_mark_shipped(*, fulfilment_id: int, tracking: str = "") -> bool:
    """True when this call shipped it; False when it was already shipped or cancelled."""
    with transaction.atomic():
        redemption_id = (
            Fulfilment.objects.filter(pk=fulfilment_id).values_list("redemption_id", flat=True).first()
        )
        if redemption_id is None:
            raise ValueError("there is no such fulfilment")
        list(Redemption.objects.select_for_update(no_key=True).filter(pk=redemption_id).values_list("id"))
        shipped = Fulfilment.objects.filter(pk=fulfilment_id, state=FulfilmentState.TO_SHIP).update(
            state=FulfilmentState.SHIPPED, shipped_at=timezone.now(), tracking=tracking.strip()[:80]
        )
        if shipped:
            Redemption.objects.filter(pk=redemption_id, state=RedemptionState.CONFIRMED).update(
                state=RedemptionState.FULFILLED
            )
        return bool(shipped)
