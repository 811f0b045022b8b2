"""The member's JSON API for rewards (mounted at ``/api/member/v1/``).

Session-authenticated (the portal's login) and CSRF-protected (send the ``csrftoken`` cookie's
value in ``X-CSRFToken``). Redeeming needs an ``Idempotency-Key`` header: a retry with the same
key and body answers with the same redemption (and ``Idempotent-Replayed: true``); the same key
with another body is refused with ``idempotency_conflict``.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Header, NinjaAPI, Schema, Status
from ninja.security import SessionAuth

from .selectors import member_id_for_user, member_redemptions, rewards_available_for
from .services import (
    CancelErrorCode,
    RedemptionErrorCode,
    RedemptionReceipt,
    receipt_of,
    redemption_cancel,
    redemption_create,
)

api = NinjaAPI(
    title="Troika member API",
    version="1",
    urls_namespace="member_api",
    auth=SessionAuth(),
    description="For the member portal: rewards, redemptions.",
)

STATUS_BY_ERROR = {
    RedemptionErrorCode.INSUFFICIENT_POINTS: 409,
    RedemptionErrorCode.OUT_OF_STOCK: 409,
    RedemptionErrorCode.LIMIT_REACHED: 409,
    RedemptionErrorCode.TIER_REQUIRED: 403,
    RedemptionErrorCode.NOT_AVAILABLE: 404,
    RedemptionErrorCode.ADDRESS_REQUIRED: 422,
    RedemptionErrorCode.IDEMPOTENCY_CONFLICT: 422,
    CancelErrorCode.NOT_FOUND: 404,
    CancelErrorCode.WINDOW_CLOSED: 409,
    CancelErrorCode.ALREADY_FULFILLED: 409,
    CancelErrorCode.ALREADY_APPLIED: 409,
}


class Problem(Schema):
    code: str
    message: str


class RedeemIn(Schema):
    delivery_address: dict[str, str | None] | None = Field(
        None, description="Merchandise only: recipient, phone, line1, line2, city, region, postal_code."
    )


class CancelIn(Schema):
    reason: str = Field("Cancelled by the member", min_length=1, max_length=255)


class RedemptionOut(Schema):
    redemption_id: int
    reward_id: int
    points: int
    state: str
    voucher_code: str
    created_at: dt.datetime
    cancel_deadline: dt.datetime | None


class RewardOut(Schema):
    id: int
    name: str
    kind: str
    points_cost: int


def _out(receipt: RedemptionReceipt) -> RedemptionOut:
    return RedemptionOut(
        redemption_id=receipt.redemption_id,
        reward_id=receipt.reward_id,
        points=receipt.points,
        state=receipt.state,
        voucher_code=receipt.voucher_code,
        created_at=receipt.created_at,
        cancel_deadline=receipt.cancel_deadline,
    )


def _member_id(request) -> int | None:
    return member_id_for_user(user=request.auth)


NO_LINE = {"code": "no_line", "message": "Link your phone line to your account first."}


@api.get("/rewards", response={200: list[RewardOut], 403: Problem})
def rewards_list(request):
    member_id = _member_id(request)
    if member_id is None:
        return Status(403, NO_LINE)
    return Status(
        200,
        [
            RewardOut(id=r.pk, name=r.name, kind=r.kind, points_cost=r.points_cost)
            for r in rewards_available_for(member_id=member_id)
        ],
    )


@api.post(
    "/rewards/{reward_id}/redeem",
    response={201: RedemptionOut, 400: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
)
def reward_redeem(
    request,
    response: HttpResponse,
    reward_id: int,
    payload: RedeemIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    member_id = _member_id(request)
    if member_id is None:
        return Status(403, NO_LINE)
    try:
        result = redemption_create(
            member_id=member_id,
            reward_id=reward_id,
            idempotency_key=idempotency_key,
            delivery_address=payload.delivery_address,
        )
    except ValueError as exc:
        return Status(400, {"code": "invalid_request", "message": str(exc)})
    if not result.is_success:
        return Status(STATUS_BY_ERROR[result.error], {"code": result.error, "message": result.message})
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, _out(result.receipt))


@api.get("/redemptions", response={200: list[RedemptionOut], 403: Problem})
def redemptions_list(request):
    member_id = _member_id(request)
    if member_id is None:
        return Status(403, NO_LINE)
    return Status(200, [_out(receipt_of(r)) for r in member_redemptions(member_id=member_id)[:100]])


@api.post(
    "/redemptions/{redemption_id}/cancel",
    response={200: RedemptionOut, 403: Problem, 404: Problem, 409: Problem},
)
def redemption_cancel_by_member(request, redemption_id: int, payload: CancelIn):
    member_id = _member_id(request)
    if member_id is None:
        return Status(403, NO_LINE)
    result = redemption_cancel(redemption_id=redemption_id, member_id=member_id, reason=payload.reason)
    if not result.is_success:
        return Status(STATUS_BY_ERROR[result.error], {"code": result.error, "message": result.message})
    return Status(200, _out(receipt_of(member_redemptions(member_id=member_id).get(pk=redemption_id))))
