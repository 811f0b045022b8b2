"""The billing system's side of the network outbox: acknowledge, report a failure; staff requeue.

Every change is a conditional ``UPDATE ... WHERE state = ...`` after locking the redemptions
concerned (the same lock order as ``redemption_cancel``: redemption, then outbox row), so an
acknowledgement and a cancellation cannot both win, and a retried call changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import NetworkOutbox, OutboxState, Redemption, RedemptionState

MAX_IDS_PER_CALL = 1000


@dataclass(frozen=True)
class OutboxRowState:
    id: int
    state: str | None  # None: no such row


def outbox_acknowledge(*, outbox_ids: Sequence[int]) -> list[OutboxRowState]:
    """Mark pending rows applied; each id answers with its state after the call.

    Acknowledging twice is fine (still ``acknowledged``); a cancelled or failed row stays as
    it is and says so. The redemption becomes ``fulfilled``.
    """
    ids = sorted(set(outbox_ids))
    if len(ids) > MAX_IDS_PER_CALL:
        raise ValueError(f"at most {MAX_IDS_PER_CALL} ids per call")
    now = timezone.now()
    with transaction.atomic():
        redemption_ids = list(
            Redemption.objects.select_for_update(no_key=True)
            .filter(outbox__id__in=ids)
            .order_by("id")
            .values_list("id", flat=True)
        )
        applied = list(
            NetworkOutbox.objects.filter(pk__in=ids, state=OutboxState.PENDING).values_list(
                "redemption_id", flat=True
            )
        )
        NetworkOutbox.objects.filter(pk__in=ids, state=OutboxState.PENDING).update(
            state=OutboxState.ACKNOWLEDGED, acknowledged_at=now, updated_at=now
        )
        Redemption.objects.filter(pk__in=applied, state=RedemptionState.CONFIRMED).update(
            state=RedemptionState.FULFILLED
        )
        del redemption_ids
        return _states(ids)


def outbox_fail(*, outbox_id: int, reason: str) -> OutboxRowState:
    """The billing system could not apply a pending row; staff decide (requeue or cancel)."""
    reason = " ".join((reason or "").split())[:255]
    if not reason:
        raise ValueError("a failure needs a reason")
    with transaction.atomic():
        list(Redemption.objects.select_for_update(no_key=True).filter(outbox__id=outbox_id).values_list("id"))
        NetworkOutbox.objects.filter(pk=outbox_id, state=OutboxState.PENDING).update(
            state=OutboxState.FAILED,
            attempts=F("attempts") + 1,
            last_error=reason,
            updated_at=timezone.now(),
        )
        return _states([outbox_id])[0]


def outbox_requeue(*, outbox_id: int) -> OutboxRowState:
    """Staff send a failed row to the billing system again (it reappears in ``GET /outbox``)."""
    NetworkOutbox.objects.filter(pk=outbox_id, state=OutboxState.FAILED).update(
        state=OutboxState.PENDING, updated_at=timezone.now()
    )
    return _states([outbox_id])[0]


def _states(ids: Sequence[int]) -> list[OutboxRowState]:
    found = dict(NetworkOutbox.objects.filter(pk__in=ids).values_list("id", "state"))
    return [OutboxRowState(id=pk, state=found.get(pk)) for pk in ids]
