"""How each kind of reward reaches the member, inside the redemption's transaction.

A registry of small functions by kind (no model polymorphism): network rewards become a
``NetworkOutbox`` row for the billing system, code rewards take a code from the reward's
pool, merchandise becomes a ``Fulfilment`` to ship. Each returns the voucher code it gave
(or "") and raises ``Refused`` when it cannot fulfil, which rolls the whole redemption back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from ..models import (
    CODE_KINDS,
    NETWORK_KINDS,
    SHIPPED_KINDS,
    Fulfilment,
    NetworkOutbox,
    OutboxKind,
    RewardKind,
    VoucherCode,
    VoucherState,
)
from .results import RedemptionErrorCode, Refused
from .values import DeliveryAddress, RewardTerms


@dataclass(frozen=True)
class FulfilmentOrder:
    redemption_id: int
    reward: RewardTerms
    member_id: int
    msisdn: str
    account_number: str
    delivery_address: DeliveryAddress | None


def _network(order: FulfilmentOrder) -> str:
    reward = order.reward
    kind, quantity, unit = {
        RewardKind.BILL_CREDIT: (OutboxKind.BILL_CREDIT, reward.credit_amount, settings.OPERATOR_CURRENCY),
        RewardKind.DATA_PACK: (OutboxKind.DATA, reward.data_mb, "MB"),
        RewardKind.VOICE_MINUTES: (OutboxKind.MINUTES, reward.voice_minutes, "min"),
    }[reward.kind]
    NetworkOutbox.objects.create(
        redemption_id=order.redemption_id,
        member_id=order.member_id,
        kind=kind,
        msisdn=order.msisdn,
        account_number=order.account_number,
        quantity=quantity,
        unit=unit,
    )
    return ""


def _code(order: FulfilmentOrder) -> str:
    """One available code, skipping codes other redemptions hold locked right now."""
    taken = list(
        VoucherCode.objects.select_for_update(skip_locked=True)
        .filter(reward_id=order.reward.id, state=VoucherState.AVAILABLE)
        .order_by("id")
        .values_list("pk", "code")[:1]
    )
    if not taken:
        raise Refused(RedemptionErrorCode.OUT_OF_STOCK, "No codes are left for this reward.")
    pk, code = taken[0]
    VoucherCode.objects.filter(pk=pk).update(state=VoucherState.ASSIGNED, redemption_id=order.redemption_id)
    return code


def _shipped(order: FulfilmentOrder) -> str:
    Fulfilment.objects.create(redemption_id=order.redemption_id, address=order.delivery_address.as_dict())
    return ""


FULFIL_BY_KIND: dict[str, Callable[[FulfilmentOrder], str]] = {
    **{kind: _network for kind in NETWORK_KINDS},
    **{kind: _code for kind in CODE_KINDS},
    **{kind: _shipped for kind in SHIPPED_KINDS},
}
