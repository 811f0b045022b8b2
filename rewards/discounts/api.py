"""The quote API for the operator's billing system: ``/api/operator/v1/quotes`` (docs/discounts.md).

Money goes out as strings ("150000", "12.50"): exact, whatever the client's JSON library does
with numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import StrictFloat, StrictInt, StrictStr

from rewards.operator_auth import OperatorToken

from .amounts import InvalidAmount, bill_amount_parse
from .selectors import QuoteRequest, QuoteResult, discount_quotes_for_members
from .specs import DiscountQuote

MAX_BATCH = 1000

router = Router(auth=OperatorToken("quotes"), tags=["quotes"])

Amount = StrictStr | StrictInt | StrictFloat


class QuoteIn(Schema):
    member: str = Field(..., min_length=1, max_length=40,
                        description="MSISDN in E.164 (+84...) or account number")
    bill_amount: Amount = Field(..., description="positive, at most the currency's decimals")
    on: dt.date | None = Field(None, description="the day to quote for; default today")


class BatchItemIn(Schema):
    member: str = Field(..., min_length=1, max_length=40)
    bill_amount: Amount


class BatchIn(Schema):
    on: dt.date | None = None
    quotes: list[BatchItemIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class LineOut(Schema):
    kind: str
    percent: str
    amount: str
    reason: str


class ScheduleOut(Schema):
    id: int
    name: str


class QuoteOut(Schema):
    member: str
    on: dt.date
    currency: str
    bill_amount: str
    lines: list[LineOut]
    total_percent: str
    total_discount: str
    payable: str
    schedule: ScheduleOut | None
    note: str


class BatchItemOut(Schema):
    member: str
    ok: bool
    quote: QuoteOut | None = None
    error: str | None = None


class BatchOut(Schema):
    on: dt.date
    currency: str
    quoted: int
    failed: int
    results: list[BatchItemOut]


class ErrorOut(Schema):
    detail: str


def _money(value: Decimal) -> str:
    return format(value, "f")


def _quote_out(member: str, on: dt.date, quote: DiscountQuote) -> QuoteOut:
    return QuoteOut(
        member=member, on=on, currency=quote.currency, bill_amount=_money(quote.bill_amount),
        lines=[LineOut(kind=str(line.kind.value),
                       percent=_money(line.percent), amount=_money(line.amount), reason=line.reason)
               for line in quote.lines],
        total_percent=_money(quote.total_percent), total_discount=_money(quote.total_discount),
        payable=_money(quote.payable),
        schedule=ScheduleOut(id=quote.schedule_id, name=quote.schedule_name) if quote.schedule_id else None,
        note=quote.note,
    )


@router.post("", response={200: QuoteOut, 404: ErrorOut, 422: ErrorOut},
             summary="Quote the discount on one bill")
def quote_create(request, payload: QuoteIn):
    try:
        amount = bill_amount_parse(payload.bill_amount)
    except InvalidAmount as exc:
        return Status(422, ErrorOut(detail=str(exc)))
    on = payload.on or timezone.localdate()
    (result,) = discount_quotes_for_members(requests=[QuoteRequest(payload.member, amount)], on=on)
    if result.quote is None:
        detail = f"no member with MSISDN or account number {payload.member!r}"
        return Status(404, ErrorOut(detail=detail))
    return Status(200, _quote_out(payload.member, on, result.quote))


@router.post("/batch", response={200: BatchOut}, summary=f"Quote up to {MAX_BATCH} bills at once")
def quote_batch_create(request, payload: BatchIn):
    """Each item is answered in order, ``ok`` or with its ``error``; a bad item never fails the
    others."""
    on = payload.on or timezone.localdate()
    requests: list[QuoteRequest] = []
    errors: dict[int, str] = {}
    for index, item in enumerate(payload.quotes):
        try:
            requests.append(QuoteRequest(item.member, bill_amount_parse(item.bill_amount)))
        except InvalidAmount as exc:
            errors[index] = str(exc)
    answered = iter(discount_quotes_for_members(requests=requests, on=on))
    results: list[BatchItemOut] = []
    for index, item in enumerate(payload.quotes):
        result: QuoteResult | None = None if index in errors else next(answered)
        if result is not None and result.quote is not None:
            quote = _quote_out(item.member, on, result.quote)
            results.append(BatchItemOut(member=item.member, ok=True, quote=quote))
        else:
            results.append(BatchItemOut(member=item.member, ok=False,
                                        error=errors.get(index) or (result.error if result else "")))
    quoted = sum(1 for r in results if r.ok)
    return BatchOut(on=on, currency=settings.OPERATOR_CURRENCY, quoted=quoted,
                    failed=len(results) - quoted, results=results)
