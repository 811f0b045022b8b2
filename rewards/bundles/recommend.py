"""The bundle recommender's core, a pure function: from what is already read (the member's
segment and plan, their monthly usage, the templates that suit them with their components, the
add-on counts and the marketer's settings) to a recommendation: a template, a quantity per line
and a reason for every choice. No database, no clock: ``services.recommendation`` does the
reads, and the dashboard can call ``bundle_recommend`` with what it already holds.

Sizing: data, minutes and SMS are sized to the member's monthly average over the last full
months plus the headroom (Performance Seekers get extra on data), rounded **up** to the
component's step, never below its smallest or above its largest quantity. Add-ons the billing
data knows (``addon_service``) are switched on when the add-on recommender ranks them among the
member's top suggestions, left off when the member already has them. By segment:

- Control Seekers: a prepaid pack with a spending cap when one suits them;
- Performance Seekers: a bundle with a quality promise when there is one, and more data;
- Cost Cutters: the cheapest bundle that covers their usage, without add-ons;
- everyone else: a bundle made for their segment first, then any that covers their usage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from club.members.models.choices import Segment

from .addons import AddonCounts, AddonProfile, AddonScore, addon_recommend
from .choices import ComponentKind, PlanFit
from .models.recommender import (
    DEFAULT_ADDON_SUGGESTIONS,
    DEFAULT_HEADROOM_PERCENT,
    DEFAULT_PERFORMANCE_EXTRA_PERCENT,
    DEFAULT_USAGE_MONTHS,
)
from .pricing import ComponentTerms, TemplateLine, list_price
from .reasons import Reason

MB_PER_GB = Decimal(1024)
HUNDRED = Decimal(100)
USAGE_KINDS = (ComponentKind.DATA, ComponentKind.VOICE, ComponentKind.SMS)


@dataclass(frozen=True)
class MemberFacts:
    segment: str
    payment_plan: str
    addons: AddonProfile = AddonProfile(eligible=False)  # the services the member already has


@dataclass(frozen=True)
class UsageMonth:
    month: dt.date
    data_mb: int = 0
    voice_minutes: int = 0
    sms: int = 0


@dataclass(frozen=True)
class Usage:
    """Monthly averages over ``months_seen`` months (0: no usage known), in GB, minutes, SMS."""

    months: int
    months_seen: int = 0
    data_gb: Decimal = Decimal(0)
    voice_minutes: Decimal = Decimal(0)
    sms: Decimal = Decimal(0)

    @classmethod
    def average(cls, rows: Sequence[UsageMonth], *, months: int) -> Usage:
        """The average of the months with a row (a member who joined last month is not
        averaged down by the months before they joined)."""
        return cls.from_totals(
            months=months, months_seen=len(rows), data_mb=sum(r.data_mb for r in rows),
            voice_minutes=sum(r.voice_minutes for r in rows), sms=sum(r.sms for r in rows),
        )

    @classmethod
    def from_totals(
        cls, *, months: int, months_seen: int, data_mb: int, voice_minutes: int, sms: int
    ) -> Usage:
        """The averages of ``months_seen`` months whose totals are given (the dashboard reads
        the totals in its one member query)."""
        if not months_seen:
            return cls(months=months)
        seen = Decimal(months_seen)
        return cls(
            months=months,
            months_seen=months_seen,
            data_gb=Decimal(data_mb) / MB_PER_GB / seen,
            voice_minutes=Decimal(voice_minutes) / seen,
            sms=Decimal(sms) / seen,
        )

    def of(self, kind: str) -> Decimal:
        return {ComponentKind.DATA: self.data_gb, ComponentKind.VOICE: self.voice_minutes}.get(kind, self.sms)


@dataclass(frozen=True)
class RecommenderTerms:
    headroom_percent: int = DEFAULT_HEADROOM_PERCENT
    performance_extra_percent: int = DEFAULT_PERFORMANCE_EXTRA_PERCENT
    usage_months: int = DEFAULT_USAGE_MONTHS
    addon_suggestions: int = DEFAULT_ADDON_SUGGESTIONS
    quantum: Decimal = Decimal(1)  # the currency's minor unit, to compare list prices


@dataclass(frozen=True)
class TemplateOption:
    """A template as the recommender reads it (``of`` builds one from a ``BundleTemplate``
    whose lines and components are loaded)."""

    id: int
    code: str
    name: str
    lines: tuple[TemplateLine, ...]
    plan_fit: str = PlanFit.ANY
    target_segments: tuple[str, ...] = ()
    monthly_spending_cap: Decimal | None = None
    quality_promise: str = ""
    description: str = ""
    return_window_days: int = 0

    @classmethod
    def of(cls, template) -> TemplateOption:
        return cls(
            id=template.pk,
            code=template.code,
            name=template.name,
            lines=tuple(template.template_lines()),
            plan_fit=template.plan_fit,
            target_segments=tuple(template.target_segments or ()),
            monthly_spending_cap=template.monthly_spending_cap,
            quality_promise=template.quality_promise,
            description=template.description,
            return_window_days=template.return_window_days,
        )

    def suits(self, member: MemberFacts) -> bool:
        plan_ok = self.plan_fit in (PlanFit.ANY, member.payment_plan)
        segment_ok = not self.target_segments or member.segment in self.target_segments
        components_ok = bool(self.lines) and all(line.component.active for line in self.lines)
        return plan_ok and segment_ok and components_ok


@dataclass(frozen=True)
class LineChoice:
    code: str
    name: str
    unit_label: str
    quantity: int
    reason: Reason
    covers_usage: bool = True


@dataclass(frozen=True)
class Recommendation:
    template: TemplateOption
    lines: tuple[LineChoice, ...]
    reasons: tuple[Reason, ...]
    addons: tuple[AddonScore, ...] = ()  # the member's add-on suggestions, best first

    @property
    def quantities(self) -> dict[str, int]:
        return {line.code: line.quantity for line in self.lines}

    @property
    def covers_usage(self) -> bool:
        return all(line.covers_usage for line in self.lines)

    def line(self, code: str) -> LineChoice | None:
        return next((line for line in self.lines if line.code == code), None)


def quantity_round_up(component: ComponentTerms, need: Decimal) -> int:
    """The smallest allowed quantity ≥ ``need`` (from the smallest, in steps), at most the
    largest."""
    if need <= component.min_quantity:
        return component.min_quantity
    steps = ((need - component.min_quantity) / component.step).to_integral_value(rounding=ROUND_CEILING)
    return min(component.min_quantity + int(steps) * component.step, component.max_quantity)


def _shown_usage(kind: str, used: Decimal) -> Decimal:
    places = Decimal("0.1") if kind == ComponentKind.DATA else Decimal(1)
    return used.quantize(places, rounding=ROUND_HALF_UP)


def usage_line(line: TemplateLine, usage: Usage, *, headroom_percent: int, fast: bool) -> LineChoice:
    """A data, voice or SMS line sized to the monthly average plus headroom."""
    component = line.component
    values = {"unit": component.unit_label, "months": usage.months}
    if not usage.months_seen:
        reason = Reason.of("usage_unknown", quantity=line.default_quantity, **values)
        return LineChoice(component.code, component.name, component.unit_label, line.default_quantity, reason)
    used = usage.of(component.kind)
    need = used * (HUNDRED + headroom_percent) / HUNDRED
    quantity = quantity_round_up(component, need)
    values.update(quantity=quantity, used=_shown_usage(component.kind, used))
    covers = quantity >= need
    if used == 0:
        reason = Reason.of("usage_none", **values)
    elif not covers:
        reason = Reason.of("usage_at_max", **values)
    elif need <= component.min_quantity:
        reason = Reason.of("usage_at_min", **values)
    else:
        code = "usage_sized_fast" if fast else "usage_sized"
        reason = Reason.of(code, headroom=headroom_percent, **values)
    return LineChoice(component.code, component.name, component.unit_label, quantity, reason, covers)


def addon_line(line: TemplateLine, member: MemberFacts, suggested: dict[str, AddonScore]) -> LineChoice:
    """An add-on of the billing data: on when suggested, off when held or not suggested."""
    component = line.component
    service = component.addon_service

    def choice(quantity: int, reason: Reason) -> LineChoice:
        return LineChoice(component.code, component.name, component.unit_label, quantity, reason)

    if member.segment == Segment.COST_CUTTERS:
        return choice(component.min_quantity, Reason.of("addon_cost"))
    if service in member.addons.services:
        return choice(component.min_quantity, Reason.of("addon_held", service=service))
    score = suggested.get(service)
    if score is None:
        return choice(component.min_quantity, Reason.of("addon_not_suggested", service=service))
    quantity = min(max(component.min_quantity, component.step), component.max_quantity)
    percent = round(score.percent)
    if score.because:
        return choice(quantity, Reason.of("addon_suggested_with", service=service, percent=percent,
                                          feature=score.because))
    return choice(quantity, Reason.of("addon_suggested", service=service, percent=percent))


def template_size(
    template: TemplateOption, member: MemberFacts, usage: Usage, terms: RecommenderTerms,
    suggested: dict[str, AddonScore],
) -> tuple[LineChoice, ...]:
    choices = []
    for line in template.lines:
        kind = line.component.kind
        if kind in USAGE_KINDS:
            fast = member.segment == Segment.PERFORMANCE_SEEKERS and kind == ComponentKind.DATA
            headroom = terms.headroom_percent + (terms.performance_extra_percent if fast else 0)
            choices.append(usage_line(line, usage, headroom_percent=headroom, fast=fast))
        elif line.component.addon_service:
            choices.append(addon_line(line, member, suggested))
        elif member.segment == Segment.COST_CUTTERS:
            component = line.component
            choices.append(LineChoice(component.code, component.name, component.unit_label,
                                      component.min_quantity, Reason.of("addon_cost")))
        else:
            component = line.component
            choices.append(LineChoice(component.code, component.name, component.unit_label,
                                      line.default_quantity, Reason.of("line_kept")))
    if not any(choice.quantity > 0 for choice in choices):  # an empty bundle cannot be ordered
        choices = [
            LineChoice(c.code, c.name, c.unit_label, line.default_quantity, Reason.of("line_kept"))
            for c, line in zip(choices, template.lines, strict=True)
        ]
    if template.monthly_spending_cap is not None:
        choices = within_cap(template, choices, usage, terms.quantum)
    return tuple(choices)


def within_cap(
    template: TemplateOption, choices: list[LineChoice], usage: Usage, quantum: Decimal
) -> list[LineChoice]:
    """A pack with a spending cap never costs more than the cap (at list price, before any
    discount): step down the add-ons switched on first, then the line that costs the most, one
    step at a time, never below a component's smallest quantity."""
    cap = template.monthly_spending_cap
    components = {line.component.code: line.component for line in template.lines}
    quantities = {choice.code: choice.quantity for choice in choices}
    reduced: set[str] = set()

    def price() -> Decimal:
        return list_price(lines=[(components[c], q) for c, q in quantities.items()], quantum=quantum)

    def cost(code: str) -> tuple[bool, Decimal]:
        return components[code].kind in USAGE_KINDS, quantities[code] * components[code].unit_price

    while price() > cap:
        reducible = [c for c, q in quantities.items() if q - components[c].step >= components[c].min_quantity]
        if not reducible:
            break
        # add-ons (False sorts first), then the dearest line
        code = min(reducible, key=lambda c: (cost(c)[0], -cost(c)[1]))
        quantities[code] -= components[code].step
        reduced.add(code)
    result = []
    for choice in choices:
        if choice.code not in reduced:
            result.append(choice)
            continue
        component = components[choice.code]
        quantity = quantities[choice.code]
        if component.kind in USAGE_KINDS and usage.months_seen:
            used = _shown_usage(component.kind, usage.of(component.kind))
            reason = Reason.of("capped", quantity=quantity, unit=component.unit_label, cap=cap, used=used)
        else:
            reason = Reason.of("capped_extra", cap=cap)
        result.append(LineChoice(choice.code, choice.name, choice.unit_label, quantity, reason,
                                 covers_usage=choice.covers_usage and component.kind not in USAGE_KINDS))
    return result


