"""``POST /api/operator/v1/events``: a batch of billing events from the operator (docs/ingestion.md).

The body is read here, not by ninja's parser: numbers become exact ``Decimal`` (never float),
and a body that is not a batch gets a 400 with a message (413 over ``MAX_BATCH`` events).
The request schema is still published in the OpenAPI document.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import RequestDataTooBig
from ninja import Field, Router, Schema, Status

from rewards.operator_auth import OperatorToken

from .models import EventSource
from .services import MAX_BATCH, billing_events_ingest

router = Router(auth=OperatorToken("events"), tags=["events"])

Number = str | int | float


class EventIn(Schema):
    event_id: str = Field(..., max_length=64, description="The operator's unique id of the event")
    kind: str = Field(..., description="bill_paid, top_up, usage, plan_change, status_change or reversal")
    msisdn: str | None = Field(None, description="The member's line in E.164 (or give account_number)")
    account_number: str | None = Field(None, description="The member's account (or give msisdn)")
    occurred_at: str = Field(..., description="ISO 8601; without an offset: the operator's time zone")
    amount: Number | None = Field(None, description="bill_paid, top_up: not negative, at most the "
                                                    "currency's decimals (VND: none)")
    period: str | None = Field(None, description="bill_paid, usage: the billing month, YYYY-MM")
    channel: str | None = Field(None, description="top_up: where the money came in")
    data_mb: int | None = Field(None, description="usage")
    voice_minutes: int | None = Field(None, description="usage")
    sms: int | None = Field(None, description="usage")
    plan_name: str | None = Field(None, description="plan_change: the new plan")
    payment_plan: str | None = Field(None, description="plan_change: prepaid or postpaid")
    tariff_kind: str | None = Field(None, description="plan_change: flat_rate or metered")
    status: str | None = Field(None, description="status_change: active, suspended, in_arrears, churned")
    churn_reason: str | None = Field(None, description="status_change to churned: e.g. lost_to_competitor")
    reverses: str | None = Field(None, description="reversal: the event_id it takes back")


class OutcomeOut(Schema):
    position: int
    event_id: str
    outcome: str = Field(..., description="applied, duplicate, quarantined or waiting")
    reason: str = ""
    messages: list[str] = []


class CountsOut(Schema):
    applied: int
    duplicate: int
    quarantined: int
    waiting: int


class BatchOut(Schema):
    batch_ref: str
    counts: CountsOut
    points_entries: int
    results: list[OutcomeOut]


class ErrorOut(Schema):
    detail: str


_BATCH_SCHEMA = {
    "type": "object",
    "required": ["events"],
    "properties": {
        "events": {"type": "array", "minItems": 1, "maxItems": MAX_BATCH,
                   "items": EventIn.model_json_schema()},
    },
}


@router.post(
    "", response={200: BatchOut, 400: ErrorOut, 413: ErrorOut},
    summary="Send a batch of billing events",
    openapi_extra={"requestBody": {"required": True,
                                   "content": {"application/json": {"schema": _BATCH_SCHEMA}}}},
)
def events_post(request):
    """Apply 1 to 10,000 events. Each event's outcome comes back in the batch's order; the
    same event id sent again is a ``duplicate`` and changes nothing."""
    try:
        body = json.loads(request.body, parse_float=Decimal)
    except RequestDataTooBig:
        return Status(413, {"detail": "the request body is too large; send smaller batches"})
    except (ValueError, UnicodeDecodeError):
        return Status(400, {"detail": "the body is not JSON"})
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list):
        return Status(400, {"detail": 'expected a JSON object {"events": [...]} with a list of events'})
    if not events:
        return Status(400, {"detail": "the batch is empty: send 1 to 10,000 events"})
    if len(events) > MAX_BATCH:
        detail = f"a batch holds at most {MAX_BATCH:,} events, not {len(events):,}: split it"
        return Status(413, {"detail": detail})
    report = billing_events_ingest(events=events, source=EventSource.API)
    return Status(200, {
        "batch_ref": report.batch_ref,
        "counts": report.counts,
        "points_entries": report.points_granted,
        "results": [
            {"position": o.position, "event_id": o.event_id, "outcome": o.outcome, "reason": o.reason,
             "messages": list(o.messages)}
            for o in report.outcomes
        ],
    })
