"""The partner API's request and response bodies. Money is a string of the exact amount
(VND: whole dong), never a float."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class CodeIn(Schema):
    code: str = Field(..., min_length=1, max_length=64, description="The code the member shows")


class RedeemIn(CodeIn):
    reference: str = Field("", max_length=100, description="Your own reference (till, order), optional")


class ReverseIn(Schema):
    reference: str = Field("", max_length=100, description="Your own reference of the reversal, optional")


class BenefitOut(Schema):
    kind: str = Field(..., description="voucher, discount or bonus_points")
    bonus_points: int | None = None
    discount_percent: str | None = Field(None, description="A decimal number as a string")
    discount_amount: str | None = Field(None, description="Whole dong as a string")


class ValidateOut(Schema):
    code: str
    valid: bool
    copromotion_id: int
    copromotion_title: str
    benefit: BenefitOut | None


class RedemptionOut(Schema):
    redemption_id: int
    copromotion_id: int
    code: str
    points: int = Field(..., description="Bonus points credited to the member")
    amount: str = Field(..., description="What this redemption costs you: whole dong as a string")
    redeemed_at: dt.datetime
    benefit: BenefitOut | None


class ReversalOut(Schema):
    redemption_id: int
    copromotion_id: int | None
    reversed_at: dt.datetime
    already_reversed: bool = Field(..., description="True when it had been reversed before this call")


class StatsOut(Schema):
    """Aggregates only: no member is named."""

    delivered: int = Field(..., description="Members the co-promotion's campaign reached")
    codes_total: int
    codes_given: int = Field(..., description="Codes handed to members (given or redeemed)")
    redeemed: int = Field(..., description="Live redemptions (not reversed)")
    reversed: int
    points_credited: int
    budget: str = Field(..., description="Whole dong as a string")
    budget_spent: str
    budget_left: str


class PromotionOut(Schema):
    id: int
    title: str
    status: str
    benefit_kind: str
    starts_on: dt.date
    ends_on: dt.date


class PromotionDetailOut(PromotionOut):
    stats: StatsOut
