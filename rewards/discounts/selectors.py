"""Reads of the discounts app: live schedules, the quote for one member or a batch, the
member's dashboard view of their discounts. Set-based: a batch costs the same few queries as
one quote (members, schedules with their rows, rolling spend)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

from club.members.models import Member
from club.members.phone import InvalidPhoneNumber, phone_to_e164
from rewards.activity.selectors import member_rolling_spend, rolling_spend_by_member
from rewards.reference import ReferenceData

from .models import DiscountSchedule, TenureBand, VolumeBracket
from .offers import offer_discounts_by_member
from .quote import discount_rates, quote_discount, schedule_for_customer_type, with_offers
from .specs import (
    DiscountQuote,
    DiscountRate,
    NextTenureBand,
    NextVolumeBracket,
    ScheduleSpec,
    TenureBandSpec,
    VolumeBracketSpec,
)

MEMBER_FIELDS = ("id", "msisdn", "account_number", "customer_type", "activation_date")


def _live_schedules_load() -> tuple[tuple[ScheduleSpec, dt.date | None], ...]:
    """Every published schedule with its brackets and bands, and the last day it is valid
    (three queries)."""
    schedules = DiscountSchedule.objects.filter(live=True).order_by("pk").prefetch_related(
        Prefetch("volume_brackets", queryset=VolumeBracket.objects.order_by("spend_from")),
        Prefetch("tenure_bands", queryset=TenureBand.objects.order_by("years_from")),
    )
    return tuple(
        (
            ScheduleSpec(
                id=s.pk, name=s.name, stacking=s.stacking, cap_percent=s.cap_percent,
                customer_types=frozenset(s.customer_types or ()), valid_from=s.valid_from,
                volume_brackets=tuple(
                    VolumeBracketSpec(b.spend_from, b.percent) for b in s.volume_brackets.all()
                ),
                tenure_bands=tuple(TenureBandSpec(b.years_from, b.percent) for b in s.tenure_bands.all()),
            ),
            s.valid_until,
        )
        for s in schedules
    )


LIVE_SCHEDULES = ReferenceData(
    "live-discount-schedules", _live_schedules_load,
    ("discounts.DiscountSchedule", "discounts.VolumeBracket", "discounts.TenureBand"),
)


def live_schedule_specs(*, on: dt.date) -> list[ScheduleSpec]:
    """Published schedules valid on ``on``, with their brackets and bands (from the reference
    cache; dropped whenever a schedule, bracket or band is written)."""
    return [
        spec for spec, valid_until in LIVE_SCHEDULES.get()
        if spec.valid_from <= on and (valid_until is None or valid_until >= on)
    ]


def discount_schedule_for_customer_type(*, customer_type: str, on: dt.date) -> ScheduleSpec | None:
    return schedule_for_customer_type(schedules=live_schedule_specs(on=on), customer_type=customer_type)


def discount_quote_for_member(*, member_id: int, bill_amount: Decimal, on: dt.date) -> DiscountQuote:
    """The discount on one bill of the member (``Member.DoesNotExist`` if there is none)."""
    member = Member.objects.only(*MEMBER_FIELDS).get(pk=member_id)
    return quote_discount(
        bill_amount=bill_amount,
        rolling_spend=member_rolling_spend(member_id=member.pk, on=on),
        tenure_years=member.tenure_years(on),
        schedule=discount_schedule_for_customer_type(customer_type=member.customer_type, on=on),
        offers=offer_discounts_by_member(member_ids=[member.pk], on=on).get(member.pk, ()),
    )


# --- the member's dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemberDiscounts:
    """What the member's dashboard shows: the percentages that apply today, and why."""

    on: dt.date
    schedule_name: str
    rates: tuple[DiscountRate, ...]
    total_percent: Decimal
    note: str
    rolling_spend: Decimal
    tenure_years: int
    next_volume: NextVolumeBracket | None
    next_tenure: NextTenureBand | None
    next_tenure_on: dt.date | None


def _anniversary(activation: dt.date, years: int) -> dt.date:
    try:
        return activation.replace(year=activation.year + years)
    except ValueError:  # 29 February in a year without one: Member.tenure_years counts from 1 March
        return dt.date(activation.year + years, 3, 1)


