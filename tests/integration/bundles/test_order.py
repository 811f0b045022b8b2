"""Placing an order: the quote, the order and its ``activate`` outbox row in one unit, once per
idempotency key; refusals write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from rewards.bundles.models import BundleOrder, BundleOutbox
from rewards.bundles.selectors import bundle_orders_for_member
from rewards.bundles.services import BundleErrorCode, bundle_order_place
from tests.factories import MemberFactory
from tests.integration.discounts.helpers import live_schedule

from .factories import template

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))


@pytest.fixture
def member():
    """Tenure 6 years on AT under a best-of schedule: 5% tenure discount, no volume."""
    live_schedule(bands=((1, "1"), (3, "5")))
    return MemberFactory(activation_date=dt.date(2020, 1, 15), msisdn="+84901230001", account_number="ACC-B1")


def place(member, bundle, key="order-1", **kwargs):
    return bundle_order_place(
        **{
            "member_id": member.pk,
            "template_id": bundle.pk,
            "idempotency_key": key,
            "source": "portal",
            "at": AT,
            **kwargs,
        }
    )


def nothing_written():
    return BundleOrder.objects.count() == 0 and BundleOutbox.objects.count() == 0


def test_an_order_snapshots_lines_and_prices_and_queues_its_activation(member):
    bundle = template(name="Everyday", code="everyday", validity_days=30, return_window_days=14)

    result = place(
        member,
        bundle,
        quantities={"data-gb": 12},
        extra_percent=Decimal(10),
        source="campaign",
        source_ref="campaign:7",
    )

    assert result.is_success and not result.replayed
    order = BundleOrder.objects.get()
    assert (result.order.order_id, result.order.total, result.order.status) == (
        order.pk,
        Decimal(153_000),
        "placed",
    )
    assert (order.list_price, order.total, order.currency, order.source, order.source_ref) == (
        Decimal(180_000),
        Decimal(153_000),
        "VND",
        "campaign",
        "campaign:7",
    )
    assert order.lines == [
        {
            "code": "data-gb",
            "name": "Mobile data",
            "unit": "GB",
            "quantity": 12,
            "unit_price": "10000.00",
            "amount": "120000",
        },
        {
            "code": "voice-min",
            "name": "Minutes",
            "unit": "min",
            "quantity": 90,
            "unit_price": "500.00",
            "amount": "45000",
        },
        {
            "code": "sms",
            "name": "SMS",
            "unit": "SMS",
            "quantity": 50,
            "unit_price": "300.00",
            "amount": "15000",
        },
    ]
    assert order.prices == {
        "on": "2026-06-15",
        "currency": "VND",
        "list_price": "180000",
        "discounts": [
            {"kind": "tenure", "percent": "5.00", "amount": "9000", "reason": "5% for 6 years with us"},
            {"kind": "offer", "percent": "10", "amount": "18000", "reason": "10% off with this offer"},
        ],
        "total_discount": "27000",
        "total": "153000",
        "note": "",
    }
    assert (order.placed_at, order.return_until) == (AT, AT + dt.timedelta(days=14))
    row = BundleOutbox.objects.get()
    assert (row.order_id, row.action, row.state, row.msisdn, row.account_number) == (
        order.pk,
        "activate",
        "pending",
        "+84901230001",
        "ACC-B1",
    )
    assert row.payload == {
        "order_id": order.pk,
        "bundle": {"code": "everyday", "name": "Everyday"},
        "lines": [
            {"code": "data-gb", "name": "Mobile data", "quantity": 12, "unit": "GB"},
            {"code": "voice-min", "name": "Minutes", "quantity": 90, "unit": "min"},
            {"code": "sms", "name": "SMS", "quantity": 50, "unit": "SMS"},
        ],
        "currency": "VND",
        "total": "153000",
        "validity_days": 30,
        "monthly_spending_cap": None,
    }
    assert list(bundle_orders_for_member(member_id=member.pk)) == [order]


def test_a_prepaid_packs_cap_goes_to_the_billing_system(member):
    member.__class__.objects.filter(pk=member.pk).update(payment_plan="prepaid")
    bundle = template(plan_fit="prepaid", monthly_spending_cap=Decimal(150_000))

    place(member, bundle)

    assert BundleOutbox.objects.get().payload["monthly_spending_cap"] == "150000.00"


def test_the_same_key_answers_the_first_order(member):
    bundle = template()
    first = place(member, bundle, quantities={"data-gb": 12}, extra_percent=Decimal("10"))

    again = place(
        member,
        bundle,
        quantities={"data-gb": 12},
        extra_percent=Decimal("10.00"),
        at=AT + dt.timedelta(minutes=5),
    )

    assert again.is_success and again.replayed
    assert again.order == first.order
    assert (BundleOrder.objects.count(), BundleOutbox.objects.count()) == (1, 1)


def test_a_retry_gets_its_first_answer_even_after_the_template_was_withdrawn(member):
    bundle = template()
    first = place(member, bundle)
    bundle.__class__.objects.filter(pk=bundle.pk).update(live=False)

    again = place(member, bundle)

    assert (again.replayed, again.order) == (True, first.order)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"quantities": {"data-gb": 13}}, id="other-quantities"),
        pytest.param({"extra_percent": Decimal(5)}, id="other-extra-percent"),
        pytest.param({"source": "staff"}, id="other-source"),
        pytest.param({"source_ref": "campaign:8"}, id="other-source-ref"),
    ],
)
def test_the_same_key_with_other_content_is_refused(member, change):
    bundle = template()
    place(member, bundle, quantities={"data-gb": 12}, extra_percent=Decimal(10), source_ref="campaign:7")

    refused = place(
        member,
        bundle,
        **{"quantities": {"data-gb": 12}, "extra_percent": Decimal(10), "source_ref": "campaign:7", **change},
    )

    assert (refused.is_success, refused.error) == (False, BundleErrorCode.IDEMPOTENCY_CONFLICT)
    assert refused.message == "This idempotency key was already used for a different order."
    assert (BundleOrder.objects.count(), BundleOutbox.objects.count()) == (1, 1)


def test_another_members_use_of_a_key_is_a_conflict_not_their_order(member):
    bundle = template()
    place(member, bundle)

    refused = place(MemberFactory(), bundle)

    assert refused.error == BundleErrorCode.IDEMPOTENCY_CONFLICT and refused.order is None
    assert BundleOrder.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "setup", "code"),
    [
        pytest.param(
            {},
            lambda m, t: m.__class__.objects.filter(pk=m.pk).update(
                status="churned", churn_reason="voluntary"
            ),
            BundleErrorCode.MEMBER_INACTIVE,
            id="member-inactive",
        ),
        pytest.param(
            {},
            lambda m, t: t.__class__.objects.filter(pk=t.pk).update(live=False),
            BundleErrorCode.NOT_AVAILABLE,
            id="template-inactive",
        ),
        pytest.param(
            {"quantities": {"data-gb": 1000}},
            None,
            BundleErrorCode.INVALID_QUANTITIES,
            id="invalid-quantities",
        ),
        pytest.param(
            {"extra_percent": Decimal(-5)},
            None,
            BundleErrorCode.INVALID_EXTRA_PERCENT,
            id="invalid-extra-percent",
        ),
    ],
)
def test_refusals_write_nothing(member, kwargs, setup, code):
    bundle = template()
    if setup:
        setup(member, bundle)

    result = place(member, bundle, **kwargs)

    assert (result.is_success, result.error) == (False, code)
    assert nothing_written()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"key": ""}, "The request cannot be used: an idempotency key is required.", id="no-key"),
        pytest.param(
            {"key": "k" * 101},
            "The request cannot be used: the idempotency key is longer than 100 characters.",
            id="long-key",
        ),
        pytest.param({"source": "sms"}, "Unknown order source “sms”.", id="unknown-source"),
        pytest.param(
            {"source_ref": "x" * 121},
            "The source reference must be text of at most 120 characters.",
            id="long-source-ref",
        ),
    ],
)
def test_a_malformed_request_is_refused_with_a_clear_message(member, kwargs, message):
    result = place(member, template(), **kwargs)

    assert (result.error, result.message) == (BundleErrorCode.INVALID_REQUEST, message)
    assert nothing_written()


def test_placing_inside_the_callers_transaction_keeps_it_usable(member):
    """A campaign's offer acceptance places the order in its own transaction: a conflict
    answered there must not break that transaction."""
    bundle = template()
    place(MemberFactory(), bundle, key="offer:1")

    with transaction.atomic():
        conflict = place(member, bundle, key="offer:1")
        placed = place(member, bundle, key="offer:2")

    assert conflict.error == BundleErrorCode.IDEMPOTENCY_CONFLICT
    assert placed.is_success and BundleOrder.objects.filter(idempotency_key="offer:2").exists()
