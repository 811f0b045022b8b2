"""How each kind of reward reaches the member, inside the redemption's transaction.

A registry of small functions by kind (no model polymorphism): network rewards become a
``NetworkOutbox`` row for the billing system, code rewards take a code from the reward's
pool, merchandise becomes a ``Fulfilment`` to ship. Each returns the voucher code it gave
(or "") and raises ``Refused`` when it cannot fulfil, which rolls the whole redemption back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from ..models import (
    CODE_KINDS,
    NETWORK_KINDS,
    SHIPPED_KINDS,
    Fulfilment,
    NetworkOutbox,
    OutboxKind,
    OutboxState,
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
    now: dt.datetime


def _network(order: FulfilmentOrder) -> str:
    reward = order.reward
    kind, quantity, unit = {
        RewardKind.BILL_CREDIT: (OutboxKind.BILL_CREDIT, reward.credit_amount, settings.OPERATOR_CURRENCY),
        RewardKind.DATA_PACK: (OutboxKind.DATA, reward.data_mb, "MB"),
        RewardKind.VOICE_MINUTES: (OutboxKind.MINUTES, reward.voice_minutes, "min"),
    }[reward.kind]
    at = _db_value("created_at", order.now)
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_OUTBOX_SQL,
            [
                order.redemption_id,
                order.member_id,
                kind.value,
                order.msisdn,
                order.account_number,
                _db_value("quantity", quantity),
                unit,
                OutboxState.PENDING.value,
                at,
                at,
            ],
        )
    return ""


# One plain INSERT on the hot path of network rewards (``NetworkOutbox.objects.create`` cost
# more CPU than the statement).
_INSERT_OUTBOX_SQL = (
    f"INSERT INTO {NetworkOutbox._meta.db_table} (redemption_id, member_id, kind, msisdn, account_number, "
    "quantity, unit, state, attempts, last_error, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 0, '', %s, %s)"
)


def _db_value(field: str, value):
    return NetworkOutbox._meta.get_field(field).get_db_prep_save(value, connection)


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
