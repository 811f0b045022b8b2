"""What the bundle services answer: typed results with stable error codes and a message for
the member (translated)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ..pricing import PricedLine, QuantityProblem


class BundleErrorCode(StrEnum):
    MEMBER_NOT_FOUND = "member_not_found"
    MEMBER_INACTIVE = "member_inactive"
    NOT_AVAILABLE = "not_available"
    NOT_SUITED = "not_suited"
    INVALID_QUANTITIES = "invalid_quantities"
    INVALID_EXTRA_PERCENT = "invalid_extra_percent"
    INVALID_REQUEST = "invalid_request"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    ORDER_NOT_FOUND = "order_not_found"
    NOT_RETURNABLE = "not_returnable"
    WINDOW_CLOSED = "window_closed"


@dataclass(frozen=True)
class BundleDiscount:
    """One discount on the bundle's list price, and why ("5% for 3 years with us")."""

    kind: str  # volume, tenure, offer (rewards.discounts.choices.DiscountKind)
    percent: Decimal
    amount: Decimal
    reason: str

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "percent": str(self.percent),
            "amount": str(self.amount),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class BundleQuote:
    """A bundle priced for one member on one day: ``list_price - total_discount == total``,
    ``sum(line.amount) == list_price`` and ``sum(discount.amount) == total_discount``, exactly."""

    member_id: int
    template_id: int
    on: dt.date | None = None
    currency: str = ""
    lines: tuple[PricedLine, ...] = ()
    list_price: Decimal = Decimal(0)
    discounts: tuple[BundleDiscount, ...] = ()
    total_discount: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    note: str = ""
    error: BundleErrorCode | None = None
    message: str = ""
    problems: tuple[QuantityProblem, ...] = ()

    @property
    def is_success(self) -> bool:
        return self.error is None

    def prices_json(self) -> dict:
        return {
            "on": self.on.isoformat() if self.on else None,
            "currency": self.currency,
            "list_price": str(self.list_price),
            "discounts": [d.as_json() for d in self.discounts],
            "total_discount": str(self.total_discount),
            "total": str(self.total),
            "note": self.note,
        }


@dataclass(frozen=True)
class BundleOrderReceipt:
    """One order as its member sees it; the same for the first answer and every replay."""

    order_id: int
    member_id: int
    template_id: int
    status: str
    currency: str
    list_price: Decimal
    total: Decimal
    placed_at: dt.datetime
    return_until: dt.datetime | None


@dataclass(frozen=True)
class BundleOrderResult:
    order: BundleOrderReceipt | None = None
    error: BundleErrorCode | None = None
    message: str = ""
    problems: tuple[QuantityProblem, ...] = ()
    replayed: bool = False

    @property
    def is_success(self) -> bool:
        return self.order is not None


@dataclass(frozen=True)
class BundleReturnResult:
    order_id: int
    status: str = ""
    error: BundleErrorCode | None = None
    message: str = ""
    already_returned: bool = False

    @property
    def is_success(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class BundleOutboxRowState:
    id: int
    state: str | None  # None: no such row


class Refused(Exception):
    """Raised inside a transaction to roll it back and answer with a typed error."""

    def __init__(self, code: BundleErrorCode, message: str, problems: tuple[QuantityProblem, ...] = ()):
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = problems
