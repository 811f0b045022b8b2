"""Earning rules as pure functions: no database, no clock. ``services.accrual`` loads the
rules, members and cap counters for a whole batch in a few queries and calls these.

Points of one rule for one event: whole steps of the amount (or of each usage unit) times the
step's points, times the member's multipliers (the tier's own multiplier, unless the rule
opts out, and the rule's matching tier, segment and customer-type rows), rounded down once.
A rule limited to some segments gives nothing to members of other segments (or of none).
A capped rule gives at most what is left of its cap in the event's period. Of the rules that
give points, every additive rule counts and only the best best-of rule (most points, then
higher priority, then lower id) counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from functools import cached_property

from django.utils import timezone

from .models import CapPeriod, EarningKind, MultiplierDimension, Stacking

# Plain strings: comparing with enum members costs an attribute lookup on the enum class per
# comparison, which shows at ten thousand events per batch.
BILL_PAID, TOP_UP = EarningKind.BILL_PAID.value, EarningKind.TOP_UP.value
USAGE, ANNIVERSARY = EarningKind.USAGE.value, EarningKind.ANNIVERSARY.value
DAY, WEEK = CapPeriod.DAY.value, CapPeriod.WEEK.value
MONTH, YEAR = CapPeriod.MONTH.value, CapPeriod.YEAR.value
BEST_OF, ADDITIVE = Stacking.BEST_OF.value, Stacking.ADDITIVE.value
TIER, SEGMENT = MultiplierDimension.TIER.value, MultiplierDimension.SEGMENT.value
CUSTOMER_TYPE = MultiplierDimension.CUSTOMER_TYPE.value


@dataclass(frozen=True)
class EarningEvent:
    event_id: str  # the operator's event id (unique)
    member_id: int
    kind: str  # "bill_paid" | "top_up" | "usage" ("anniversary" for the daily bonus)
    occurred_at: dt.datetime  # aware
    amount: Decimal = Decimal(0)  # bill or top-up amount, in the operator's currency
    data_mb: int = 0
    voice_minutes: int = 0
    sms: int = 0
    channel: str = ""

    @cached_property
    def local_date(self) -> dt.date:
        """The day the event happened in the operator's time zone (periods are local days)."""
        return self.occurred_at.astimezone(timezone.get_default_timezone()).date()


@dataclass(frozen=True)
class MemberContext:
    member_id: int
    customer_type: str
    segment: str
    activation_date: dt.date
    tier_code: str = ""
    tier_name: str = ""
    tier_multiplier: Decimal = Decimal(1)


@dataclass(frozen=True)
class MultiplierSpec:
    dimension: str
    value: str
    multiplier: Decimal
    label: str = ""  # how a reason names it, e.g. "VIP"


@dataclass(frozen=True)
class RuleSpec:
    id: int
    name: str
    event_kind: str
    amount_points: int = 0
    amount_step: Decimal = Decimal(10000)
    data_points: int = 0
    data_step_mb: int = 100
    voice_points: int = 0
    voice_step_minutes: int = 1
    sms_points: int = 0
    sms_step: int = 1
    anniversary_points: int = 0
    anniversary_scales_with_years: bool = False
    apply_tier_multiplier: bool = True
    multipliers: tuple[MultiplierSpec, ...] = ()
    cap_points: int | None = None
    cap_period: str = ""
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    stacking: str = ADDITIVE
    priority: int = 0
    segments: frozenset[str] = frozenset()  # only members of these segments; empty: every member

    def is_valid_at(self, moment: dt.datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= moment) and (
            self.valid_until is None or moment < self.valid_until
        )

    def applies_to(self, event: EarningEvent) -> bool:
        return self.event_kind == event.kind and self.is_valid_at(event.occurred_at)

    @property
    def is_capped(self) -> bool:
        return self.cap_points is not None and bool(self.cap_period)


