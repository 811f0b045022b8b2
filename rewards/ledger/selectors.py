"""Reads of the points ledger: balances, statements, points about to expire."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import LedgerEntry, LotStatus, PointLot, PointsAccount

EXPIRING_SOON_DAYS = 30


@dataclass(frozen=True)
class PointsBalance:
    available: int
    pending: int

    @property
    def total(self) -> int:
        return self.available + self.pending


@dataclass(frozen=True)
class ExpiringPoints:
    points: int
    first_expiry: dt.datetime | None
    within_days: int


def points_balance(*, member_id: int) -> PointsBalance:
    row = PointsAccount.objects.filter(member_id=member_id).values_list("available", "pending").first()
    return PointsBalance(*(row or (0, 0)))


def member_statement(
    *, member_id: int, kinds: list[str] | None = None, since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[LedgerEntry]:
    """The member's ledger entries, newest first, optionally filtered by kind and time."""
    entries = LedgerEntry.objects.filter(member_id=member_id).select_related("staff_user")
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if since:
        entries = entries.filter(created_at__gte=since)
    if until:
        entries = entries.filter(created_at__lt=until)
    return entries.order_by("-created_at", "-id")


@dataclass(frozen=True)
class StatementTotals:
    credits: int  # the sum of the positive entries
    debits: int  # the sum of the negative entries (zero or less)
    entries: int

    @property
    def net(self) -> int:
        return self.credits + self.debits


def member_statement_totals(
    *, member_id: int, kinds: list[str] | None = None, since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> StatementTotals:
    """Credits, debits and the number of the entries ``member_statement`` lists (one query)."""
    row = member_statement(member_id=member_id, kinds=kinds, since=since, until=until).order_by().aggregate(
        credits=Sum("points", filter=Q(points__gt=0)), debits=Sum("points", filter=Q(points__lt=0)),
        entries=Count("id"),
    )
    return StatementTotals(credits=row["credits"] or 0, debits=row["debits"] or 0, entries=row["entries"])


def ledger_sum(*, member_id: int) -> int:
    return LedgerEntry.objects.filter(member_id=member_id).aggregate(total=Sum("points"))["total"] or 0


def expiring_until(*, now: dt.datetime, within_days: int = EXPIRING_SOON_DAYS) -> dt.datetime:
    return now + dt.timedelta(days=within_days)


def _expiring_lots(*, within_days: int, now: dt.datetime | None = None) -> QuerySet[PointLot]:
    now = now or timezone.now()
    return _lots_expiring_between(now=now, until=expiring_until(now=now, within_days=within_days))


def _lots_expiring_between(*, now: dt.datetime, until: dt.datetime) -> QuerySet[PointLot]:
    return PointLot.objects.filter(
        Q(status=LotStatus.ACTIVE) | Q(status=LotStatus.PENDING),
        remaining__gt=0, expires_at__gt=now, expires_at__lte=until,
    )


def points_expiring(
    *, member_id: int, within_days: int = EXPIRING_SOON_DAYS, now: dt.datetime | None = None
) -> ExpiringPoints:
    """Points of the member that expire in the next ``within_days`` days, and the first date."""
    row = _expiring_lots(within_days=within_days, now=now).filter(member_id=member_id).aggregate(
        points=Sum("remaining"), first=Min("expires_at")
    )
    return ExpiringPoints(points=row["points"] or 0, first_expiry=row["first"], within_days=within_days)


def points_expiring_annotations(*, now: dt.datetime, until: dt.datetime) -> dict[str, Coalesce | Subquery]:
    """Expressions for ``Member`` querysets: ``points_expiring`` and ``points_first_expiry``,
    what ``points_expiring`` answers for ``until = now + within_days``, read in the member's own
    query (see ``cms.portal_dashboard``)."""
    lots = _lots_expiring_between(now=now, until=until).filter(member_id=OuterRef("pk"))
    lots = lots.order_by().values("member_id")
    return {
        "points_expiring": Coalesce(
            Subquery(lots.annotate(total=Sum("remaining")).values("total"), output_field=IntegerField()),
            Value(0),
        ),
        "points_first_expiry": Subquery(lots.annotate(first=Min("expires_at")).values("first")),
    }


def members_with_points_expiring(
    *, within_days: int = EXPIRING_SOON_DAYS, now: dt.datetime | None = None
) -> QuerySet:
    """``member_id, points`` for every member with points expiring soon (one query)."""
    return (
        _expiring_lots(within_days=within_days, now=now)
        .values("member_id").annotate(points=Sum("remaining")).order_by("member_id")
    )

