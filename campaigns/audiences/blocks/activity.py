"""Conditions on what the member spends, holds and does: rolling spend, points balance,
recent redemptions, and no usage for a while."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy
from wagtail import blocks

from rewards.activity.models import MonthlyActivity
from rewards.activity.selectors import ROLLING_MONTHS, rolling_window_start
from rewards.billing.models import BillingEvent, EventKind, EventState
from rewards.catalogue.models import Redemption, RedemptionState
from rewards.ledger.models import PointsAccount

from ..dates import day_start, last_days
from ..validation import MAX_LOOKBACK_DAYS
from .base import DaysCondition, RangeCondition

ACTIVITY = gettext_lazy("Spend and activity")
ONE_DAY = dt.timedelta(days=1)


def _between(field: str, low, high) -> Q:
    matched = Q()
    if low is not None:
        matched &= Q(**{f"{field}__gte": low})
    if high is not None:
        matched &= Q(**{f"{field}__lte": high})
    return matched


def _zero_inside(low, high) -> bool:
    return (low is None or low <= 0) and (high is None or high >= 0)


def _total_in_range(rows, *, low, high) -> Q:
    """Members whose ``total`` (one value per member from ``rows``, correlated to the member,
    absent = 0) is within ``low``..``high``: "some row in range" when 0 is outside the range,
    "no row out of range" when 0 is inside it, so a member without any row is counted right
    and each member's total is computed once."""
    inside = _between("total", low, high)
    if _zero_inside(low, high):
        return ~Q(Exists(rows.exclude(inside)))
    return Q(Exists(rows.filter(inside)))


class SpendCondition(RangeCondition):
    low_field, high_field = "min_spend", "max_spend"
    text = gettext_lazy("Spend in the last 12 months %(range)s")
    min_spend = blocks.DecimalBlock(required=False, min_value=0, label=gettext_lazy("From"))
    max_spend = blocks.DecimalBlock(required=False, min_value=0, label=gettext_lazy("To"),
                                    help_text=gettext_lazy("Both ends included."))

    class Meta:
        label = gettext_lazy("Spend in the last 12 months")
        icon = "table"
        group = ACTIVITY

    def member_filter(self, value, *, on):
        # The tiers' "rolling 12-month spend": the calendar months rewards.activity counts.
        months = (
            MonthlyActivity.objects.filter(
                member=OuterRef("pk"), month__gte=rolling_window_start(on, ROLLING_MONTHS), month__lte=on
            )
            .values("member")
            .annotate(total=Sum("spend"))
        )
        low, high = self.bounds(value)
        return _total_in_range(months, low=low, high=high)


class PointsBalanceCondition(RangeCondition):
    low_field, high_field = "min_points", "max_points"
    text = gettext_lazy("Points balance %(range)s")
    min_points = blocks.IntegerBlock(required=False, min_value=0, label=gettext_lazy("From"))
    max_points = blocks.IntegerBlock(
        required=False, min_value=0, label=gettext_lazy("To"),
        help_text=gettext_lazy("Available plus pending points; both ends included."),
    )

    class Meta:
        label = gettext_lazy("Points balance")
        icon = "pick"
        group = ACTIVITY

    def member_filter(self, value, *, on):
        # The balance is the account's current one (it has no history by day).
        accounts = PointsAccount.objects.filter(member=OuterRef("pk")).annotate(
            total=F("available") + F("pending")
        )
        low, high = self.bounds(value)
        return _total_in_range(accounts, low=low, high=high)


class RecentRedemptionCondition(DaysCondition):
    text = gettext_lazy("Redeemed a reward in the last %(days)s days")
    days = blocks.IntegerBlock(min_value=1, max_value=MAX_LOOKBACK_DAYS, default=30,
                               label=gettext_lazy("In the last (days)"),
                               help_text=gettext_lazy("Today included; cancelled redemptions do not count."))

    class Meta:
        label = gettext_lazy("Redeemed recently")
        icon = "gift"
        group = ACTIVITY

    def member_filter(self, value, *, on):
        first, last = last_days(on, value["days"])
        redemptions = Redemption.objects.filter(
            member=OuterRef("pk"), created_at__gte=day_start(first), created_at__lt=day_start(last + ONE_DAY)
        ).exclude(state=RedemptionState.CANCELLED)
        return Q(Exists(redemptions))


class NoUsageCondition(DaysCondition):
    text = gettext_lazy("No usage for %(days)s days")
    days = blocks.IntegerBlock(min_value=1, max_value=MAX_LOOKBACK_DAYS, default=30,
                               label=gettext_lazy("No usage for (days)"),
                               help_text=gettext_lazy(
                                   "No usage in this many days up to today. Lines activated since "
                                   "the start of that period do not match: they are new, not lapsed."))

    class Meta:
        label = gettext_lazy("No usage")
        icon = "warning"
        group = ACTIVITY

    def member_filter(self, value, *, on):
        first, last = last_days(on, value["days"])
        usage = BillingEvent.objects.filter(
            member=OuterRef("pk"), kind=EventKind.USAGE, occurred_at__gte=day_start(first),
            occurred_at__lt=day_start(last + ONE_DAY), state=EventState.APPLIED,
        )
        return ~Q(Exists(usage)) & Q(activation_date__lt=first)