def member_discounts(*, member_id: int, on: dt.date) -> MemberDiscounts:
    member = Member.objects.only(*MEMBER_FIELDS).get(pk=member_id)
    return member_discounts_of(
        member=member, rolling_spend=member_rolling_spend(member_id=member.pk, on=on),
        offers=offer_discounts_by_member(member_ids=[member.pk], on=on).get(member.pk, ()), on=on,
    )


def member_discounts_of(
    *, member: Member, rolling_spend: Decimal, offers: Sequence[DiscountRate], on: dt.date
) -> MemberDiscounts:
    """``member_discounts`` from what the caller has already read: the member (its customer
    type and activation date), their rolling spend and offer discounts (no query but the
    cached schedules)."""
    schedule = discount_schedule_for_customer_type(customer_type=member.customer_type, on=on)
    tenure = member.tenure_years(on)
    rates = with_offers(
        discount_rates(rolling_spend=rolling_spend, tenure_years=tenure, schedule=schedule), offers
    )
    return MemberDiscounts(
        on=on, schedule_name=schedule.name if schedule else "", rates=rates.rates,
        total_percent=rates.total_percent, note=rates.note, rolling_spend=rolling_spend,
        tenure_years=tenure, next_volume=rates.next_volume, next_tenure=rates.next_tenure,
        next_tenure_on=(_anniversary(member.activation_date, rates.next_tenure.years_from)
                        if rates.next_tenure else None),
    )


# --- batches (the billing run) ----------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRequest:
    member: str  # MSISDN (E.164) or account number, as the billing system sent it
    bill_amount: Decimal


@dataclass(frozen=True)
class QuoteResult:
    member: str
    quote: DiscountQuote | None = None
    error: str = ""


def _msisdn_or_none(reference: str) -> str | None:
    if not reference.startswith("+"):
        return None
    try:
        return phone_to_e164(reference)
    except InvalidPhoneNumber:
        return None


def members_by_reference(*, references: Iterable[str]) -> dict[str, Member]:
    """Members found by MSISDN (``+84...``) or account number, keyed by the reference as given;
    one query however many references."""
    references = {r.strip() for r in references if r and r.strip()}
    msisdns = {ref: number for ref in references if (number := _msisdn_or_none(ref))}
    if not references:
        return {}
    found = Member.objects.only(*MEMBER_FIELDS).filter(
        Q(account_number__in=references) | Q(msisdn__in=set(msisdns.values()))
    )
    by_account = {m.account_number: m for m in found}
    by_msisdn = {m.msisdn: m for m in by_account.values()}
    result: dict[str, Member] = {}
    for ref in references:
        member = by_account.get(ref) or (by_msisdn.get(msisdns[ref]) if ref in msisdns else None)
        if member is not None:
            result[ref] = member
    return result


def member_by_reference(*, reference: str) -> Member | None:
    return members_by_reference(references=[reference]).get(reference.strip())


def discount_quotes_for_members(*, requests: Sequence[QuoteRequest], on: dt.date) -> list[QuoteResult]:
    """Quotes for many bills at once, in request order; an unknown member is an error line.
    Five queries whatever the batch size (members, schedules, brackets, bands, spend), plus one
    per registered offer-discount source."""
    members = members_by_reference(references=[r.member for r in requests])
    if not members:
        return [QuoteResult(member=r.member, error="unknown member") for r in requests]
    schedules = live_schedule_specs(on=on)
    spend = rolling_spend_by_member(member_ids={m.pk for m in members.values()}, on=on)
    offers = offer_discounts_by_member(member_ids={m.pk for m in members.values()}, on=on)
    results: list[QuoteResult] = []
    for request in requests:
        member = members.get(request.member.strip())
        if member is None:
            results.append(QuoteResult(member=request.member, error="unknown member"))
            continue
        quote = quote_discount(
            bill_amount=request.bill_amount,
            rolling_spend=spend.get(member.pk, Decimal(0)),
            tenure_years=member.tenure_years(on),
            schedule=schedule_for_customer_type(schedules=schedules, customer_type=member.customer_type),
            offers=offers.get(member.pk, ()),
        )
        results.append(QuoteResult(member=request.member, quote=quote))
    return results