@dataclass(frozen=True)
class _Sized:
    index: int
    template: TemplateOption
    lines: tuple[LineChoice, ...]
    price: Decimal
    specific: bool

    @property
    def short_lines(self) -> int:
        return sum(not line.covers_usage for line in self.lines)


def _pick(sized: list[_Sized], member: MemberFacts) -> tuple[_Sized, Reason]:
    def usual(s: _Sized):
        return (s.short_lines, not s.specific, s.index)

    if member.segment == Segment.CONTROL_SEEKERS:
        packs = [
            s for s in sized if s.template.plan_fit == PlanFit.PREPAID and s.template.monthly_spending_cap
        ]
        if packs:
            best = min(packs, key=lambda s: (s.short_lines, s.price, s.index))
            return best, Reason.of("segment_control", cap=best.template.monthly_spending_cap)
    if member.segment == Segment.PERFORMANCE_SEEKERS:
        promised = [s for s in sized if s.template.quality_promise]
        if promised:
            best = min(promised, key=usual)
            return best, Reason.of("segment_performance", promise=best.template.quality_promise)
    if member.segment == Segment.COST_CUTTERS:
        best = min(sized, key=lambda s: (s.short_lines, s.price, s.index))
        covering = sum(1 for s in sized if not s.short_lines)
        if best.short_lines:
            return best, Reason.of("segment_cheapest_closest")
        return best, Reason.of("segment_cheapest", count=covering)
    best = min(sized, key=usual)
    if best.specific:
        return best, Reason.of("segment_made_for", segment=member.segment)
    return best, Reason.of("segment_suits")


