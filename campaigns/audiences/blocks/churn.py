"""The churn-risk condition: members whose churn score (``club.profiles``, issue 7) is at least a
given chance of leaving, or in chosen risk bands, for retention campaigns. A member without a
score (no consent to profiling, not scored yet) never matches, nor does one who has withdrawn
consent since the last scoring; "exclude" keeps them."""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks

from club.profiles.churn.bands import RiskBand, band_bounds
from club.profiles.models import MemberProfile

from ..validation import any_given_errors
from .base import ConditionBlock, tick_boxes
from .profile import PROFILE


def _band_range(band: str) -> Q:
    low, high = band_bounds(band)
    return Q(churn_score__gte=low) & (Q(churn_score__lt=high) if high is not None else Q())


class ChurnRiskCondition(ConditionBlock):
    min_percent = blocks.IntegerBlock(
        required=False, min_value=0, max_value=100,
        # xgettext:no-python-format ("% c" is not a placeholder: the label is never formatted)
        label=gettext_lazy("At least (% chance of leaving)"),
        help_text=gettext_lazy("The model's estimate for each member, 0 to 100."))
    bands = tick_boxes(RiskBand.choices, required=False, label=gettext_lazy("Risk bands"))

    class Meta:
        label = gettext_lazy("Churn risk")
        icon = "warning"
        group = PROFILE

    def member_filter(self, value, *, on):
        scores = MemberProfile.objects.filter(member=OuterRef("pk"), churn_score__isnull=False)
        if value["min_percent"] is not None:
            scores = scores.filter(churn_score__gte=value["min_percent"] / 100)
        if value["bands"]:
            scores = scores.filter(reduce(operator.or_, (_band_range(band) for band in value["bands"])))
        # consent is read live: a member who withdrew it since the last scoring no longer matches
        return Q(consent_profiling=True) & Q(Exists(scores))

    def value_errors(self, value):
        return any_given_errors({"min_percent": value["min_percent"], "bands": value["bands"]}, field="")

    def describe(self, value):
        parts = []
        if value["min_percent"] is not None:
            parts.append(_("at least %(percent)s%% chance of leaving") % {"percent": value["min_percent"]})
        if value["bands"]:
            parts.append(self.labels("bands", value["bands"]))
        return _("Churn risk: %(parts)s") % {"parts": ", ".join(parts)}
