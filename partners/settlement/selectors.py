"""Reads of settlement: a month's activity from the co-promotions' redemptions, the terms, the
entered revenue, and the statements a partner may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from partners.copromotions.models import CoPromotion, CoPromotionState, PartnerRedemption
from partners.organisations.models import Partner

from .compute import LateReversals, MonthActivity, Terms, next_month
from .models import CoPromotionRevenue, Statement, StatementLine, StatementState


def month_bounds(period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as [start, end) in the operator's time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(next_month(period), dt.time.min, tzinfo=tz)
    return start, end


def copromotion_terms(*, partner_id: int) -> dict[int, Terms]:
    rows = CoPromotion.objects.filter(partner_id=partner_id).values_list(
        "id", "title", "funding_per_redemption", "price_per_point", "revenue_share_percent"
    )
    return {row[0]: Terms(*row) for row in rows}


def copromotion_partner_id(*, copromotion_id: int) -> int | None:
    return CoPromotion.objects.filter(pk=copromotion_id).values_list("partner_id", flat=True).first()


def month_activity(*, partner_id: int, period: dt.date) -> list[MonthActivity]:
    """Per co-promotion: redemptions made in the month and not reversed in it, and their points."""
    start, end = month_bounds(period)
    rows = (
        PartnerRedemption.objects.filter(partner_id=partner_id, redeemed_at__gte=start, redeemed_at__lt=end)
        .filter(Q(reversed_at__isnull=True) | Q(reversed_at__gte=end))
        .values("copromotion_id")
        .annotate(redemptions=Count("id"), points=Sum("points"))
        .order_by("copromotion_id")
    )
    return [MonthActivity(r["copromotion_id"], r["redemptions"], r["points"] or 0) for r in rows]


def late_reversals(*, partner_id: int, period: dt.date) -> list[LateReversals]:
    """Per co-promotion and original month: reversals made in the month of earlier redemptions."""
    start, end = month_bounds(period)
    tz = timezone.get_current_timezone()
    rows = (
        PartnerRedemption.objects.filter(
            partner_id=partner_id, reversed_at__gte=start, reversed_at__lt=end, redeemed_at__lt=start
        )
        .annotate(original=TruncMonth("redeemed_at", tzinfo=tz))
        .values("copromotion_id", "original")
        .annotate(redemptions=Count("id"), points=Sum("points"))
        .order_by("copromotion_id", "original")
    )
    return [
        LateReversals(
            r["copromotion_id"],
            r["original"].date() if isinstance(r["original"], dt.datetime) else r["original"],
            r["redemptions"], r["points"] or 0,
        )
        for r in rows
    ]


def month_revenues(*, partner_id: int, period: dt.date) -> dict[int, Decimal]:
    rows = CoPromotionRevenue.objects.filter(copromotion__partner_id=partner_id, period=period)
    return dict(rows.values_list("copromotion_id", "revenue"))


def partners_to_settle() -> list[int]:
    """Partners with an approved co-promotion: each gets a statement every month (a month
    without activity gives a statement of zero, so the partner sees the month was settled)."""
    return list(
        Partner.objects.filter(copromotions__state=CoPromotionState.APPROVED)
        .values_list("id", flat=True).distinct().order_by("id")
    )


# --- what a partner sees ---------------------------------------------------------------------


def statements_issued_for_partner(*, partner_id: int) -> QuerySet[Statement]:
    return Statement.objects.filter(partner_id=partner_id, state=StatementState.ISSUED).order_by("-period")


def statement_lines(*, statement: Statement) -> QuerySet[StatementLine]:
    return StatementLine.objects.filter(statement=statement).order_by("position")
