"""Reads of member activity: rolling spend ("volume") over the last twelve months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import BigIntegerField, Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import MonthlyActivity

ROLLING_MONTHS = 12


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def rolling_window_start(on: dt.date, months: int = ROLLING_MONTHS) -> dt.date:
    """The first month inside a rolling window of ``months`` that ends with ``on``'s month."""
    index = on.year * 12 + (on.month - 1) - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def rolling_spend_subquery(*, on: dt.date, months: int = ROLLING_MONTHS):
    """An expression for ``Member`` querysets: the member's spend in the rolling window."""
    return spend_between_subquery(first_month=rolling_window_start(on, months), last_day=on)


def spend_between_subquery(*, first_month: dt.date, last_day: dt.date):
    """An expression for ``Member`` querysets: the member's spend from the month ``first_month``
    to ``last_day`` (the rolling window when ``first_month`` is ``rolling_window_start``)."""
    window = (
        MonthlyActivity.objects.filter(member=OuterRef("pk"), month__gte=first_month, month__lte=last_day)
        .values("member")
        .annotate(total=Sum("spend"))
        .values("total")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    return Coalesce(Subquery(window, output_field=money), Value(Decimal(0)), output_field=money)


USAGE_TOTALS = ("usage_months", "usage_data_mb", "usage_voice_minutes", "usage_sms")


def usage_between_annotations(*, first_month: dt.date, last_month: dt.date) -> dict:
    """Expressions for ``Member`` querysets, named as ``USAGE_TOTALS``: how many months from
    ``first_month`` to ``last_month`` (first days of months) have activity, and the member's
    data (MB), voice minutes and SMS over them (0 when none)."""
    rows = MonthlyActivity.objects.filter(
        member=OuterRef("pk"), month__gte=first_month, month__lte=last_month
    )

    def total(aggregate):
        per_member = rows.values("member").annotate(total=aggregate).values("total")
        return Coalesce(Subquery(per_member, output_field=BigIntegerField()), Value(0),
                        output_field=BigIntegerField())

    return dict(zip(USAGE_TOTALS, (total(Count("pk")), total(Sum("data_mb")), total(Sum("voice_minutes")),
                                   total(Sum("sms"))), strict=True))


def rolling_spend_by_member(
    *, member_ids: Iterable[int] | None = None, on: dt.date, months: int = ROLLING_MONTHS
) -> dict[int, Decimal]:
    """Rolling spend of ``member_ids`` (every member with activity if ``None``); absent = 0."""
    rows = MonthlyActivity.objects.filter(month__gte=rolling_window_start(on, months), month__lte=on)
    if member_ids is not None:
        rows = rows.filter(member_id__in=list(member_ids))
    return dict(rows.values("member_id").annotate(total=Sum("spend")).values_list("member_id", "total"))


def member_rolling_spend(*, member_id: int, on: dt.date, months: int = ROLLING_MONTHS) -> Decimal:
    return rolling_spend_by_member(member_ids=[member_id], on=on, months=months).get(member_id, Decimal(0))
