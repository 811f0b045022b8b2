"""Conditions on who the member is: tier, segment, customer type, plan, region, language,
age, tenure, interests and consents."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks

from club.members.models import CustomerType, Member, PaymentPlan, Segment, TariffKind
from rewards.tiers.models import MemberTier, Tier

from ..dates import years_before
from ..validation import any_given_errors, choice_errors
from .base import ChoiceCondition, ConditionBlock, LiveChoicesBlock, RangeCondition, as_ints, tick_boxes
from .choices import interest_choices, language_choices, region_choices, tier_choices

PROFILE = gettext_lazy("Member profile")


def _in_whole_years(field: str, low: int | None, high: int | None, on: dt.date) -> Q:
    """``low <= completed years since <field> <= high`` (either bound optional). Like
    ``Member.tenure_years``, a date in the future counts as 0 years, so a minimum of 0 is no
    bound at all."""
    matched = Q()
    if low:
        matched &= Q(**{f"{field}__lte": years_before(on, low)})
    if high is not None:
        matched &= Q(**{f"{field}__gt": years_before(on, high + 1)})
    return matched


class TierCondition(ChoiceCondition):
    choice_field = "tiers"
    text = gettext_lazy("Tier is %(chosen)s")
    tiers = LiveChoicesBlock(tier_choices, label=gettext_lazy("Tiers"))

    class Meta:
        label = gettext_lazy("Tier")
        icon = "order"
        group = PROFILE

    def member_filter(self, value, *, on):
        chosen = as_ints(value["tiers"])
        states = MemberTier.objects.filter(member=OuterRef("pk"))
        # A member never evaluated yet is in the default tier (the lowest live rank), as in
        # rewards.tiers.selectors.current_tiers.
        lowest_live_rank = Tier.objects.filter(live=True).order_by("rank").values("rank")[:1]
        default_is_chosen = Tier.objects.filter(pk__in=chosen, live=True, rank=Subquery(lowest_live_rank))
        return Q(Exists(states.filter(tier_id__in=chosen))) | (
            Q(Exists(default_is_chosen)) & ~Q(Exists(states.filter(tier__isnull=False)))
        )


class SegmentCondition(ChoiceCondition):
    choice_field, member_field = "segments", "segment"
    text = gettext_lazy("Segment is %(chosen)s")
    segments = tick_boxes([c for c in Segment.choices if c[0]], label=gettext_lazy("Segments"))

    class Meta:
        label = gettext_lazy("Segment")
        icon = "group"
        group = PROFILE


class CustomerTypeCondition(ChoiceCondition):
    choice_field, member_field = "customer_types", "customer_type"
    text = gettext_lazy("Customer type is %(chosen)s")
    customer_types = tick_boxes(CustomerType.choices, label=gettext_lazy("Customer types"))

    class Meta:
        label = gettext_lazy("Customer type")
        icon = "user"
        group = PROFILE


class PlanNameMatch(blocks.ChoiceBlock):
    choices = [("contains", gettext_lazy("contains")), ("equals", gettext_lazy("is exactly"))]


def _plan_name(value) -> str:
    return (value["plan_name"] or "").strip()


class PlanCondition(ConditionBlock):
    payment_plans = tick_boxes(PaymentPlan.choices, required=False, label=gettext_lazy("Payment plans"))
    tariff_kinds = tick_boxes(TariffKind.choices, required=False, label=gettext_lazy("Tariffs"))
    plan_name_match = PlanNameMatch(default="contains", label=gettext_lazy("Plan name"))
    plan_name = blocks.CharBlock(required=False, max_length=80, label=gettext_lazy("Text"),
                                 help_text=gettext_lazy("Upper and lower case are the same."))

    class Meta:
        label = gettext_lazy("Plan")
        icon = "doc-full"
        group = PROFILE

    def member_filter(self, value, *, on):
        matched = Q()
        if value["payment_plans"]:
            matched &= Q(payment_plan__in=value["payment_plans"])
        if value["tariff_kinds"]:
            matched &= Q(tariff_kind__in=value["tariff_kinds"])
        if name := _plan_name(value):
            lookup = "iexact" if value["plan_name_match"] == "equals" else "icontains"
            matched &= Q(**{f"plan_name__{lookup}": name})
        return matched

    def value_errors(self, value):
        parts = {key: value[key] for key in ("payment_plans", "tariff_kinds")}
        return any_given_errors({**parts, "plan_name": _plan_name(value)}, field="")

    def describe(self, value):
        parts = []
        if value["payment_plans"]:
            parts.append(self.labels("payment_plans", value["payment_plans"]))
        if value["tariff_kinds"]:
            parts.append(self.labels("tariff_kinds", value["tariff_kinds"]))
        if name := _plan_name(value):
            verb = _("is") if value["plan_name_match"] == "equals" else _("contains")
            parts.append(_('plan name %(verb)s "%(name)s"') % {"verb": verb, "name": name})
        return _("Plan: %(parts)s") % {"parts": ", ".join(parts)}


class RegionCondition(ChoiceCondition):
    choice_field, member_field = "regions", "region"
    text = gettext_lazy("Region is %(chosen)s")
    regions = LiveChoicesBlock(region_choices, label=gettext_lazy("Regions"))

    class Meta:
        label = gettext_lazy("Region")
        icon = "site"
        group = PROFILE


class LanguageCondition(ChoiceCondition):
    choice_field, member_field = "languages", "language"
    text = gettext_lazy("Language is %(chosen)s")
    languages = LiveChoicesBlock(language_choices, label=gettext_lazy("Languages"))

    class Meta:
        label = gettext_lazy("Language")
        icon = "globe"
        group = PROFILE


class WholeYearsCondition(RangeCondition):
    """Completed years since a member's date (``date_field``), both ends included."""

    date_field = ""
    low_field, high_field = "min_years", "max_years"
    min_years = blocks.IntegerBlock(required=False, min_value=0, label=gettext_lazy("From (years)"))
    max_years = blocks.IntegerBlock(
        required=False, min_value=0, label=gettext_lazy("To (years)"),
        help_text=gettext_lazy("Whole years, both ends included: 25 means up to the day before the 26th."),
    )

    def member_filter(self, value, *, on):
        return _in_whole_years(self.date_field, *self.bounds(value), on)


