"""Reading Stripe's JSON objects (events, subscriptions, invoices, Checkout sessions) into small
values. Pure functions: no database, no network.

Stripe moved some fields between API versions: a subscription's period now sits on its items
(``items.data[].current_period_end``, before 2025-03-31 on the subscription), an invoice's
subscription under ``parent.subscription_details`` (before, ``subscription`` and
``subscription_details``). Both shapes are read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# Within the same second of Stripe's clock, a state further along this order is the later one
# (a subscription is created ``incomplete``, then becomes ``active``; ``past_due`` follows a
# failed renewal); a terminal status is always last.
STATUS_PROGRESS = {
    "incomplete": 0,
    "trialing": 1,
    "active": 2,
    "paused": 3,
    "past_due": 3,
    "unpaid": 4,
    "incomplete_expired": 9,
    "canceled": 9,
}


def stripe_time(value: int | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def _member_id(value: Any) -> int | None:
    try:
        member_id = int(str(value))
    except (TypeError, ValueError):
        return None
    return member_id if member_id > 0 else None


def _id(value: Any) -> str:
    """An expandable field: an id, or the expanded object carrying its ``id``."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


@dataclass(frozen=True)
class SubscriptionState:
    subscription_id: str
    customer_id: str
    status: str
    period_end: dt.datetime | None
    price_id: str
    cancel_at_period_end: bool
    member_id: int | None
    created: dt.datetime | None = None

    @property
    def is_terminal(self) -> bool:
        return STATUS_PROGRESS.get(self.status, 0) == 9

    @property
    def progress(self) -> int:
        return STATUS_PROGRESS.get(self.status, 0)


def subscription_state(obj: dict[str, Any]) -> SubscriptionState:
    items = (obj.get("items") or {}).get("data") or [{}]
    first = items[0]
    period_end = first.get("current_period_end") or obj.get("current_period_end")
    return SubscriptionState(
        subscription_id=str(obj["id"]),
        customer_id=_id(obj.get("customer")),
        status=str(obj.get("status") or ""),
        period_end=stripe_time(period_end),
        price_id=_id(first.get("price")),
        cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
        member_id=_member_id((obj.get("metadata") or {}).get("member_id")),
        created=stripe_time(obj.get("created")),
    )


@dataclass(frozen=True)
class InvoiceFacts:
    invoice_id: str
    customer_id: str
    subscription_id: str
    member_id: int | None
    amount_paid: int  # in the currency's minor unit, as Stripe counts it
    currency: str
    price_id: str
    period_end: dt.datetime | None


def invoice_facts(obj: dict[str, Any]) -> InvoiceFacts:
    details = ((obj.get("parent") or {}).get("subscription_details")) or obj.get("subscription_details") or {}
    subscription = details.get("subscription") or obj.get("subscription")
    lines = (obj.get("lines") or {}).get("data") or [{}]
    line = lines[0]
    price = ((line.get("pricing") or {}).get("price_details") or {}).get("price") or line.get("price")
    period_end = (line.get("period") or {}).get("end")
    return InvoiceFacts(
        invoice_id=str(obj["id"]),
        customer_id=_id(obj.get("customer")),
        subscription_id=_id(subscription),
        member_id=_member_id((details.get("metadata") or {}).get("member_id")),
        amount_paid=int(obj.get("amount_paid") or 0),
        currency=str(obj.get("currency") or "").upper(),
        price_id=_id(price),
        period_end=stripe_time(period_end),
    )


@dataclass(frozen=True)
class CheckoutFacts:
    session_id: str
    customer_id: str
    subscription_id: str
    member_id: int | None
    is_subscription: bool
    is_paid: bool


def checkout_facts(obj: dict[str, Any]) -> CheckoutFacts:
    member = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("member_id")
    return CheckoutFacts(
        session_id=str(obj["id"]),
        customer_id=_id(obj.get("customer")),
        subscription_id=_id(obj.get("subscription")),
        member_id=_member_id(member),
        is_subscription=obj.get("mode") == "subscription",
        is_paid=obj.get("payment_status") in {"paid", "no_payment_required"},
    )
