"""Reading Stripe's objects in both API shapes (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from club.membership.stripe_objects import checkout_facts, invoice_facts, subscription_state

T = 1_796_000_000


def test_a_subscription_of_the_current_api_reads_its_period_from_its_item():
    state = subscription_state({
        "id": "sub_1", "customer": "cus_1", "status": "active", "created": T, "cancel_at_period_end": True,
        "metadata": {"member_id": "42"},
        "items": {"data": [{"current_period_end": T + 100, "price": {"id": "price_a"}}]},
    })

    assert (state.subscription_id, state.customer_id, state.status, state.price_id) == (
        "sub_1", "cus_1", "active", "price_a")
    assert state.period_end == dt.datetime.fromtimestamp(T + 100, tz=dt.UTC)
    assert (state.member_id, state.cancel_at_period_end, state.is_terminal) == (42, True, False)


def test_an_older_subscription_shape_and_an_expanded_customer():
    state = subscription_state({"id": "sub_2", "customer": {"id": "cus_9"}, "status": "canceled",
                                "current_period_end": T, "items": {"data": [{"price": "price_b"}]}})

    assert (state.customer_id, state.price_id, state.member_id, state.is_terminal) == (
        "cus_9", "price_b", None, True)
    assert state.period_end == dt.datetime.fromtimestamp(T, tz=dt.UTC)


@pytest.mark.parametrize("member_id", ["", "abc", "-3", "0", None])
def test_a_member_id_that_is_not_a_positive_number_is_none(member_id):
    state = subscription_state({"id": "sub_3", "status": "active", "metadata": {"member_id": member_id}})

    assert state.member_id is None


def test_an_invoice_names_its_subscription_and_member_in_either_shape():
    current = invoice_facts({
        "id": "in_1", "customer": "cus_1", "amount_paid": 99000, "currency": "vnd",
        "parent": {"subscription_details": {"subscription": "sub_1", "metadata": {"member_id": "7"}}},
        "lines": {"data": [{"period": {"end": T}, "pricing": {"price_details": {"price": "price_a"}}}]},
    })
    older = invoice_facts({"id": "in_2", "subscription": "sub_2", "subscription_details": {"metadata": {}},
                           "lines": {"data": [{"price": {"id": "price_b"}}]}})

    assert (current.subscription_id, current.member_id, current.price_id, current.currency) == (
        "sub_1", 7, "price_a", "VND")
    assert (older.subscription_id, older.member_id, older.price_id, older.amount_paid) == (
        "sub_2", None, "price_b", 0)


def test_a_checkout_session_names_its_member_by_client_reference_id():
    facts = checkout_facts({"id": "cs_1", "mode": "subscription", "payment_status": "paid",
                            "client_reference_id": "12", "customer": "cus_1", "subscription": "sub_1"})
    payment = checkout_facts({"id": "cs_2", "mode": "payment", "payment_status": "unpaid"})

    assert (facts.member_id, facts.is_subscription, facts.is_paid) == (12, True, True)
    assert (payment.is_subscription, payment.is_paid) == (False, False)
