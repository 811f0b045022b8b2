"""The billing system's side of the bundle outbox: acknowledge applied rows.

The orders concerned are locked first (the lock order of ``bundle_order_return``: order, then
outbox row), then a conditional ``UPDATE ... WHERE state = 'pending'``, so a retried call
changes nothing. An acknowledged ``activate`` row makes a placed order ``acknowledged`` (a
returned order stays returned, with the time of its activation recorded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from ..choices import OrderStatus, OutboxAction, OutboxState
from ..models import BundleOrder, BundleOutbox
from .results import BundleOutboxRowState

MAX_IDS_PER_CALL = 1000


def bundle_outbox_acknowledge(
    *, outbox_ids: Sequence[int], at: dt.datetime | None = None
) -> list[BundleOutboxRowState]:
    """Mark pending rows applied; each id answers with its state after the call (``None``: no
    such row). Acknowledging twice is fine (still ``acknowledged``)."""
    ids = sorted(set(outbox_ids))
    if len(ids) > MAX_IDS_PER_CALL:
        raise ValueError(f"at most {MAX_IDS_PER_CALL} ids per call")
    at = at or timezone.now()
    with transaction.atomic():
        rows = BundleOutbox.objects.filter(pk__in=ids)
        list(
            BundleOrder.objects.select_for_update(no_key=True)
            .filter(pk__in=rows.values("order_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        activated = list(
            rows.filter(state=OutboxState.PENDING, action=OutboxAction.ACTIVATE).values_list(
                "order_id", flat=True
            )
        )
        rows.filter(state=OutboxState.PENDING).update(
            state=OutboxState.ACKNOWLEDGED, acknowledged_at=at, updated_at=at
        )
        BundleOrder.objects.filter(pk__in=activated, status=OrderStatus.PLACED).update(
            status=OrderStatus.ACKNOWLEDGED
        )
        BundleOrder.objects.filter(pk__in=activated, acknowledged_at__isnull=True).update(acknowledged_at=at)
        return _states(ids)


def _states(ids: Sequence[int]) -> list[BundleOutboxRowState]:
    found = dict(BundleOutbox.objects.filter(pk__in=ids).values_list("id", "state"))
    return [BundleOutboxRowState(id=pk, state=found.get(pk)) for pk in ids]
