"""Reads of the earning app: live rules as pure specs, and member contexts for a batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Prefetch

from club.members.models import CustomerType, Member, Segment
from rewards.sql import ids_in
from rewards.tiers.selectors import default_tier_benefits

from .evaluation import MemberContext, MultiplierSpec, RuleSpec
from .models import EarningRule, EarningRuleMultiplier, MultiplierDimension


def _label(dimension: str, value: str) -> str:
    if dimension == MultiplierDimension.SEGMENT and value in Segment.values:
        return str(Segment(value).label)
    if dimension == MultiplierDimension.CUSTOMER_TYPE and value in CustomerType.values:
        return str(CustomerType(value).label)
    return value


def rule_spec(rule: EarningRule) -> RuleSpec:
    return RuleSpec(
        id=rule.pk, name=rule.name, event_kind=rule.event_kind,
        amount_points=rule.amount_points, amount_step=rule.amount_step,
        data_points=rule.data_points, data_step_mb=rule.data_step_mb,
        voice_points=rule.voice_points, voice_step_minutes=rule.voice_step_minutes,
        sms_points=rule.sms_points, sms_step=rule.sms_step,
        anniversary_points=rule.anniversary_points,
        anniversary_scales_with_years=rule.anniversary_scales_with_years,
        apply_tier_multiplier=rule.apply_tier_multiplier,
        multipliers=tuple(
            MultiplierSpec(row.dimension, row.value, row.multiplier, _label(row.dimension, row.value))
            for row in rule.multipliers.all()
        ),
        cap_points=rule.cap_points, cap_period=rule.cap_period,
        valid_from=rule.valid_from, valid_until=rule.valid_until,
        stacking=rule.stacking, priority=rule.priority, segments=frozenset(rule.segments or ()),
    )


def live_rule_specs(*, kinds: Sequence[str] | None = None) -> list[RuleSpec]:
    """The live (published) rules, highest priority first (two queries)."""
    rules = EarningRule.objects.filter(live=True).prefetch_related(
        Prefetch("multipliers", queryset=EarningRuleMultiplier.objects.order_by("sort_order", "pk"))
    )
    if kinds is not None:
        rules = rules.filter(event_kind__in=list(kinds))
    return [rule_spec(rule) for rule in rules.order_by("-priority", "pk")]


def member_contexts(*, member_ids: Iterable[int]) -> dict[int, MemberContext]:
    """What the rules need to know about each member, with their current tier (one joined
    query of plain tuples; a second one for the default tier when a member has none yet).
    The same tiers as ``rewards.tiers.selectors.current_tiers``."""
    ids = set(member_ids)
    if not ids:
        return {}
    rows = Member.objects.filter(ids_in(Member, "id", ids)).values_list(
        "pk", "customer_type", "segment", "activation_date",
        "tier_state__tier__code", "tier_state__tier__name", "tier_state__tier__points_multiplier",
    )
    contexts: dict[int, MemberContext] = {}
    fallback = None
    for pk, customer_type, segment, activation, code, name, multiplier in rows:
        if code is None:  # never evaluated: the default tier
            if fallback is None:
                fallback = default_tier_benefits()
            code, name, multiplier = fallback
        contexts[pk] = MemberContext(
            member_id=pk, customer_type=customer_type, segment=segment, activation_date=activation,
            tier_code=code, tier_name=name, tier_multiplier=multiplier,
        )
    return contexts
