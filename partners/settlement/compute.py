"""A month's statement lines from the month's activity and the agreed terms: pure, no database.

The rules (docs/partners.md, "Settlement"):

- a redemption counts in the month it was made, unless it was reversed in that same month
  (then the two net out and neither appears);
- a reversal made in a later month is an adjustment line of the reversal's month, at the terms
  of the co-promotion, whatever state the earlier statement is in (an issued one never changes);
- funding per redemption: redemptions x the agreed amount; funding per point: points credited x
  the agreed price per point; revenue share: the co-branded service's revenue of the month
  (entered by the operator) x the operator's agreed share percent;
- all of these are owed by the partner to the operator (positive); adjustments are credits to
  the partner (negative);
- every line's amount is quantised to the currency's minor unit (half up); totals are sums of
  the lines, so a total always equals the lines shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Terms:
    """A co-promotion's agreed terms (None or 0: not agreed)."""

    copromotion_id: int
    title: str
    funding_per_redemption: Decimal | None = None
    price_per_point: Decimal | None = None
    revenue_share_percent: Decimal | None = None


@dataclass(frozen=True)
class MonthActivity:
    """A co-promotion's redemptions made in the month and not reversed in it."""

    copromotion_id: int
    redemptions: int
    points: int


@dataclass(frozen=True)
class LateReversals:
    """Reversals made in the month of redemptions made in an earlier month."""

    copromotion_id: int
    original_period: dt.date
    redemptions: int
    points: int


@dataclass(frozen=True)
class LineSpec:
    kind: str
    copromotion_id: int
    copromotion_title: str
    quantity: Decimal
    unit_amount: Decimal
    amount: Decimal
    original_period: dt.date | None = None


@dataclass(frozen=True)
class StatementFigures:
    lines: list[LineSpec]
    redemptions: int = 0
    points_credited: int = 0
    reversals: int = 0
    funding_total: Decimal = ZERO
    revenue_share_total: Decimal = ZERO
    adjustments_total: Decimal = ZERO
    net_total: Decimal = ZERO
    missing_terms: list[int] = field(default_factory=list)


def _agreed(value: Decimal | None) -> bool:
    return value is not None and value > 0


def _money(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def statement_figures_compute(
    *,
    terms: Mapping[int, Terms],
    activity: Iterable[MonthActivity],
    late_reversals: Iterable[LateReversals],
    revenues: Mapping[int, Decimal],
    quantum: Decimal,
) -> StatementFigures:
    """The lines and totals of one partner's month. ``terms`` must hold every co-promotion named
    in the other arguments; one that is missing is reported in ``missing_terms`` and left out."""
    lines: list[LineSpec] = []
    missing: set[int] = set()
    redemptions = points = reversals = 0

    def terms_of(copromotion_id: int) -> Terms | None:
        found = terms.get(copromotion_id)
        if found is None:
            missing.add(copromotion_id)
        return found

    for row in sorted(activity, key=lambda r: r.copromotion_id):
        t = terms_of(row.copromotion_id)
        if t is None:
            continue
        redemptions += row.redemptions
        points += row.points
        if _agreed(t.funding_per_redemption) and row.redemptions:
            lines.append(LineSpec(
                "redemption_funding", t.copromotion_id, t.title, Decimal(row.redemptions),
                t.funding_per_redemption, _money(row.redemptions * t.funding_per_redemption, quantum),
            ))
        if _agreed(t.price_per_point) and row.points:
            lines.append(LineSpec(
                "points_funding", t.copromotion_id, t.title, Decimal(row.points),
                t.price_per_point, _money(row.points * t.price_per_point, quantum),
            ))

    for copromotion_id, revenue in sorted(revenues.items()):
        t = terms_of(copromotion_id)
        if t is None or not _agreed(t.revenue_share_percent) or not revenue:
            continue
        lines.append(LineSpec(
            "revenue_share", t.copromotion_id, t.title, revenue, t.revenue_share_percent,
            _money(revenue * t.revenue_share_percent / HUNDRED, quantum),
        ))

    for row in sorted(late_reversals, key=lambda r: (r.copromotion_id, r.original_period)):
        t = terms_of(row.copromotion_id)
        if t is None:
            continue
        reversals += row.redemptions
        if _agreed(t.funding_per_redemption) and row.redemptions:
            lines.append(LineSpec(
                "redemption_reversal", t.copromotion_id, t.title, Decimal(-row.redemptions),
                t.funding_per_redemption, -_money(row.redemptions * t.funding_per_redemption, quantum),
                row.original_period,
            ))
        if _agreed(t.price_per_point) and row.points:
            lines.append(LineSpec(
                "points_reversal", t.copromotion_id, t.title, Decimal(-row.points),
                t.price_per_point, -_money(row.points * t.price_per_point, quantum),
                row.original_period,
            ))

    funding = sum((line.amount for line in lines if line.kind.endswith("_funding")), ZERO)
    share = sum((line.amount for line in lines if line.kind == "revenue_share"), ZERO)
    adjustments = sum((line.amount for line in lines if line.kind.endswith("_reversal")), ZERO)
    return StatementFigures(
        lines=lines, redemptions=redemptions, points_credited=points, reversals=reversals,
        funding_total=funding, revenue_share_total=share, adjustments_total=adjustments,
        net_total=funding + share + adjustments, missing_terms=sorted(missing),
    )


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def next_month(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(period: dt.date) -> dt.date:
    return (period.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
