"""Plain values of the discount quote: a schedule as the quote reads it, and what it answers.

No database here: ``selectors`` turns live ``DiscountSchedule`` rows into ``ScheduleSpec``s and
``quote`` computes with them, so every rule can be unit-tested without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .choices import ALL_CUSTOMER_TYPES, DiscountKind, Stacking


@dataclass(frozen=True)
class VolumeBracketSpec:
    """Rolling 12-month spend from ``spend_from`` (inclusive) gives ``percent`` off."""

    spend_from: Decimal
    percent: Decimal


@dataclass(frozen=True)
class TenureBandSpec:
    """``years_from`` full years since activation (inclusive) give ``percent`` off."""

    years_from: int
    percent: Decimal


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    stacking: Stacking
    volume_brackets: tuple[VolumeBracketSpec, ...] = ()
    tenure_bands: tuple[TenureBandSpec, ...] = ()
    cap_percent: Decimal | None = None
    customer_types: frozenset[str] = frozenset({ALL_CUSTOMER_TYPES})
    valid_from: dt.date | None = None
    id: int | None = None

    @property
    def applies_to_all_customer_types(self) -> bool:
        return ALL_CUSTOMER_TYPES in self.customer_types

    def applies_to(self, customer_type: str) -> bool:
        return self.applies_to_all_customer_types or customer_type in self.customer_types


@dataclass(frozen=True)
class DiscountRate:
    """One applicable percentage and why (no bill needed: what the member's dashboard shows)."""

    kind: DiscountKind
    percent: Decimal
    reason: str


@dataclass(frozen=True)
class NextVolumeBracket:
    spend_from: Decimal
    percent: Decimal
    spend_missing: Decimal


@dataclass(frozen=True)
class NextTenureBand:
    years_from: int
    percent: Decimal


@dataclass(frozen=True)
class DiscountRates:
    rates: tuple[DiscountRate, ...]
    total_percent: Decimal
    note: str = ""
    next_volume: NextVolumeBracket | None = None
    next_tenure: NextTenureBand | None = None


@dataclass(frozen=True)
class DiscountLine:
    kind: DiscountKind
    percent: Decimal
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class DiscountQuote:
    """The discount on one bill: ``sum(line.amount) == total_discount``, exactly, and
    ``total_discount + payable == bill_amount``."""

    bill_amount: Decimal
    currency: str
    lines: tuple[DiscountLine, ...]
    total_percent: Decimal
    total_discount: Decimal
    payable: Decimal
    schedule_id: int | None = None
    schedule_name: str = ""
    note: str = ""
