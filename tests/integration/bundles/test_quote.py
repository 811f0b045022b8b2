"""Quoting a bundle for a member: the list price, then the member's real volume and tenure
discounts (the discounts app's schedules), then a campaign's extra percent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rewards.bundles.pricing import QuantityProblem
from rewards.bundles.services import BundleDiscount, BundleErrorCode, bundle_quote
from tests.factories import MemberFactory
from tests.integration.discounts.helpers import live_schedule, monthly_spend

from .factories import component, template

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)
M = 1_000_000


@pytest.fixture
def member():
    """Active since 2020-01-15 (6 full years on ON), 24,000,000 VND spent in the last 12 months,
    under a schedule summing volume (3% from 20M) and tenure (5% from 3 years) up to 10%."""
    live_schedule(
        stacking="sum_capped", cap="10", brackets=((10 * M, "2"), (20 * M, "3")), bands=((1, "1"), (3, "5"))
    )
    member = MemberFactory(activation_date=dt.date(2020, 1, 15))
    monthly_spend(member, total=24 * M, last_month=dt.date(2026, 6, 1))
    return member


def quote(member, bundle, **kwargs):
    return bundle_quote(member_id=member.pk, template_id=bundle.pk, on=ON, **kwargs)


def test_the_quote_applies_the_members_volume_and_tenure_discounts(member):
    result = quote(member, template())

    assert result.is_success
    assert (result.currency, result.list_price) == ("VND", Decimal(160_000))
    assert [(line.code, line.quantity, line.amount) for line in result.lines] == [
        ("data-gb", 10, Decimal(100_000)),
        ("voice-min", 90, Decimal(45_000)),
        ("sms", 50, Decimal(15_000)),
    ]
    assert result.discounts == (
        BundleDiscount(
            "volume", Decimal("3.00"), Decimal(4_800), "3% for 24,000,000 VND spent in the last 12 months"
        ),
        BundleDiscount("tenure", Decimal("5.00"), Decimal(8_000), "5% for 6 years with us"),
    )
    assert (result.total_discount, result.total) == (Decimal(12_800), Decimal(147_200))


def test_a_campaigns_extra_percent_comes_on_top_with_its_reason(member):
    result = quote(member, template(), extra_percent=Decimal("10"))

    assert result.discounts[-1] == BundleDiscount(
        "offer", Decimal(10), Decimal(16_000), "10% off with this offer"
    )
    assert (result.total_discount, result.total) == (Decimal(28_800), Decimal(131_200))


def test_the_total_never_goes_below_zero(member):
    result = quote(member, template(), extra_percent=Decimal("95"))

    assert result.discounts[-1] == BundleDiscount(
        "offer",
        Decimal(92),
        Decimal(147_200),
        "95% off with this offer, reduced to 92% so the discount stays within the bill",
    )
    assert (result.total_discount, result.total) == (Decimal(160_000), Decimal(0))


def test_discounts_are_rounded_half_up_without_drift(member):
    # 3% and 5% of 150,050 VND: 4,501.5 -> 4,502 and a cumulative 12,004 (4,502 + 7,502)
    component("data-gb", unit_price=Decimal(150_050))
    result = quote(member, template(lines=(("data-gb", 1),)))

    assert [d.amount for d in result.discounts] == [Decimal(4_502), Decimal(7_502)]
    assert (result.total_discount, result.total) == (Decimal(12_004), Decimal(138_046))
    assert result.prices_json() == {
        "on": "2026-06-15",
        "currency": "VND",
        "list_price": "150050",
        "discounts": [
            {
                "kind": "volume",
                "percent": "3.00",
                "amount": "4502",
                "reason": "3% for 24,000,000 VND spent in the last 12 months",
            },
            {"kind": "tenure", "percent": "5.00", "amount": "7502", "reason": "5% for 6 years with us"},
        ],
        "total_discount": "12004",
        "total": "138046",
        "note": "",
    }


def test_a_member_no_schedule_applies_to_pays_the_list_price():
    member = MemberFactory()

    result = bundle_quote(member_id=member.pk, template_id=template().pk, on=ON)

    assert (result.discounts, result.total, result.note) == (
        (),
        Decimal(160_000),
        "No discount schedule applies.",
    )


def test_the_members_quantities_are_priced(member):
    result = quote(member, template(), quantities={"data-gb": 20, "sms": 0})

    assert [(line.code, line.quantity) for line in result.lines] == [("data-gb", 20), ("voice-min", 90)]
    assert result.list_price == Decimal(245_000)


def test_bad_quantities_are_refused_with_a_message_per_component(member):
    result = quote(member, template(), quantities={"data-gb": 0, "voice-min": 100})

    assert (result.is_success, result.error) == (False, BundleErrorCode.INVALID_QUANTITIES)
    assert result.problems == (
        QuantityProblem("data-gb", "Mobile data: at least 1 GB (got 0)."),
        QuantityProblem(
            "voice-min", "Minutes: from 0 min in steps of 30 (got 100; the nearest allowed are 90 and 120)."
        ),
    )
    assert result.message == " ".join(p.message for p in result.problems)
    assert result.lines == () and result.total == Decimal(0)


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        pytest.param(
            lambda m, t: m.__class__.objects.filter(pk=m.pk).update(status="suspended"),
            BundleErrorCode.MEMBER_INACTIVE,
            "This line is not active, so it cannot order a bundle.",
            id="member-suspended",
        ),
        pytest.param(
            lambda m, t: t.__class__.objects.filter(pk=t.pk).update(live=False),
            BundleErrorCode.NOT_AVAILABLE,
            "This bundle is not available.",
            id="template-draft",
        ),
        pytest.param(
            lambda m, t: component("sms").__class__.objects.filter(code="sms").update(active=False),
            BundleErrorCode.NOT_AVAILABLE,
            "This bundle is not available at the moment.",
            id="component-inactive",
        ),
        pytest.param(
            lambda m, t: t.__class__.objects.filter(pk=t.pk).update(plan_fit="prepaid"),
            BundleErrorCode.NOT_SUITED,
            "This bundle is for prepaid lines.",
            id="postpaid-member",
        ),
    ],
)
def test_refusals_say_why(member, setup, code, message):
    bundle = template()
    setup(member, bundle)

    result = quote(member, bundle)

    assert (result.error, result.message) == (code, message)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(Decimal(0), "The extra discount must be above 0% and at most 100% (got 0).", id="zero"),
        pytest.param(
            Decimal(101), "The extra discount must be above 0% and at most 100% (got 101).", id="over"
        ),
        pytest.param(
            Decimal("2.505"), "The extra discount has at most two decimal places (got 2.505).", id="decimals"
        ),
        pytest.param(2.5, "The extra discount must be a Decimal percentage.", id="float"),
    ],
)
def test_a_bad_extra_percent_is_refused(member, extra, message):
    result = quote(member, template(), extra_percent=extra)

    assert (result.error, result.message) == (BundleErrorCode.INVALID_EXTRA_PERCENT, message)


def test_an_unknown_member_or_template():
    assert (
        bundle_quote(member_id=999_999, template_id=template().pk).error == BundleErrorCode.MEMBER_NOT_FOUND
    )
    assert (
        bundle_quote(member_id=MemberFactory().pk, template_id=999_999).error == BundleErrorCode.NOT_AVAILABLE
    )
