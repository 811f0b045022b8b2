"""The bundle outbox for the operator's billing system (mounted at ``/bundles``).

``GET /bundles/outbox?after=<id>&limit=<n>``: pending rows with an id above ``after``, oldest
first (keyset pagination: pass ``next_after``); ``POST /bundles/outbox/ack``: acknowledge
applied rows (idempotent). Token scope ``outbox``, like the network outbox.
"""

from __future__ import annotations

from ninja import Field, Router, Schema, Status

from rewards.operator_auth import OperatorToken

from .selectors import bundle_outbox_pending
from .services import bundle_outbox_acknowledge
from .services.outbox import MAX_IDS_PER_CALL

router = Router(auth=OperatorToken("outbox"), tags=["bundles"])

PAGE_MAX = 1000


class BundleRef(Schema):
    code: str
    name: str


class BundleLineOut(Schema):
    code: str
    name: str
    quantity: int
    unit: str


class BundleOutboxItem(Schema):
    id: int
    order_id: int
    action: str = Field(description="activate or deactivate")
    msisdn: str
    account_number: str
    bundle: BundleRef
    lines: list[BundleLineOut]
    currency: str
    total: str = Field(description="What the member pays, exact, in the operator's currency.")
    validity_days: int
    monthly_spending_cap: str | None = Field(description="Prepaid packs: the line's monthly cap; null: none.")
    created_at: str


class BundleOutboxPage(Schema):
    items: list[BundleOutboxItem]
    next_after: int | None = Field(description="Pass as ``after`` for the next page; null: no more.")


class AckIn(Schema):
    ids: list[int] = Field(min_length=1, max_length=MAX_IDS_PER_CALL)


class RowState(Schema):
    id: int
    state: str | None = Field(description="After the call: acknowledged or pending; null: no such row.")


class AckOut(Schema):
    results: list[RowState]


class Problem(Schema):
    detail: str


@router.get("/outbox", response={200: BundleOutboxPage, 400: Problem})
def bundle_outbox_list(request, after: int = 0, limit: int = 100):
    if after < 0 or not 1 <= limit <= PAGE_MAX:
        return Status(400, {"detail": f"after must be >= 0 and limit between 1 and {PAGE_MAX}"})
    items = [
        BundleOutboxItem(
            id=row.pk,
            order_id=row.order_id,
            action=row.action,
            msisdn=row.msisdn,
            account_number=row.account_number,
            bundle=row.payload["bundle"],
            lines=row.payload["lines"],
            currency=row.payload["currency"],
            total=row.payload["total"],
            validity_days=row.payload["validity_days"],
            monthly_spending_cap=row.payload["monthly_spending_cap"],
            created_at=row.created_at.isoformat(),
        )
        for row in bundle_outbox_pending(after=after, limit=limit)
    ]
    return Status(
        200, BundleOutboxPage(items=items, next_after=items[-1].id if len(items) == limit else None)
    )


@router.post("/outbox/ack", response={200: AckOut})
def bundle_outbox_ack(request, payload: AckIn):
    states = bundle_outbox_acknowledge(outbox_ids=payload.ids)
    return Status(200, AckOut(results=[RowState(id=s.id, state=s.state) for s in states]))