class AgeCondition(WholeYearsCondition):
    date_field = "birth_date"
    text = gettext_lazy("Age %(range)s years")

    class Meta:
        label = gettext_lazy("Age band")
        icon = "user"
        group = PROFILE

    def member_filter(self, value, *, on):
        # A member whose birth date is unknown never matches (and so stays in when excluded).
        return super().member_filter(value, on=on) & Q(birth_date__isnull=False)


class TenureCondition(WholeYearsCondition):
    date_field = "activation_date"
    text = gettext_lazy("Tenure %(range)s years")

    class Meta:
        label = gettext_lazy("Tenure")
        icon = "time"
        group = PROFILE


class InterestCondition(ChoiceCondition):
    choice_field = "interests"
    text = gettext_lazy("Interested in %(chosen)s")
    interests = LiveChoicesBlock(interest_choices, label=gettext_lazy("Interested in any of"))

    class Meta:
        label = gettext_lazy("Interests")
        icon = "pick"
        group = PROFILE

    def member_filter(self, value, *, on):
        links = Member.interests.through.objects.filter(
            member_id=OuterRef("pk"), interest_id__in=as_ints(value["interests"])
        )
        return Q(Exists(links))


CONSENT_FIELDS = {
    "marketing": ("consent_marketing", gettext_lazy("Marketing messages")),
    "profiling": ("consent_profiling", gettext_lazy("Profiling from usage data")),
    "email": ("consent_email", gettext_lazy("Email")),
    "sms": ("consent_sms", gettext_lazy("SMS")),
    "portal": ("consent_portal", gettext_lazy("Portal inbox")),
}


class ConsentState(blocks.ChoiceBlock):
    choices = [("given", gettext_lazy("all given")), ("withheld", gettext_lazy("all not given"))]


class ConsentCondition(ConditionBlock):
    consents = tick_boxes([(key, label) for key, (_field, label) in CONSENT_FIELDS.items()],
                          label=gettext_lazy("Consents"))
    state = ConsentState(default="given", label=gettext_lazy("Which are"))

    class Meta:
        label = gettext_lazy("Consents")
        icon = "tick-inverse"
        group = PROFILE

    def member_filter(self, value, *, on):
        given = value["state"] == "given"
        return Q(**{CONSENT_FIELDS[key][0]: given for key in value["consents"]})

    def value_errors(self, value):
        return choice_errors(value["consents"], field="consents")

    def describe(self, value):
        text = _("given") if value["state"] == "given" else _("not given")
        consents = _(" and ").join(str(CONSENT_FIELDS[key][1]) for key in value["consents"])
        return _("Consent %(state)s: %(consents)s") % {"state": text, "consents": consents}