def bundle_recommend(
    *,
    member: MemberFacts,
    usage: Usage,
    templates: Sequence[TemplateOption],
    terms: RecommenderTerms = RecommenderTerms(),
    addon_counts: AddonCounts | None = None,
) -> Recommendation | None:
    """The bundle for the member, sized to their usage, with a reason for every choice; None
    when no template suits them."""
    options = [t for t in templates if t.suits(member)]
    if not options:
        return None
    addons = tuple(addon_recommend(addon_counts, member.addons, limit=terms.addon_suggestions))
    suggested = {score.service: score for score in addons}
    sized = []
    for index, template in enumerate(options):
        lines = template_size(template, member, usage, terms, suggested)
        by_code = {line.component.code: line.component for line in template.lines}
        chosen = [(by_code[choice.code], choice.quantity) for choice in lines]
        price = list_price(lines=chosen, quantum=terms.quantum)
        specific = member.segment in template.target_segments
        sized.append(_Sized(index, template, lines, price, specific))
    best, why = _pick(sized, member)
    reasons = [why]
    if best.short_lines:
        capped = best.template.monthly_spending_cap is not None
        reasons.append(Reason.of("usage_above_cap" if capped else "usage_above_bundle"))
    return Recommendation(best.template, best.lines, tuple(reasons), addons)
