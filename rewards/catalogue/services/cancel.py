"""``redemption_cancel``: undo a redemption inside its cancellation window.

One transaction, the redemption row locked first (so two cancellations, or a cancellation and
an acknowledgement, queue): the outbox row is cancelled only while still pending (a conditional
UPDATE; once the billing system acknowledged it the credit is on the network and cannot be
taken back), merchandise only while not shipped, then the points come back through
``points_refund``, the stock by ``F() + 1``, the voucher code goes back to the pool.
Cancelling a cancelled redemption answers success again and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rewards.ledger.models import LedgerEntry
from rewards.ledger.reasons import ReasonCode
from rewards.ledger.services import points_refund

from ..models import (
    Fulfilment,
    FulfilmentState,
    NetworkOutbox,
    OutboxState,
    Redemption,
    RedemptionState,
    RewardStock,
    VoucherCode,
    VoucherState,
)
from .results import CancelErrorCode, CancelResult, Refused

Code = CancelErrorCode


def redemption_cancel(
    *,
    redemption_id: int,
    reason: str,
    actor_user_id: int | None = None,
    member_id: int | None = None,
    now: dt.datetime | None = None,
    enforce_window: bool = True,
) -> CancelResult:
    """Cancel and refund. ``member_id``: the member asking (refused if not theirs, as not found).

    Staff pass ``actor_user_id``; ``enforce_window=False`` lets staff cancel after the window
    (never after the network acknowledged or the parcel shipped).
    """
    reason = " ".join((reason or "").split())[:255]
    if not reason:
        raise ValueError("a cancellation needs a reason")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            redemption = _locked(redemption_id, member_id)
            if redemption.state == RedemptionState.CANCELLED:
                return CancelResult(redemption.pk, redemption.state, already_cancelled=True)
            if redemption.state == RedemptionState.FULFILLED:
                raise Refused(Code.ALREADY_FULFILLED, "This reward was already delivered.")
            if enforce_window and (redemption.cancel_deadline is None or now > redemption.cancel_deadline):
                raise Refused(Code.WINDOW_CLOSED, "The time to cancel this redemption is over.")
            _withdraw_delivery(redemption)
            points_refund(
                entry_id=redemption_debit(redemption).pk,
                reason=f"Cancelled redemption: {reason}"[:255],
                reason_code=ReasonCode.REDEMPTION_CANCELLED,
                reason_values={"note": reason},
                idempotency_key=f"refund:{redemption.pk}",
            )
            RewardStock.objects.filter(reward_id=redemption.reward_id).update(remaining=F("remaining") + 1)
            VoucherCode.objects.filter(redemption_id=redemption.pk).update(
                state=VoucherState.AVAILABLE, redemption=None
            )
            Redemption.objects.filter(pk=redemption.pk).update(
                state=RedemptionState.CANCELLED,
                cancelled_at=now,
                cancel_reason=reason,
                cancelled_by_id=actor_user_id,
            )
    except Refused as refusal:
        return CancelResult(redemption_id, "", error=refusal.code, message=refusal.message)
    return CancelResult(redemption_id, RedemptionState.CANCELLED)


def redemption_debit(redemption: Redemption) -> LedgerEntry:
    """The ledger's ``redeem`` entry of this redemption (its key derives from the redemption's)."""
    return LedgerEntry.objects.get(idempotency_key=f"redeem:{redemption.idempotency_key}")


def _locked(redemption_id: int, member_id: int | None) -> Redemption:
    found = Redemption.objects.select_for_update(no_key=True).filter(pk=redemption_id)
    if member_id is not None:
        found = found.filter(member_id=member_id)
    redemption = found.first()
    if redemption is None:
        raise Refused(Code.NOT_FOUND, "There is no such redemption.")
    return redemption


def _withdraw_delivery(redemption: Redemption) -> None:
    """Stop what has not reached the member yet; refuse when it already has."""
    outbox = NetworkOutbox.objects.filter(redemption_id=redemption.pk)
    withdrawn = outbox.filter(state__in=[OutboxState.PENDING, OutboxState.FAILED]).update(
        state=OutboxState.CANCELLED
    )
    if not withdrawn and outbox.filter(state=OutboxState.ACKNOWLEDGED).exists():
        raise Refused(Code.ALREADY_APPLIED, "The billing system has already applied this reward to the line.")
    shipments = Fulfilment.objects.filter(redemption_id=redemption.pk)
    stopped = shipments.filter(state=FulfilmentState.TO_SHIP).update(state=FulfilmentState.CANCELLED)
    if not stopped and shipments.filter(state=FulfilmentState.SHIPPED).exists():
        raise Refused(Code.ALREADY_FULFILLED, "This reward has already been shipped.")
