"""Offer discounts from campaigns, on top of the schedule's (pure quote; no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rewards.discounts import offers as offer_registry
from rewards.discounts.choices import DiscountKind, Stacking
from rewards.discounts.quote import quote_discount
from rewards.discounts.specs import DiscountRate, ScheduleSpec, TenureBandSpec

D = Decimal
OFFER, TENURE = DiscountKind.OFFER, DiscountKind.TENURE


def tenure_schedule() -> ScheduleSpec:
    return ScheduleSpec(id=1, name="Tenure", stacking=Stacking.BEST_OF, cap_percent=None,
                        volume_brackets=(), tenure_bands=(TenureBandSpec(3, D(5)),))


def offer(percent, reason="Weekend offer") -> DiscountRate:
    return DiscountRate(OFFER, D(percent), reason)


def lines(quote):
    return [(line.kind, line.percent, line.amount) for line in quote.lines]


def test_an_offer_adds_a_line_after_the_schedules():
    quote = quote_discount(bill_amount=D(500_000), rolling_spend=D(0), tenure_years=3,
                           schedule=tenure_schedule(), offers=[offer(10)])

    assert lines(quote) == [(TENURE, 5, 25_000), (OFFER, 10, 50_000)]
    assert (quote.total_discount, quote.payable) == (75_000, 425_000)


def test_offers_never_take_the_total_past_the_bill():
    quote = quote_discount(bill_amount=D(200_000), rolling_spend=D(0), tenure_years=3,
                           schedule=tenure_schedule(), offers=[offer(90), offer(20, "Second offer")])

    assert lines(quote) == [(TENURE, 5, 10_000), (OFFER, 90, 180_000), (OFFER, 5, 10_000)]
    assert quote.lines[2].reason == "Second offer, reduced to 5% so the discount stays within the bill"
    assert quote.payable == 0


def test_no_schedule_still_quotes_an_offer():
    quote = quote_discount(bill_amount=D(100_000), rolling_spend=D(0), tenure_years=0, schedule=None,
                           offers=[offer("12.5")])

    assert lines(quote) == [(OFFER, D("12.5"), 12_500)]


def test_registered_sources_answer_for_a_set_of_members(monkeypatch):
    monkeypatch.setattr(offer_registry, "_sources", [])
    calls = []

    def source(member_ids, on):
        calls.append((sorted(member_ids), on))
        return {member_id: [offer(member_id)] for member_id in member_ids if member_id != 2}

    offer_registry.offer_discount_source_register(source)
    offer_registry.offer_discount_source_register(source)  # once only
    found = offer_registry.offer_discounts_by_member(member_ids={1, 2, 3}, on=dt.date(2026, 11, 24))

    assert found == {1: [offer(1)], 3: [offer(3)]}
    assert calls == [([1, 2, 3], dt.date(2026, 11, 24))]
    assert offer_registry.offer_discounts_by_member(member_ids=set(), on=dt.date(2026, 11, 24)) == {}
