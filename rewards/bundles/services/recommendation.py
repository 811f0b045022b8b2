"""``bundle_recommendation_for_member``: the reads around the pure recommender
(``rewards.bundles.recommend``) and the price of what it recommends.

Queries: the member (one), their last months of ``MonthlyActivity`` (one), the rolling spend
for the discounts (one); the templates, the recommender's settings, the add-on counts and the
discount schedules come from the reference cache (loaded once when a marketer changes them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from club.members.models import Member
from rewards.activity.models import MonthlyActivity

from ..addons import addon_profile_from_attributes
from ..recommend import (
    MemberFacts,
    Recommendation,
    RecommenderTerms,
    TemplateOption,
    Usage,
    UsageMonth,
    bundle_recommend,
)
from ..selectors import RecommenderInputs, bundle_recommender_inputs, bundle_templates_suiting
from .quote import MEMBER_FIELDS, bundle_price
from .results import BundleQuote, Refused

RECOMMEND_MEMBER_FIELDS = (*MEMBER_FIELDS, "plan_name", "attributes")


@dataclass(frozen=True)
class PricedRecommendation:
    recommendation: Recommendation
    quote: BundleQuote
    # every template that suits the member (the recommended one included): (id, name)
    choices: tuple[tuple[int, str], ...] = ()


def usage_window(on: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The first days of the first and the last of the ``months`` full months before ``on``'s."""
    index = on.year * 12 + on.month - 1
    first, last = index - months, index - 1
    return dt.date(first // 12, first % 12 + 1, 1), dt.date(last // 12, last % 12 + 1, 1)


def member_usage(*, member_id: int, on: dt.date, months: int) -> Usage:
    first, last = usage_window(on, months)
    rows = MonthlyActivity.objects.filter(member_id=member_id, month__gte=first, month__lte=last).values_list(
        "month", "data_mb", "voice_minutes", "sms"
    )
    return Usage.average([UsageMonth(*row) for row in rows], months=months)


def recommender_terms(inputs: RecommenderInputs) -> RecommenderTerms:
    return RecommenderTerms(
        headroom_percent=inputs.headroom_percent,
        performance_extra_percent=inputs.performance_extra_percent,
        usage_months=inputs.usage_months,
        addon_suggestions=inputs.addon_suggestions,
        quantum=settings.OPERATOR_CURRENCY_QUANTUM,
    )


def member_facts(member: Member) -> MemberFacts:
    return MemberFacts(
        segment=member.segment,
        payment_plan=member.payment_plan,
        addons=addon_profile_from_attributes(member.attributes or {}, plan=member.plan_name),
    )


def recommendation_for(*, member: Member, usage: Usage, on: dt.date, rolling_spend: Decimal | None = None,
                       template_id: int | None = None) -> PricedRecommendation | None:
    """The recommendation for a member already read, priced with their discounts; None when no
    template suits them or the quote is refused (an inactive line). ``template_id``: size that
    template (one that suits the member) rather than choose one."""
    inputs = bundle_recommender_inputs()
    templates = bundle_templates_suiting(segment=member.segment, payment_plan=member.payment_plan)
    considered = [t for t in templates if template_id is None or t.pk == template_id]
    recommendation = bundle_recommend(
        member=member_facts(member),
        usage=usage,
        templates=[TemplateOption.of(template) for template in considered],
        terms=recommender_terms(inputs),
        addon_counts=inputs.addon_counts,
    )
    if recommendation is None:
        return None
    template = next(t for t in templates if t.pk == recommendation.template.id)
    try:
        quote = bundle_price(
            member=member, member_id=member.pk, template=template, template_id=template.pk,
            quantities=recommendation.quantities, extra_percent=None, on=on, rolling_spend=rolling_spend,
        )
    except Refused:
        return None
    return PricedRecommendation(recommendation, quote, tuple((t.pk, t.name) for t in templates))


def bundle_recommendation_for_member(
    *, member_id: int, on: dt.date | None = None, template_id: int | None = None
) -> PricedRecommendation | None:
    """The bundle recommended to the member today (or on ``on``), priced; None when there is
    no such member, no template suits them, or their line cannot order. ``template_id``: that
    template sized for the member (None when it does not suit them)."""
    on = on or timezone.localdate()
    member = Member.objects.only(*RECOMMEND_MEMBER_FIELDS).filter(pk=member_id).first()
    if member is None:
        return None
    months = bundle_recommender_inputs().usage_months
    usage = member_usage(member_id=member.pk, on=on, months=months)
    return recommendation_for(member=member, usage=usage, on=on, template_id=template_id)
