"""What the redemption services answer: typed results with stable error codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class RedemptionErrorCode(StrEnum):
    INSUFFICIENT_POINTS = "insufficient_points"
    OUT_OF_STOCK = "out_of_stock"
    LIMIT_REACHED = "limit_reached"
    TIER_REQUIRED = "tier_required"
    NOT_AVAILABLE = "not_available"
    ADDRESS_REQUIRED = "address_required"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"


class CancelErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    WINDOW_CLOSED = "window_closed"
    ALREADY_FULFILLED = "already_fulfilled"
    ALREADY_APPLIED = "already_applied"


@dataclass(frozen=True)
class RedemptionReceipt:
    """One redemption as its member sees it; the same for the first answer and every replay."""

    redemption_id: int
    reward_id: int
    member_id: int
    points: int
    state: str
    voucher_code: str
    created_at: dt.datetime
    cancel_deadline: dt.datetime | None


@dataclass(frozen=True)
class RedemptionResult:
    receipt: RedemptionReceipt | None = None
    error: RedemptionErrorCode | None = None
    message: str = ""
    replayed: bool = False

    @property
    def is_success(self) -> bool:
        return self.receipt is not None


@dataclass(frozen=True)
class CancelResult:
    redemption_id: int
    state: str
    error: CancelErrorCode | None = None
    message: str = ""
    already_cancelled: bool = False

    @property
    def is_success(self) -> bool:
        return self.error is None


class Refused(Exception):
    """Raised inside a transaction to roll it back and answer with a typed error."""

    def __init__(self, code, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
