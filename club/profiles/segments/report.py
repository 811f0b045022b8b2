"""The segment distribution report's figures, read from what the classification stored
(``Member.segment``, the effective segment): members per segment with their overrides, the
unclassified by reason, and segment by tier or by payment plan. Two grouped queries (and one
for the default tier's name)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils.translation import gettext_lazy as _

from club.members.models import Member, PaymentPlan, Segment
from rewards.tiers.models import Tier

from .rules import RULE_ORDER, has_active_override

BY_TIER = "tier"
BY_PAYMENT_PLAN = "payment_plan"
BREAKDOWNS = {BY_TIER: _("Tier"), BY_PAYMENT_PLAN: _("Payment plan")}
UNCLASSIFIED_REASONS = {
    "no_consent": _("No profiling consent"),
    "no_profile": _("No profile yet"),
    "no_rule": _("No rule matches"),
}


@dataclass(frozen=True)
class SegmentLine:
    segment: str
    label: str
    members: int
    overridden: int


@dataclass
class SegmentDistribution:
    lines: list[SegmentLine]
    unclassified: dict[str, int]
    members: int
    breakdown: str
    columns: list[str] = field(default_factory=list)
    cross: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def unclassified_total(self) -> int:
        return sum(self.unclassified.values())

    @property
    def overridden(self) -> int:
        return sum(line.overridden for line in self.lines)

    @property
    def unclassified_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.unclassified.get(key, 0)) for key, label in UNCLASSIFIED_REASONS.items()]


def _why_unclassified() -> Case:
    return Case(
        When(~Q(segment=""), then=Value("")),
        When(consent_profiling=False, then=Value("no_consent")),
        When(profile__isnull=True, then=Value("no_profile")),
        default=Value("no_rule"), output_field=CharField(),
    )


def segment_distribution(*, breakdown: str = BY_TIER) -> SegmentDistribution:
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    labels = dict(Segment.choices)
    per_segment: dict[str, list[int]] = {str(s): [0, 0] for s in RULE_ORDER}
    unclassified = dict.fromkeys(UNCLASSIFIED_REASONS, 0)
    rows = (
        Member.objects.order_by()
        .annotate(why=_why_unclassified(), overridden=has_active_override())
        .values("segment", "why", "overridden").annotate(n=Count("pk"))
        .values_list("segment", "why", "overridden", "n")
    )
    members = 0
    for segment, why, overridden, n in rows:
        members += n
        if segment:
            counts = per_segment.setdefault(segment, [0, 0])
            counts[0] += n
            counts[1] += n if overridden else 0
        else:
            unclassified[why] += n
    lines = [SegmentLine(s, str(labels.get(s, s)), n, o) for s, (n, o) in per_segment.items()]
    distribution = SegmentDistribution(lines=lines, unclassified=unclassified, members=members,
                                       breakdown=breakdown)
    _cross(distribution, labels)
    return distribution


def _cross(distribution: SegmentDistribution, labels: dict) -> None:
    """Members per segment (the unclassified as a row of their own) and tier or payment plan."""
    if distribution.breakdown == BY_PAYMENT_PLAN:
        column_field, names = "payment_plan", dict(PaymentPlan.choices)
        keys = list(names)
    else:
        column_field = "tier_state__tier__name"
        tiers = list(Tier.objects.filter(live=True).order_by("rank").values_list("name", flat=True))
        # A member never evaluated (no tier row, or an empty one) is in the lowest live tier.
        names = {name: name for name in tiers}
        keys = tiers or [None]
    grouped = (
        Member.objects.order_by().values("segment", column_field).annotate(n=Count("pk"))
        .values_list("segment", column_field, "n")
    )
    default_key = keys[0] if keys else None
    table: dict[str, dict] = {}
    for segment, key, n in grouped:
        key = key if key in keys else default_key
        row = table.setdefault(segment, {})
        row[key] = row.get(key, 0) + n
    distribution.columns = [str(names.get(key, key) or _("Default tier")) for key in keys]
    order = [*(str(s) for s in RULE_ORDER), ""]
    distribution.cross = [
        (str(labels.get(segment) if segment else _("Unclassified")),
         [table.get(segment, {}).get(key, 0) for key in keys])
        for segment in order
    ]
