"""Lifecycle triggers: birthday and activation anniversary coming up, a recent tier change,
points about to expire."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth
from django.db.models.lookups import Range
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks

from rewards.ledger.models import LotStatus, PointLot
from rewards.tiers.models import TierChange, TierChangeReason

from ..dates import day_start, last_days, month_day_spans
from ..validation import MAX_LOOKAHEAD_DAYS, MAX_LOOKBACK_DAYS, at_least_errors
from .base import DaysCondition, LiveChoicesBlock, as_ints
from .choices import tier_choices

LIFECYCLE = gettext_lazy("Lifecycle triggers")
EXPIRY_LOOKAHEAD_DAYS = 365  # expiry compares timestamps, not month and day: a year is fine
ONE_DAY = dt.timedelta(days=1)


def _month_day_within(field: str, on: dt.date, days: int) -> Q:
    """``field``'s month and day falls on ``on`` or one of the ``days`` days after it."""
    as_number = Coalesce(
        ExtractMonth(field) * 100 + ExtractDay(field), Value(0), output_field=IntegerField()
    )
    matched = Q()
    for span in month_day_spans(on, on + dt.timedelta(days=days)):
        matched |= Q(Range(as_number, span))
    return matched


def _ahead_text(days: int) -> str:
    if days == 0:
        return _("today")
    return _("today or in the next %(days)s days") % {"days": days}


class ComingUpCondition(DaysCondition):
    """A member's date (``date_field``) comes round today or in the next ``days`` days, by
    month and day; a 29 February date counts on 28 February in other years."""

    date_field = ""
    min_days, max_days = 0, MAX_LOOKAHEAD_DAYS
    days = blocks.IntegerBlock(min_value=0, max_value=MAX_LOOKAHEAD_DAYS, default=0,
                               label=gettext_lazy("Today or within the next (days)"),
                               help_text=gettext_lazy("0: today only."))

    def member_filter(self, value, *, on):
        return _month_day_within(self.date_field, on, value["days"])

    def describe(self, value):
        return str(self.text) % {"when": _ahead_text(value["days"])}


class BirthdayCondition(ComingUpCondition):
    date_field = "birth_date"
    text = gettext_lazy("Birthday %(when)s")

    class Meta:
        label = gettext_lazy("Birthday")
        icon = "date"
        group = LIFECYCLE


class AnniversaryCondition(ComingUpCondition):
    date_field = "activation_date"
    text = gettext_lazy("Activation anniversary %(when)s")

    class Meta:
        label = gettext_lazy("Activation anniversary")
        icon = "date"
        group = LIFECYCLE

    def member_filter(self, value, *, on):
        # Activated before today: the window (shorter than a year) then holds the 1st or a
        # later anniversary, never the activation day itself.
        return super().member_filter(value, on=on) & Q(activation_date__lt=on)


class TierDirection(blocks.ChoiceBlock):
    choices = [
        ("upgrade", gettext_lazy("moved up")),
        ("downgrade", gettext_lazy("moved down")),
        ("either", gettext_lazy("moved up or down")),
    ]


class TierChangeCondition(DaysCondition):
    direction = TierDirection(default="upgrade", label=gettext_lazy("Tier"))
    days = blocks.IntegerBlock(
        min_value=1, max_value=MAX_LOOKBACK_DAYS, default=7, label=gettext_lazy("In the last (days)"),
        help_text=gettext_lazy("Today included."),
    )
    to_tiers = LiveChoicesBlock(tier_choices, required=False, label=gettext_lazy("Into (optional)"))

    class Meta:
        label = gettext_lazy("Tier change")
        icon = "order"
        group = LIFECYCLE

    def member_filter(self, value, *, on):
        first, last = last_days(on, value["days"])
        reasons = {
            "upgrade": [TierChangeReason.UPGRADE], "downgrade": [TierChangeReason.DOWNGRADE],
        }.get(value["direction"], [TierChangeReason.UPGRADE, TierChangeReason.DOWNGRADE])
        changes = TierChange.objects.filter(member=OuterRef("pk"), on__gte=first, on__lte=last,
                                            reason__in=reasons)
        if value["to_tiers"]:
            changes = changes.filter(to_tier_id__in=as_ints(value["to_tiers"]))
        return Q(Exists(changes))

    def describe(self, value):
        text = _("Tier %(direction)s in the last %(days)s days") % {
            "direction": self.labels("direction", [value["direction"]]), "days": value["days"],
        }
        if value["to_tiers"]:
            text += " " + _("into %(tiers)s") % {"tiers": self.labels("to_tiers", value["to_tiers"])}
        return text


class ExpiringPointsCondition(DaysCondition):
    min_days, max_days = 0, EXPIRY_LOOKAHEAD_DAYS
    days = blocks.IntegerBlock(min_value=0, max_value=EXPIRY_LOOKAHEAD_DAYS, default=30,
                               label=gettext_lazy("Expiring today or within the next (days)"))
    min_points = blocks.IntegerBlock(min_value=1, default=1, label=gettext_lazy("At least (points)"),
                                     help_text=gettext_lazy("Points of cleared and still clearing lots, "
                                                            "as the member's statement shows them."))

    class Meta:
        label = gettext_lazy("Points about to expire")
        icon = "warning"
        group = LIFECYCLE

    def member_filter(self, value, *, on):
        last = on + dt.timedelta(days=value["days"])
        lots = PointLot.objects.filter(
            member=OuterRef("pk"), status__in=[LotStatus.ACTIVE, LotStatus.PENDING], remaining__gt=0,
            expires_at__gte=day_start(on), expires_at__lt=day_start(last + ONE_DAY),
        )
        if value["min_points"] > 1:  # a sum is per member; "any lot" lets the planner join
            lots = lots.values("member").annotate(total=Sum("remaining")).filter(
                total__gte=value["min_points"]
            )
        return Q(Exists(lots))

    def value_errors(self, value):
        points = at_least_errors(value["min_points"], field="min_points", minimum=1)
        return {**super().value_errors(value), **points}

    def describe(self, value):
        return _("At least %(points)s points expiring %(when)s") % {
            "points": value["min_points"], "when": _ahead_text(value["days"]),
        }