@dataclass(frozen=True)
class AwardLine:
    rule_id: int
    rule_name: str
    points: int
    uncapped_points: int
    multiplier: Decimal
    multiplier_parts: tuple[tuple[str, Decimal], ...] = ()  # (how a reason names it, multiplier)

    @property
    def is_capped(self) -> bool:
        return self.points < self.uncapped_points

    @property
    def multiplier_labels(self) -> tuple[str, ...]:
        """The parts in English, e.g. ``("Gold ×1.5", "VIP ×2")``."""
        return tuple(f"{name} ×{decimal_text(factor)}" for name, factor in self.multiplier_parts)


@dataclass(frozen=True)
class EventAward:
    event_id: str
    member_id: int
    points: int
    lines: tuple[AwardLine, ...] = ()
    capped_out_rule_ids: tuple[int, ...] = ()  # rules that would have given points but hit their cap
    counted: tuple[tuple[tuple[int, dt.date], int], ...] = field(default=())  # ((rule, period), points)


def period_start(period: str, day: dt.date) -> dt.date:
    if period == DAY:
        return day
    if period == WEEK:
        return day - dt.timedelta(days=day.weekday())
    if period == MONTH:
        return day.replace(day=1)
    if period == YEAR:
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown cap period {period!r}")


def _steps(quantity: Decimal | int, step: Decimal | int) -> int:
    if quantity <= 0 or step <= 0:
        return 0
    # Both positive: ``//`` (exact, truncating) is the floor of the quotient.
    return int(quantity // step)


def anniversary_years(activation_date: dt.date, on: dt.date) -> int:
    """The anniversary ``on`` is (1 for the first), or 0 when ``on`` is not an anniversary.
    A 29 February activation has its anniversary on 28 February in other years."""
    years = on.year - activation_date.year
    if years <= 0:
        return 0
    month, day = activation_date.month, activation_date.day
    if (month, day) == (2, 29) and not _is_leap(on.year):
        day = 28
    return years if (on.month, on.day) == (month, day) else 0


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def rule_base_points(event: EarningEvent, member: MemberContext, rule: RuleSpec) -> int:
    """The rule's points for the event before multipliers and caps."""
    if event.kind in (BILL_PAID, TOP_UP):
        return _steps(event.amount, rule.amount_step) * rule.amount_points
    if event.kind == USAGE:
        return (
            _steps(event.data_mb, rule.data_step_mb) * rule.data_points
            + _steps(event.voice_minutes, rule.voice_step_minutes) * rule.voice_points
            + _steps(event.sms, rule.sms_step) * rule.sms_points
        )
    if event.kind == ANNIVERSARY:
        years = anniversary_years(member.activation_date, event.local_date)
        if not years:
            return 0
        return rule.anniversary_points * (years if rule.anniversary_scales_with_years else 1)
    return 0


def rule_multiplier(member: MemberContext, rule: RuleSpec) -> tuple[Decimal, tuple[tuple[str, Decimal], ...]]:
    """The product of the tier's multiplier and the best matching row of each dimension, and
    each factor with the name a reason gives it."""
    factor = Decimal(1)
    parts: list[tuple[str, Decimal]] = []
    if rule.apply_tier_multiplier and member.tier_multiplier != 1:
        factor *= member.tier_multiplier
        parts.append((member.tier_name or member.tier_code, member.tier_multiplier))
    member_values = {
        TIER: member.tier_code,
        SEGMENT: member.segment,
        CUSTOMER_TYPE: member.customer_type,
    }
    best: dict[str, MultiplierSpec] = {}
    for row in rule.multipliers:
        if row.value and member_values.get(row.dimension) == row.value:
            if row.dimension not in best or row.multiplier > best[row.dimension].multiplier:
                best[row.dimension] = row
    for row in best.values():
        factor *= row.multiplier
        parts.append((row.label or row.value, row.multiplier))
    return factor, tuple(parts)


def decimal_text(value: Decimal) -> str:
    """``Decimal("1.50")`` -> ``"1.5"``, ``Decimal("10")`` -> ``"10"`` (never an exponent)."""
    return format(value.normalize(), "f")


def evaluate_event(
    event: EarningEvent, member: MemberContext, rules: Sequence[RuleSpec],
    earned_in_period: Mapping[tuple[int, dt.date], int],
    *, multiplier_memo: dict[tuple[int, int], tuple[Decimal, tuple[tuple[str, Decimal], ...]]] | None = None,
) -> EventAward:
    """Points ``event`` earns ``member`` under ``rules``, given what the member already earned
    from each capped rule in each period (``(rule_id, period_start) -> points``).
    ``multiplier_memo`` lets a batch reuse each (member, rule) multiplier."""
    candidates: list[tuple[RuleSpec, AwardLine, tuple[int, dt.date] | None]] = []
    capped_out: list[int] = []
    kind, moment = event.kind, event.occurred_at
    for rule in rules:
        if rule.event_kind != kind or not rule.is_valid_at(moment):  # rule.applies_to(event)
            continue
        if rule.segments and member.segment not in rule.segments:
            continue
        base = rule_base_points(event, member, rule)
        if base <= 0:
            continue
        if multiplier_memo is None:
            factor, parts = rule_multiplier(member, rule)
        else:
            memo_key = (member.member_id, rule.id)
            if memo_key not in multiplier_memo:
                multiplier_memo[memo_key] = rule_multiplier(member, rule)
            factor, parts = multiplier_memo[memo_key]
        uncapped = base if factor == 1 else int((base * factor).to_integral_value(ROUND_FLOOR))
        points, key = uncapped, None
        if rule.is_capped:
            key = (rule.id, period_start(rule.cap_period, event.local_date))
            points = min(uncapped, max(rule.cap_points - earned_in_period.get(key, 0), 0))
        if uncapped > 0 and points <= 0:
            capped_out.append(rule.id)
        if points > 0:
            candidates.append((rule, AwardLine(rule.id, rule.name, points, uncapped, factor, parts), key))
    if len(candidates) > 1:
        chosen = [item for item in candidates if item[0].stacking != BEST_OF]
        best_of = [item for item in candidates if item[0].stacking == BEST_OF]
        if best_of:
            chosen.append(max(best_of, key=lambda item: (item[1].points, item[0].priority, -item[0].id)))
        chosen.sort(key=lambda item: (-item[0].priority, item[0].id))
    else:
        chosen = candidates
    return EventAward(
        event_id=event.event_id, member_id=event.member_id,
        points=sum(line.points for _rule, line, _key in chosen),
        lines=tuple(line for _rule, line, _key in chosen),
        capped_out_rule_ids=tuple(capped_out),
        counted=tuple((key, line.points) for _rule, line, key in chosen if key is not None),
    )


def evaluate_events(
    events: Sequence[EarningEvent], members: Mapping[int, MemberContext], rules: Sequence[RuleSpec],
    earned_in_period: Mapping[tuple[int, int, dt.date], int],
) -> list[EventAward]:
    """``evaluate_event`` over a batch, in time order, each event seeing what the earlier ones
    counted against the caps (``(member_id, rule_id, period_start) -> points``). Events of
    unknown members earn nothing. Returns the awards in the order evaluated."""
    counters: dict[tuple[int, int, dt.date], int] = dict(earned_in_period)
    awards: list[EventAward] = []
    memo: dict[tuple[int, int], tuple[Decimal, tuple[str, ...]]] = {}
    for event in sorted(events, key=lambda item: (item.occurred_at, item.event_id)):
        member = members.get(event.member_id)
        if member is None:
            continue
        view = _MemberCounters(counters, event.member_id)
        award = evaluate_event(event, member, rules, view, multiplier_memo=memo)
        for (rule_id, start), points in award.counted:
            key = (event.member_id, rule_id, start)
            counters[key] = counters.get(key, 0) + points
        awards.append(award)
    return awards


class _MemberCounters(Mapping):
    """One member's slice of the batch counters, keyed ``(rule_id, period_start)``."""

    def __init__(self, counters: Mapping[tuple[int, int, dt.date], int], member_id: int):
        self._counters = counters
        self._member_id = member_id

    def __getitem__(self, key):
        return self._counters[(self._member_id, *key)]

    def __iter__(self):
        return ((rule, start) for member, rule, start in self._counters if member == self._member_id)

    def __len__(self):
        return sum(1 for _ in self)
