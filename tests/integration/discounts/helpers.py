"""Building discount schedules, spend and operator tokens for the discounts tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rewards.activity.models import MonthlyActivity
from rewards.discounts.choices import ALL_CUSTOMER_TYPES, Stacking
from rewards.discounts.models import DiscountSchedule, TenureBand, VolumeBracket
from rewards.models import OperatorApiToken

M = 1_000_000
QUOTES_URL = "/api/operator/v1/quotes"
BATCH_URL = "/api/operator/v1/quotes/batch"


def live_schedule(
    *,
    name: str = "Everyone 2026",
    customer_types: list[str] | None = None,
    stacking: str = Stacking.BEST_OF,
    cap: str | None = None,
    brackets: list[tuple[int, str]] = ((10 * M, "2"), (20 * M, "3"), (50 * M, "5")),
    bands: list[tuple[int, str]] = ((1, "1"), (3, "5"), (5, "7")),
    valid_from: dt.date = dt.date(2025, 1, 1),
    valid_until: dt.date | None = None,
    live: bool = True,
) -> DiscountSchedule:
    """A published schedule (``live=False``: a draft never published)."""
    schedule = DiscountSchedule.objects.create(
        name=name, customer_types=customer_types or [ALL_CUSTOMER_TYPES], stacking=stacking,
        cap_percent=Decimal(cap) if cap is not None else None, valid_from=valid_from,
        valid_until=valid_until, live=live,
    )
    VolumeBracket.objects.bulk_create(
        VolumeBracket(schedule=schedule, spend_from=Decimal(spend), percent=Decimal(percent), sort_order=i)
        for i, (spend, percent) in enumerate(brackets)
    )
    TenureBand.objects.bulk_create(
        TenureBand(schedule=schedule, years_from=years, percent=Decimal(percent), sort_order=i)
        for i, (years, percent) in enumerate(bands)
    )
    return schedule


def spend(member, *months: tuple[dt.date, int | str]) -> None:
    MonthlyActivity.objects.bulk_create(
        MonthlyActivity(member=member, month=month, spend=Decimal(amount), bills_paid=1)
        for month, amount in months
    )


def monthly_spend(member, *, total: int, last_month: dt.date, months: int = 12) -> None:
    """``total`` spread evenly over the ``months`` months ending with ``last_month``."""
    rows = []
    index = last_month.year * 12 + last_month.month - 1
    for offset in range(months):
        at = index - offset
        rows.append((dt.date(at // 12, at % 12 + 1, 1), total // months))
    spend(member, *rows)


def bearer(scopes: list[str] | None = None) -> dict[str, str]:
    _token, raw = OperatorApiToken.issue(name="billing", scopes=scopes or ["quotes"])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
