"""Reads of audiences: who is in one, how many, and the live figures of the editor.

An audience compiles to one ``Q`` over ``Member`` (``audience_filter``), so its members are
one SQL query whatever the conditions: the fan-out embeds
``audience_members(...).filter(id__gte=a, id__lt=b).values("id")`` in an ``INSERT ... SELECT``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils.translation import gettext as _

from club.members.models import Member, MemberStatus, Segment
from rewards.tiers.models import Tier

from .blocks import condition_filter, condition_text
from .models import Audience, Match

# Churned lines never match, and neither do suspended or in-arrears ones: a campaign offers
# something to use now, which a barred line cannot. No condition means every active member.
POPULATION = Q(status=MemberStatus.ACTIVE)
SAMPLE_SIZE = 5


def audience_filter(*, audience: Audience, on: dt.date) -> Q:
    """The members of ``audience`` on the day ``on`` (the operator's calendar), as one ``Q``.
    Building it runs no query."""
    conditions = [condition_filter(child.block, child.value, on=on) for child in audience.conditions]
    if not conditions:
        return POPULATION
    join = operator.or_ if audience.match == Match.ANY else operator.and_
    return POPULATION & reduce(join, conditions)


def audience_members(*, audience: Audience, on: dt.date) -> QuerySet[Member]:
    """The members of ``audience`` on ``on``, in no particular order (one query, no joins that
    repeat a member)."""
    return Member.objects.filter(audience_filter(audience=audience, on=on)).order_by()


def audience_count(*, audience: Audience, on: dt.date) -> int:
    """How many members ``audience`` has on ``on``: one query."""
    return audience_members(audience=audience, on=on).count()


@dataclass(frozen=True)
class ConditionCount:
    text: str
    members: int


@dataclass(frozen=True)
class GroupCount:
    label: str
    members: int


@dataclass(frozen=True)
class AudienceFigures:
    """What the editor's live preview shows: aggregates only. When ``sampled`` is below
    ``active_members`` the member counts are estimates, scaled up from that many members."""

    on: dt.date
    members: int
    active_members: int
    conditions: tuple[ConditionCount, ...]
    by_tier: tuple[GroupCount, ...]
    by_segment: tuple[GroupCount, ...]
    sampled: int

    @property
    def is_estimate(self) -> bool:
        return self.sampled < self.active_members

    @property
    def percent(self) -> float:
        return 100 * self.members / self.active_members if self.active_members else 0.0


def audience_figures(*, audience: Audience, on: dt.date, sample_size: int | None = None) -> AudienceFigures:
    """The audience's count, each condition's count on its own, and the count by tier and by
    segment, from one query: the active members grouped by whether each condition matches
    them, their tier and their segment (each condition is evaluated once per member; the
    combinations are few, and are added up here).

    Every condition has to be evaluated for every member, which takes seconds on a large
    member file; with ``sample_size``, a file of more than twice that many active members is
    counted on an even sample of about ``sample_size`` of them (one more query: the exact
    number of active members) and the counts are estimates.
    """
    members = Member.objects.filter(POPULATION)
    active = scale = None
    if sample_size is not None:
        active = members.count()
        if active > 2 * sample_size:
            members = _even_sample(members, share=sample_size / active)
    children = list(audience.conditions)
    flags = {
        f"c{index}": ExpressionWrapper(condition_filter(child.block, child.value, on=on),
                                       output_field=BooleanField())
        for index, child in enumerate(children)
    }
    rows = list(
        members.annotate(**flags).values(*flags, "segment", "tier_state__tier_id").annotate(n=Count("pk"))
        .order_by()
    )
    sampled = sum(row["n"] for row in rows)
    active = active if active is not None else sampled
    scale = active / sampled if sampled else 0

    def scaled(count: int) -> int:
        return round(count * scale)

    join = any if audience.match == Match.ANY else all
    matched = 0
    per_condition = [0] * len(children)
    by_tier: dict[int | None, int] = defaultdict(int)
    by_segment: dict[str, int] = defaultdict(int)
    for row in rows:
        hits = [bool(row[name]) for name in flags]  # NULL (an unknown birth date...) is no match
        for index, hit in enumerate(hits):
            per_condition[index] += row["n"] * hit
        if not hits or join(hits):
            matched += row["n"]
            by_tier[row["tier_state__tier_id"]] += row["n"]
            by_segment[row["segment"]] += row["n"]
    return AudienceFigures(
        on=on, members=scaled(matched), active_members=active, sampled=sampled,
        conditions=tuple(
            ConditionCount(text=condition_text(child.block, child.value), members=scaled(count))
            for child, count in zip(children, per_condition, strict=True)
        ),
        by_tier=_tier_groups({tier: scaled(n) for tier, n in by_tier.items()}),
        by_segment=_segment_groups({segment: scaled(n) for segment, n in by_segment.items()}),
    )


# Knuth's multiplicative hash: spreads member ids evenly over 0..2**32, so a sample by id is
# not in step with however the ids were handed out (import batches, every 10th line...).
_HASH_MULTIPLIER = 2654435761
_HASH_RANGE = 2**32


def _even_sample(members: QuerySet[Member], *, share: float) -> QuerySet[Member]:
    """About ``share`` of ``members``, always the same ones (the estimate does not jump between
    two previews of the same conditions)."""
    slot = (F("pk") * _HASH_MULTIPLIER) % _HASH_RANGE
    return members.alias(sample_slot=slot).filter(sample_slot__lt=int(share * _HASH_RANGE))


def audience_sample(*, audience: Audience, on: dt.date, size: int = SAMPLE_SIZE) -> list[str]:
    """A few members' account numbers, to spot-check an audience (no other personal data)."""
    members = audience_members(audience=audience, on=on)
    return list(members.values_list("account_number", flat=True)[:size])


def _tier_groups(counts: dict[int | None, int]) -> tuple[GroupCount, ...]:
    """Counts by tier id, highest rank first; members never evaluated join the default tier
    (the lowest live rank), as ``rewards.tiers.selectors.current_tiers`` places them."""
    counts = dict(counts)
    tiers = list(Tier.objects.order_by("rank").values_list("pk", "name", "live"))
    default = next((pk for pk, _name, live in tiers if live), None)
    if None in counts and default is not None:
        counts[default] = counts.get(default, 0) + counts.pop(None)
    groups = [GroupCount(label=name, members=counts.pop(pk)) for pk, name, _live in reversed(tiers)
              if pk in counts]
    if None in counts:
        groups.append(GroupCount(label=_("No tier"), members=counts.pop(None)))
    return tuple(groups)


def _segment_groups(counts: dict[str, int]) -> tuple[GroupCount, ...]:
    labels = dict(Segment.choices)
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return tuple(GroupCount(label=str(labels.get(segment, segment)), members=n) for segment, n in ordered)
