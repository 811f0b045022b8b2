"""Which live schedule quotes for a member, and the dashboard's view of the member's discounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from club.members.models import CustomerType, Member
from rewards.discounts.choices import DiscountKind, Stacking
from rewards.discounts.selectors import (
    discount_quote_for_member,
    discount_schedule_for_customer_type,
    member_discounts,
)
from tests.factories import MemberFactory

from .helpers import M, live_schedule, monthly_spend

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)


def chosen(customer_type: str, on: dt.date = ON) -> str | None:
    spec = discount_schedule_for_customer_type(customer_type=customer_type, on=on)
    return spec.name if spec else None


def test_schedule_by_customer_type():
    live_schedule(name="Everyone")
    live_schedule(name="Business", customer_types=[CustomerType.ENTERPRISE, CustomerType.GOVERNMENT])

    assert [chosen(t) for t in CustomerType.values] == ["Everyone", "Everyone", "Business", "Business"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"live": False}, "Everyone", id="draft-is-ignored"),
        pytest.param({"valid_from": dt.date(2026, 6, 16)}, "Everyone", id="not-yet-valid"),
        pytest.param({"valid_until": dt.date(2026, 6, 14)}, "Everyone", id="expired"),
        pytest.param({"valid_until": dt.date(2026, 6, 15)}, "Households", id="last-day-is-valid"),
        pytest.param({"valid_from": dt.date(2026, 6, 15)}, "Households", id="first-day-is-valid"),
    ],
)
def test_only_live_schedules_valid_on_the_day_quote(fields, expected):
    live_schedule(name="Everyone")
    live_schedule(name="Households", customer_types=[CustomerType.HOUSEHOLD], **fields)

    assert chosen(CustomerType.HOUSEHOLD) == expected


def test_quote_for_member_uses_rolling_spend_and_tenure():
    live_schedule(stacking=Stacking.SUM_CAPPED, cap="7")
    member = MemberFactory(activation_date=dt.date(2021, 6, 15))
    monthly_spend(member, total=60 * M, last_month=dt.date(2026, 6, 1))

    quote = discount_quote_for_member(member_id=member.pk, bill_amount=Decimal(310_000), on=ON)

    # 5% volume + 7% tenure (5 years), capped at 7%: 15,500 + 6,200
    assert [(line.kind, line.percent, line.amount) for line in quote.lines] == [
        (DiscountKind.VOLUME, Decimal(5), Decimal(15_500)), (DiscountKind.TENURE, Decimal(2), Decimal(6_200)),
    ]
    assert (quote.total_discount, quote.payable) == (Decimal(21_700), Decimal(288_300))


def test_quote_for_unknown_member_raises():
    with pytest.raises(Member.DoesNotExist):
        discount_quote_for_member(member_id=0, bill_amount=Decimal(1), on=ON)


def test_member_discounts_for_the_dashboard():
    live_schedule(name="Everyone 2026", stacking=Stacking.SUM_CAPPED, cap="10")
    member = MemberFactory(activation_date=dt.date(2024, 2, 29))
    monthly_spend(member, total=24 * M, last_month=dt.date(2026, 6, 1))

    discounts = member_discounts(member_id=member.pk, on=ON)

    assert discounts.schedule_name == "Everyone 2026"
    assert [(r.kind, r.percent, r.reason) for r in discounts.rates] == [
        (DiscountKind.VOLUME, Decimal(3), "3% for 24,000,000 VND spent in the last 12 months"),
        (DiscountKind.TENURE, Decimal(1), "1% for 2 years with us"),
    ]
    assert (discounts.total_percent, discounts.rolling_spend, discounts.tenure_years) == (
        Decimal(4), Decimal(24 * M), 2)
    assert (discounts.next_volume.spend_from, discounts.next_volume.spend_missing) == (
        Decimal(50 * M), Decimal(26 * M))
    assert (discounts.next_tenure.years_from, discounts.next_tenure.percent) == (3, Decimal(5))
    assert discounts.next_tenure_on == dt.date(2027, 3, 1)  # activated on 29 February
