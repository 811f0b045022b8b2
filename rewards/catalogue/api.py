"""The network outbox for the operator's billing system (mounted at ``/outbox``).

``GET /outbox?after=<id>&limit=<n>``: pending rows with an id above ``after``, oldest first
(keyset pagination: pass the last id you saw); ``POST /outbox/ack``: acknowledge applied rows
(idempotent); ``POST /outbox/{id}/fail``: report a row that could not be applied.
Token scope ``outbox``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from ninja import Field, Router, Schema, Status

from rewards.operator_auth import OperatorToken

from .selectors import outbox_pending
from .services import outbox_acknowledge, outbox_fail
from .services.outbox import MAX_IDS_PER_CALL

router = Router(auth=OperatorToken("outbox"), tags=["outbox"])

PAGE_MAX = 1000


class OutboxItem(Schema):
    id: int
    redemption_id: int
    kind: str
    msisdn: str
    account_number: str
    quantity: str = Field(description="Money in the operator's currency, or whole MB / minutes.")
    unit: str
    created_at: str


class OutboxPage(Schema):
    items: list[OutboxItem]
    next_after: int | None = Field(description="Pass as ``after`` for the next page; null: no more.")


class AckIn(Schema):
    ids: list[int] = Field(min_length=1, max_length=MAX_IDS_PER_CALL)


class RowState(Schema):
    id: int
    state: str | None = Field(
        description="After the call: acknowledged, cancelled, failed, pending; null: no such row."
    )


class AckOut(Schema):
    results: list[RowState]


class FailIn(Schema):
    reason: str = Field(min_length=1, max_length=255)


class Problem(Schema):
    detail: str


def _quantity(value: Decimal, unit: str) -> str:
    if unit == settings.OPERATOR_CURRENCY:
        return str(value.quantize(settings.OPERATOR_CURRENCY_QUANTUM))
    return str(value.quantize(Decimal(1)))


@router.get("", response={200: OutboxPage, 400: Problem})
def outbox_list(request, after: int = 0, limit: int = 100):
    if after < 0 or not 1 <= limit <= PAGE_MAX:
        return Status(400, {"detail": f"after must be >= 0 and limit between 1 and {PAGE_MAX}"})
    rows = outbox_pending(after=after, limit=limit)
    items = [
        OutboxItem(
            id=row.pk,
            redemption_id=row.redemption_id,
            kind=row.kind,
            msisdn=row.msisdn,
            account_number=row.account_number,
            quantity=_quantity(row.quantity, row.unit),
            unit=row.unit,
            created_at=row.created_at.isoformat(),
        )
        for row in rows
    ]
    return Status(200, OutboxPage(items=items, next_after=items[-1].id if len(items) == limit else None))


@router.post("/ack", response={200: AckOut})
def outbox_ack(request, payload: AckIn):
    return Status(
        200,
        AckOut(
            results=[RowState(id=s.id, state=s.state) for s in outbox_acknowledge(outbox_ids=payload.ids)]
        ),
    )


@router.post("/{outbox_id}/fail", response={200: RowState, 404: Problem})
def outbox_report_failure(request, outbox_id: int, payload: FailIn):
    try:
        found = outbox_fail(outbox_id=outbox_id, reason=payload.reason)
    except ValueError as exc:
        return Status(404, {"detail": str(exc)})
    if found.state is None:
        return Status(404, {"detail": "there is no such outbox row"})
    return Status(200, RowState(id=found.id, state=found.state))
