"""The segment rules as SQL expressions over ``Member`` (its profile reached as ``profile__``).

One function builds the CASE expression that names a member's segment from a rule set's
thresholds; the classification's UPDATE and the editor's live count both use it, so what the
live count shows is what the classification then writes. Rules are tried in ``RULE_ORDER``
and the first that matches wins (a SQL CASE stops at its first true WHEN).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTransform, KeyTransformIn
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from club.members.models import ChurnReason, CustomerType, MemberStatus, PaymentPlan, Segment

from ..models import SegmentOverride, SegmentRuleSet

# The fixed priority order: the first rule a member matches gives the segment.
RULE_ORDER: tuple[str, ...] = (
    Segment.VIP,
    Segment.PERFORMANCE_SEEKERS,
    Segment.DEVICERS,
    Segment.CURIOUS_NOVICES,
    Segment.CONTROL_SEEKERS,
    Segment.COST_CUTTERS,
)
BUSINESS_TYPES = (CustomerType.ENTERPRISE, CustomerType.GOVERNMENT)
# What an attribute of the billing system says when a member has the add-on.
ADD_ON_TAKEN = ["Yes", "yes", "YES", True]
MONTHS_IN_WINDOW = 3
# Only in the live count: why a member has no segment (the classification writes "").
NO_CONSENT = "!no_consent"
NO_PROFILE = "!no_profile"
MONEY = DecimalField(max_digits=24, decimal_places=2)


def _p(field: str) -> str:
    return f"profile__{field}"


def vip_rule(rules: SegmentRuleSet, *, on: dt.date) -> Q:
    return Q(**{_p("spend_12m__gte"): rules.vip_min_spend_12m}) | Q(
        customer_type__in=BUSINESS_TYPES, **{_p("spend_12m__gte"): rules.vip_business_min_spend_12m}
    )


def performance_rule(rules: SegmentRuleSet, *, on: dt.date) -> Q:
    """Heavy data users whose use is rising: ``data_3m >= 3 * X`` and
    ``data_3m * 100 >= data_prev_3m * (100 + growth%)``."""
    heavy = Q(**{_p("data_mb_3m__gte"): MONTHS_IN_WINDOW * rules.performance_min_data_mb_per_month})
    rising = GreaterThanOrEqual(
        F(_p("data_mb_3m")) * 100, F(_p("data_mb_prev_3m")) * (100 + rules.performance_min_growth_percent)
    )
    return heavy & Q(rising)


def devicer_rule(rules: SegmentRuleSet, *, on: dt.date) -> Q:
    """A device add-on among the member's attributes, or a device in the plan's name."""
    matched = Q()
    for key in rules.devicer_attribute_keys:
        matched |= Q(KeyTransformIn(KeyTransform(key, "attributes"), ADD_ON_TAKEN))
    for word in rules.devicer_plan_words:
        matched |= Q(plan_name__icontains=word)
    return matched if matched else Q(pk__isnull=True)  # nothing configured: no Devicer


def novice_rule(rules: SegmentRuleSet, *, on: dt.date) -> Q:
    matched = Q(pk__isnull=True)
    if rules.novice_max_tenure_months:
        matched |= Q(activation_date__gt=on - relativedelta(months=rules.novice_max_tenure_months))
    if rules.novice_min_support_contacts_90d:
        matched |= Q(**{
            _p("support_contacts_90d__gte"): rules.novice_min_support_contacts_90d,
            _p("data_mb_3m__lt"): MONTHS_IN_WINDOW * rules.novice_max_data_mb_per_month,
        })
    return matched


def control_rule(rules: SegmentRuleSet, *, on: dt.date) -> Q:
    """Prepaid, at least two top-ups, topping up every ``X`` days or more often, and on
    average at most ``Y`` a top-up (``amount <= Y * count``, no division)."""
    small = LessThanOrEqual(
        F(_p("top_up_amount_3m")),
        ExpressionWrapper(F(_p("top_ups_3m")) * Value(rules.control_max_average_top_up, MONEY),
                          output_field=MONEY),
    )
    return Q(
        Q(small),
        payment_plan=PaymentPlan.PREPAID,
        **{_p("top_ups_3m__gte"): 2,
           _p("mean_days_between_top_ups__lte"): rules.control_max_days_between_top_ups},
    )


def cost_cutter_rule(rules: SegmentRuleSet, *, on: dt.date) -> Q:
    return Q(**{
        _p("spend_3m__lte"): rules.cost_max_spend_3m,
        _p("data_mb_3m__lte"): MONTHS_IN_WINDOW * rules.cost_max_data_mb_per_month,
    })


RULES = {
    Segment.VIP: vip_rule,
    Segment.PERFORMANCE_SEEKERS: performance_rule,
    Segment.DEVICERS: devicer_rule,
    Segment.CURIOUS_NOVICES: novice_rule,
    Segment.CONTROL_SEEKERS: control_rule,
    Segment.COST_CUTTERS: cost_cutter_rule,
}

CONSENTED = Q(consent_profiling=True)
HAS_PROFILE = Q(profile__isnull=False)


def segment_expression(rules: SegmentRuleSet, *, on: dt.date, explain_unclassified: bool = False) -> Case:
    """The segment the rules give a member (``""``: none). Without profiling consent or
    without a profile there is none; with ``explain_unclassified`` those two say why
    (``NO_CONSENT``, ``NO_PROFILE``) instead of ``""``."""
    whens = [
        When(~CONSENTED, then=Value(NO_CONSENT if explain_unclassified else "")),
        When(~HAS_PROFILE, then=Value(NO_PROFILE if explain_unclassified else "")),
    ]
    whens += [When(RULES[segment](rules, on=on), then=Value(str(segment))) for segment in RULE_ORDER]
    return Case(*whens, default=Value(""), output_field=CharField())


def _flag(condition: Q) -> Case:
    return Case(When(CONSENTED & HAS_PROFILE & condition, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def class_expressions(rules: SegmentRuleSet) -> dict[str, Case]:
    """The three classes of the Viettel article, by ``MemberProfile`` field (false without
    consent or profile, like the segment)."""
    large = Q(**{_p("spend_12m__gte"): rules.large_min_spend_12m})
    if rules.large_includes_business:
        large |= Q(customer_type__in=BUSINESS_TYPES)
    return {
        "is_large_customer": _flag(large),
        "is_often_in_arrears": _flag(
            Q(**{_p("arrears_episodes_12m__gte"): max(rules.arrears_min_episodes_12m, 1)})
        ),
        "is_lost_to_competitor": _flag(
            Q(status=MemberStatus.CHURNED, churn_reason=ChurnReason.LOST_TO_COMPETITOR)
        ),
    }


def active_override() -> Subquery:
    """The segment of the member's active override (a correlated subquery; NULL: none)."""
    active = SegmentOverride.objects.filter(member=OuterRef("pk"), cleared_at__isnull=True).order_by()
    return Subquery(active.values("segment")[:1])


def without_jit(*, time_limit_ms: int | None = None) -> None:
    """On PostgreSQL, for the rest of the current transaction: no JIT compilation (on 100,000
    members the planner asks for it, and compiling took 0.9 s of a 0.9 s count), and
    optionally a statement time limit. Elsewhere nothing."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        if time_limit_ms:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{time_limit_ms}ms"])


def has_active_override() -> Exists:
    return Exists(SegmentOverride.objects.filter(member=OuterRef("pk"), cleared_at__isnull=True))
