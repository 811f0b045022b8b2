"""What the code services answer: value objects with stable error codes (the partner API maps
them to HTTP statuses). None of them names the member a code was given to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class CodeError(StrEnum):
    CODE_NOT_FOUND = "code_not_found"  # unknown, or another partner's: the same answer
    CODE_NOT_ISSUED = "code_not_issued"  # in the pool but not given to any member yet
    CODE_ALREADY_REDEEMED = "code_already_redeemed"
    PROMOTION_NOT_RUNNING = "promotion_not_running"
    BUDGET_EXHAUSTED = "budget_exhausted"
    REDEMPTION_NOT_FOUND = "redemption_not_found"
    NOT_REDEEMED = "not_redeemed"  # reversing a code with no live redemption


@dataclass(frozen=True)
class Benefit:
    """What the member gets, in the partner's terms."""

    kind: str
    bonus_points: int | None = None
    discount_percent: Decimal | None = None
    discount_amount: Decimal | None = None


@dataclass(frozen=True)
class CodeCheck:
    """``code_validate``'s answer: redeemable or not, and for which co-promotion."""

    code: str
    error: CodeError | None = None
    message: str = ""
    copromotion_id: int | None = None
    copromotion_title: str = ""
    benefit: Benefit | None = None

    @property
    def is_valid(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class RedeemResult:
    error: CodeError | None = None
    message: str = ""
    redemption_id: int | None = None
    copromotion_id: int | None = None
    code: str = ""
    points: int = 0
    amount: Decimal = Decimal(0)
    redeemed_at: dt.datetime | None = None
    benefit: Benefit | None = None

    @property
    def is_success(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ReverseResult:
    error: CodeError | None = None
    message: str = ""
    redemption_id: int | None = None
    copromotion_id: int | None = None
    reversed_at: dt.datetime | None = None
    replayed: bool = False  # it was reversed already: nothing changed this time

    @property
    def is_success(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class CodeUploadReport:
    added: int
    problems: list[str]  # "line N: message"; when any, nothing was written

    @property
    def is_success(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ClaimResult:
    code: str = ""
    error: str = ""  # "not_offered", "promotion_not_running", "no_codes_left"
    message: str = ""

    @property
    def is_success(self) -> bool:
        return not self.error
