"""Uplift against the holdout, as pure arithmetic on two groups' sums (no database)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

Z95 = 1.959964


@dataclass(frozen=True)
class GroupOutcome:
    """Members of one group and what they spent in the window after their contact (or, for
    the holdout, after the moment they would have been contacted)."""

    members: int
    spend: Decimal
    spend_squares: Decimal
    spenders: int

    @property
    def mean_spend(self) -> Decimal:
        return self.spend / self.members if self.members else Decimal(0)

    @property
    def spender_rate(self) -> float:
        return self.spenders / self.members if self.members else 0.0

    @property
    def spend_variance(self) -> float:
        if self.members < 2:
            return 0.0
        mean = float(self.spend) / self.members
        return max((float(self.spend_squares) - self.members * mean * mean) / (self.members - 1), 0.0)


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def is_significant(self) -> bool:
        """The 95% interval leaves zero out."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Uplift:
    days: int
    treated: GroupOutcome
    holdout: GroupOutcome

    @property
    def is_measurable(self) -> bool:
        return self.treated.members >= 2 and self.holdout.members >= 2

    @property
    def spend_per_member(self) -> Interval | None:
        """Treated minus holdout mean spend, with Welch's normal-approximation 95% interval."""
        if not self.is_measurable:
            return None
        difference = float(self.treated.mean_spend - self.holdout.mean_spend)
        error = math.sqrt(self.treated.spend_variance / self.treated.members
                          + self.holdout.spend_variance / self.holdout.members)
        return Interval(difference, difference - Z95 * error, difference + Z95 * error)

    @property
    def spender_rate(self) -> Interval | None:
        """Treated minus holdout share of members who spent at all, in points of 1."""
        if not self.is_measurable:
            return None
        p1, n1 = self.treated.spender_rate, self.treated.members
        p0, n0 = self.holdout.spender_rate, self.holdout.members
        difference = p1 - p0
        error = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
        return Interval(difference, difference - Z95 * error, difference + Z95 * error)

    @property
    def relative_spend(self) -> float | None:
        """Treated mean spend over holdout mean spend, minus one (None without holdout spend)."""
        if not self.is_measurable or not self.holdout.mean_spend:
            return None
        return float(self.treated.mean_spend / self.holdout.mean_spend) - 1
