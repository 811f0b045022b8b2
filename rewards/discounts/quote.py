"""The discount quote, as pure functions: no database, exact Decimal money (docs/discounts.md).

Rounding policy: each amount is a share of the bill computed exactly, then rounded to the
currency's minor unit (``settings.OPERATOR_CURRENCY_QUANTUM``) with ROUND_HALF_UP, so an exact
half goes to the member. Lines are rounded cumulatively (line *i* = rounded running total up to
*i* minus rounded running total up to *i-1*), so the lines always add up to the total exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import DiscountKind, Stacking
from .specs import (
    DiscountLine,
    DiscountQuote,
    DiscountRate,
    DiscountRates,
    NextTenureBand,
    NextVolumeBracket,
    ScheduleSpec,
    TenureBandSpec,
    VolumeBracketSpec,
)

ROUNDING = ROUND_HALF_UP
HUNDRED = Decimal(100)
ZERO = Decimal(0)


# --- texts -----------------------------------------------------------------------------------


def currency_decimals(quantum: Decimal) -> int:
    return max(-quantum.as_tuple().exponent, 0)


# Texts are in the active language with its separators: the member's on the portal, English
# (``2.5``, ``24,000,000 VND``) where nothing else is active.


def percent_text(percent: Decimal) -> str:
    """``Decimal("5.00")`` -> ``"5"``, ``Decimal("2.50")`` -> ``"2.5"`` (``"2,5"`` in Vietnamese)."""
    return number_format(Decimal(f"{percent.normalize():f}"), use_l10n=True)


def money_text(amount: Decimal, *, quantum: Decimal | None = None, currency: str | None = None) -> str:
    """``24000000`` -> ``"24,000,000 VND"`` (``"24.000.000 VND"`` in Vietnamese); shown amounts
    are never rounded up."""
    quantum = quantum if quantum is not None else settings.OPERATOR_CURRENCY_QUANTUM
    currency = currency or settings.OPERATOR_CURRENCY
    shown = amount.quantize(quantum, rounding=ROUND_DOWN)
    grouped = number_format(shown, decimal_pos=currency_decimals(quantum), use_l10n=True, force_grouping=True)
    return f"{grouped} {currency}"


def volume_reason(percent: Decimal, rolling_spend: Decimal) -> str:
    return _("%(percent)s%% for %(amount)s spent in the last 12 months") % {
        "percent": percent_text(percent), "amount": money_text(rolling_spend),
    }


def tenure_reason(percent: Decimal, tenure_years: int) -> str:
    return ngettext(
        "%(percent)s%% for %(years)s year with us", "%(percent)s%% for %(years)s years with us", tenure_years
    ) % {"percent": percent_text(percent), "years": tenure_years}


# --- which schedule, which rates ---------------------------------------------------------------


def schedule_for_customer_type(
    *, schedules: Iterable[ScheduleSpec], customer_type: str
) -> ScheduleSpec | None:
    """The schedule that applies: one naming the customer type beats one for all types; then
    the latest ``valid_from``; then the newest (highest id)."""
    applicable = [s for s in schedules if s.applies_to(customer_type)]
    if not applicable:
        return None
    return max(
        applicable,
        key=lambda s: (
            not s.applies_to_all_customer_types,
            s.valid_from.toordinal() if s.valid_from else 0,
            s.id or 0,
        ),
    )


def _reached_bracket(brackets: Sequence[VolumeBracketSpec], spend: Decimal) -> VolumeBracketSpec | None:
    reached = [b for b in brackets if b.spend_from <= spend]
    return max(reached, key=lambda b: b.spend_from) if reached else None


def _reached_band(bands: Sequence[TenureBandSpec], years: int) -> TenureBandSpec | None:
    reached = [b for b in bands if b.years_from <= years]
    return max(reached, key=lambda b: b.years_from) if reached else None


def _next_bracket(brackets: Sequence[VolumeBracketSpec], spend: Decimal, current: Decimal):
    ahead = [b for b in brackets if b.spend_from > spend and b.percent > current]
    if not ahead:
        return None
    nearest = min(ahead, key=lambda b: b.spend_from)
    return NextVolumeBracket(nearest.spend_from, nearest.percent, nearest.spend_from - spend)


def _next_band(bands: Sequence[TenureBandSpec], years: int, current: Decimal):
    ahead = [b for b in bands if b.years_from > years and b.percent > current]
    if not ahead:
        return None
    nearest = min(ahead, key=lambda b: b.years_from)
    return NextTenureBand(nearest.years_from, nearest.percent)


def discount_rates(
    *, rolling_spend: Decimal, tenure_years: int, schedule: ScheduleSpec | None
) -> DiscountRates:
    """The percentages that apply, with their reasons, after the stacking policy."""
    if schedule is None:
        return DiscountRates(rates=(), total_percent=ZERO, note=_("No discount schedule applies."))
    candidates: list[DiscountRate] = []
    bracket = _reached_bracket(schedule.volume_brackets, rolling_spend)
    volume_percent = bracket.percent if bracket else ZERO
    if volume_percent > 0:
        candidates.append(DiscountRate(DiscountKind.VOLUME, volume_percent,
                                       volume_reason(volume_percent, rolling_spend)))
    band = _reached_band(schedule.tenure_bands, tenure_years)
    tenure_percent = band.percent if band else ZERO
    if tenure_percent > 0:
        candidates.append(DiscountRate(DiscountKind.TENURE, tenure_percent,
                                       tenure_reason(tenure_percent, tenure_years)))
    if schedule.stacking == Stacking.BEST_OF:
        rates, note = _best_of(candidates)
    else:
        rates, note = _sum_capped(candidates, schedule.cap_percent)
    return DiscountRates(
        rates=tuple(rates),
        total_percent=sum((r.percent for r in rates), ZERO),
        note=note,
        next_volume=_next_bracket(schedule.volume_brackets, rolling_spend, volume_percent),
        next_tenure=_next_band(schedule.tenure_bands, tenure_years, tenure_percent),
    )


def _best_of(candidates: list[DiscountRate]) -> tuple[list[DiscountRate], str]:
    if len(candidates) < 2:
        return candidates, ""
    volume, tenure = candidates
    # On a tie the tenure line is kept: the same money, and the loyalty reason.
    best = volume if volume.percent > tenure.percent else tenure
    if best is volume:
        note = _("Best of volume (%(volume)s%%) and tenure (%(tenure)s%%): the volume discount applies.")
    else:
        note = _("Best of volume (%(volume)s%%) and tenure (%(tenure)s%%): the tenure discount applies.")
    return [best], note % {"volume": percent_text(volume.percent), "tenure": percent_text(tenure.percent)}


def _sum_capped(
    candidates: list[DiscountRate], cap_percent: Decimal | None
) -> tuple[list[DiscountRate], str]:
    """Lines are added in order (volume, then tenure); the one that crosses the cap is clipped
    to what is left and says so; a line with nothing left is dropped and the note says so."""
    cap = HUNDRED if cap_percent is None else min(max(cap_percent, ZERO), HUNDRED)
    remaining = cap
    rates: list[DiscountRate] = []
    notes: list[str] = []
    for rate in candidates:
        applied = min(rate.percent, remaining)
        figures = {"percent": percent_text(rate.percent), "cap": percent_text(cap)}
        if applied <= 0:
            notes.append(_dropped_note(rate.kind) % figures)
            continue
        if applied < rate.percent:
            reason = _("%(reason)s, reduced from %(percent)s%% to %(applied)s%% by the %(cap)s%% cap on "
                       "combined discounts") % {**figures, "reason": rate.reason,
                                                "applied": percent_text(applied)}
            rate = DiscountRate(rate.kind, applied, reason)
        rates.append(rate)
        remaining -= applied
    return rates, " ".join(notes)


def _dropped_note(kind: str) -> str:
    if kind == DiscountKind.VOLUME:
        return _("The volume discount (%(percent)s%%) does not apply: the %(cap)s%% cap on combined "
                 "discounts is reached.")
    return _("The tenure discount (%(percent)s%%) does not apply: the %(cap)s%% cap on combined "
             "discounts is reached.")


# --- money ---------------------------------------------------------------------------------


def split_amounts(*, bill_amount: Decimal, percents: Sequence[Decimal], quantum: Decimal) -> list[Decimal]:
    """Each percent's share of the bill, rounded cumulatively so the shares add up exactly to the
    rounded share of the summed percent."""
    amounts: list[Decimal] = []
    with localcontext() as context:
        context.prec = 60
        running_percent = ZERO
        previous = ZERO
        for percent in percents:
            running_percent += percent
            running = (bill_amount * running_percent / HUNDRED).quantize(quantum, rounding=ROUNDING)
            amounts.append(running - previous)
            previous = running
    return amounts


def with_offers(rates: DiscountRates, offers: Sequence[DiscountRate]) -> DiscountRates:
    """``rates`` plus offer discounts (from campaigns) on top of the schedule's stacking, in
    the given order; an offer is clipped so the total never passes 100%, and dropped when
    nothing is left."""
    if not offers:
        return rates
    kept = list(rates.rates)
    remaining = HUNDRED - rates.total_percent
    for offer in offers:
        applied = min(offer.percent, remaining)
        if applied <= 0:
            continue
        if applied < offer.percent:
            reason = _("%(reason)s, reduced to %(applied)s%% so the discount stays within the bill") % {
                "reason": offer.reason, "applied": percent_text(applied),
            }
            offer = DiscountRate(offer.kind, applied, reason)
        kept.append(offer)
        remaining -= applied
    return DiscountRates(
        rates=tuple(kept), total_percent=sum((r.percent for r in kept), ZERO), note=rates.note,
        next_volume=rates.next_volume, next_tenure=rates.next_tenure,
    )


def quote_discount(
    *, bill_amount: Decimal, rolling_spend: Decimal, tenure_years: int, schedule: ScheduleSpec | None,
    offers: Sequence[DiscountRate] = (),
) -> DiscountQuote:
    """The discount on one bill. ``bill_amount`` must be ≥ 0 and exact in the currency's minor
    unit (``ValueError`` otherwise). ``schedule=None`` quotes no schedule discount; ``offers``
    (accepted campaign offers) come on top (``with_offers``)."""
    quantum: Decimal = settings.OPERATOR_CURRENCY_QUANTUM
    if not bill_amount.is_finite() or bill_amount < 0:
        raise ValueError(f"bill amount {bill_amount} must be a finite amount ≥ 0")
    if bill_amount != bill_amount.quantize(quantum, rounding=ROUND_DOWN):
        raise ValueError(f"bill amount {bill_amount} has more decimals than the currency's {quantum}")
    bill_amount = bill_amount.quantize(quantum)
    rates = with_offers(
        discount_rates(rolling_spend=rolling_spend, tenure_years=tenure_years, schedule=schedule), offers
    )
    amounts = split_amounts(bill_amount=bill_amount, percents=[r.percent for r in rates.rates],
                            quantum=quantum)
    lines = tuple(DiscountLine(r.kind, r.percent, amount, r.reason)
                  for r, amount in zip(rates.rates, amounts, strict=True))
    total = sum((line.amount for line in lines), ZERO).quantize(quantum)
    return DiscountQuote(
        bill_amount=bill_amount,
        currency=settings.OPERATOR_CURRENCY,
        lines=lines,
        total_percent=rates.total_percent,
        total_discount=total,
        payable=bill_amount - total,
        schedule_id=schedule.id if schedule else None,
        schedule_name=schedule.name if schedule else "",
        note=rates.note,
    )
