"""Reads about segments: the rule set in force, the live count of the rule editor, a
member's override history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from club.members.models import Member, Segment

from ..models import SegmentOverride, SegmentRuleSet
from .rules import NO_CONSENT, NO_PROFILE, RULE_ORDER, active_override, segment_expression, without_jit

LIVE_COUNT_TIME_LIMIT_MS = 20_000


def segments_today() -> dt.date:
    """Today in the operator's time zone: the day tenure is counted to."""
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def segment_rules_current() -> SegmentRuleSet:
    """The published rule set; before anyone has published one, the defaults (unsaved)."""
    return SegmentRuleSet.objects.filter(live=True).first() or SegmentRuleSet()


@dataclass
class SegmentCounts:
    """How many members each segment gets: by the rules alone and in effect (an active
    override wins), plus the unclassified by reason."""

    by_rules: dict[str, int] = field(default_factory=dict)
    effective: dict[str, int] = field(default_factory=dict)
    overridden: int = 0
    no_consent: int = 0
    no_profile: int = 0
    no_rule_matched: int = 0
    members: int = 0

    def rows(self) -> list[tuple[str, str, int, int]]:
        """(value, label, by the rules, in effect) for the six segments in rule order."""
        labels = dict(Segment.choices)
        return [(str(s), str(labels[s]), self.by_rules.get(s, 0), self.effective.get(s, 0))
                for s in RULE_ORDER]

    @property
    def unclassified(self) -> int:
        return self.effective.get("", 0)


def segment_live_count(*, rules: SegmentRuleSet, on: dt.date | None = None) -> SegmentCounts:
    """What classifying every member with ``rules`` (saved or not) would give, in ONE query:
    the rules' CASE and the active override grouped together (on PostgreSQL without JIT and
    cancelled after ``LIVE_COUNT_TIME_LIMIT_MS``, so a web worker is never held long)."""
    on = on or segments_today()
    with transaction.atomic():
        without_jit(time_limit_ms=LIVE_COUNT_TIME_LIMIT_MS)
        rows = list(
            Member.objects.order_by()
            .annotate(computed=segment_expression(rules, on=on, explain_unclassified=True),
                      override=active_override())
            .values("computed", "override")
            .annotate(n=Count("pk"))
            .values_list("computed", "override", "n")
        )
    counts = SegmentCounts()
    for computed, override, n in rows:
        counts.members += n
        plain = "" if computed in (NO_CONSENT, NO_PROFILE) else computed
        if plain:
            counts.by_rules[plain] = counts.by_rules.get(plain, 0) + n
        effective = override or plain
        counts.effective[effective] = counts.effective.get(effective, 0) + n
        if override:
            counts.overridden += n
            continue
        if computed == NO_CONSENT:
            counts.no_consent += n
        elif computed == NO_PROFILE:
            counts.no_profile += n
        elif not computed:
            counts.no_rule_matched += n
    return counts


def member_segment_overrides(*, member_id: int) -> list[SegmentOverride]:
    """The member's overrides, newest first (the active one, if any, is first)."""
    overrides = SegmentOverride.objects.filter(member_id=member_id)
    return list(overrides.select_related("created_by", "cleared_by"))
