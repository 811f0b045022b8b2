"""Returning an order inside its window, and the billing system's bundle outbox API (list by
keyset, acknowledge) with its token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rewards.bundles.models import BundleOrder, BundleOutbox
from rewards.bundles.services import BundleErrorCode, bundle_order_place, bundle_order_return
from rewards.models import OperatorApiToken
from tests.factories import MemberFactory

from .factories import template

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))
OUTBOX_URL = "/api/operator/v1/bundles/outbox"
ACK_URL = "/api/operator/v1/bundles/outbox/ack"


@pytest.fixture
def member():
    return MemberFactory(msisdn="+84901230002", account_number="ACC-B2")


def place(member, bundle=None, key="order-1"):
    result = bundle_order_place(
        member_id=member.pk,
        template_id=(bundle or template()).pk,
        idempotency_key=key,
        source="portal",
        at=AT,
    )
    assert result.is_success, result
    return BundleOrder.objects.get(pk=result.order.order_id)


def rows(order):
    return list(BundleOutbox.objects.filter(order=order).order_by("id").values_list("action", "state"))


def test_a_return_inside_the_window_queues_the_deactivation(member):
    order = place(member)
    at = AT + dt.timedelta(days=3)

    result = bundle_order_return(order_id=order.pk, member_id=member.pk, at=at)

    assert (result.is_success, result.status, result.already_returned) == (True, "returned", False)
    order.refresh_from_db()
    assert (order.status, order.returned_at) == ("returned", at)
    assert rows(order) == [("activate", "pending"), ("deactivate", "pending")]
    deactivate = BundleOutbox.objects.get(order=order, action="deactivate")
    assert deactivate.payload["returned_at"] == at.isoformat()
    assert (
        deactivate.payload["lines"]
        == BundleOutbox.objects.get(order=order, action="activate").payload["lines"]
    )


def test_returning_twice_changes_nothing_the_second_time(member):
    order = place(member)
    bundle_order_return(order_id=order.pk, member_id=member.pk, at=AT + dt.timedelta(days=1))

    again = bundle_order_return(order_id=order.pk, member_id=member.pk, at=AT + dt.timedelta(days=2))

    assert (again.is_success, again.already_returned) == (True, True)
    order.refresh_from_db()
    assert order.returned_at == AT + dt.timedelta(days=1)
    assert rows(order) == [("activate", "pending"), ("deactivate", "pending")]


def test_the_last_moment_of_the_window_is_inside_it(member):
    order = place(member)

    assert bundle_order_return(order_id=order.pk, member_id=member.pk, at=order.return_until).is_success


@pytest.mark.parametrize(
    ("window", "after", "code", "message"),
    [
        pytest.param(
            14,
            dt.timedelta(days=14, seconds=1),
            BundleErrorCode.WINDOW_CLOSED,
            "The time to return this bundle is over.",
            id="window-closed",
        ),
        pytest.param(
            0,
            dt.timedelta(minutes=1),
            BundleErrorCode.NOT_RETURNABLE,
            "This bundle cannot be returned.",
            id="no-returns",
        ),
    ],
)
def test_a_refused_return_changes_nothing(member, window, after, code, message):
    order = place(member, template(return_window_days=window))

    result = bundle_order_return(order_id=order.pk, member_id=member.pk, at=AT + after)

    assert (result.is_success, result.error, result.message) == (False, code, message)
    order.refresh_from_db()
    assert (order.status, order.returned_at) == ("placed", None)
    assert rows(order) == [("activate", "pending")]


def test_another_members_order_is_not_found_and_unchanged(member):
    order = place(member)

    result = bundle_order_return(order_id=order.pk, member_id=MemberFactory().pk, at=AT)

    assert (result.error, result.message) == (
        BundleErrorCode.ORDER_NOT_FOUND,
        "There is no such bundle order.",
    )
    assert rows(order) == [("activate", "pending")]


# --- the operator API ---------------------------------------------------------------------------


@pytest.fixture
def billing(client):
    _, raw = OperatorApiToken.issue(name="billing", scopes=["outbox"])
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_the_bundle_outbox_needs_a_token_with_the_outbox_scope(client, member):
    place(member)
    _, quotes_only = OperatorApiToken.issue(name="billing", scopes=["quotes"])
    revoked, raw = OperatorApiToken.issue(name="old", scopes=["outbox"])
    OperatorApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())

    assert client.get(OUTBOX_URL).status_code == 401
    assert client.get(OUTBOX_URL, HTTP_AUTHORIZATION=f"Bearer {quotes_only}").status_code == 401
    assert client.get(OUTBOX_URL, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    ack = client.post(
        ACK_URL, {"ids": [1]}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {quotes_only}"
    )
    assert ack.status_code == 401
    assert BundleOutbox.objects.get().state == "pending"


def test_pending_rows_are_listed_by_keyset_and_acknowledged(billing, member):
    orders = [place(member, key=f"k{i}") for i in range(3)]
    ids = [BundleOutbox.objects.get(order=o).pk for o in orders]

    first = billing.get(f"{OUTBOX_URL}?limit=2").json()
    second = billing.get(f"{OUTBOX_URL}?after={first['next_after']}&limit=2").json()

    assert [item["id"] for item in first["items"]] == ids[:2] and first["next_after"] == ids[1]
    assert [item["id"] for item in second["items"]] == ids[2:] and second["next_after"] is None
    item = first["items"][0]
    assert {k: v for k, v in item.items() if k != "created_at"} == {
        "id": ids[0],
        "order_id": orders[0].pk,
        "action": "activate",
        "msisdn": "+84901230002",
        "account_number": "ACC-B2",
        "bundle": {"code": orders[0].template.code, "name": "Everyday"},
        "lines": [
            {"code": "data-gb", "name": "Mobile data", "quantity": 10, "unit": "GB"},
            {"code": "voice-min", "name": "Minutes", "quantity": 90, "unit": "min"},
            {"code": "sms", "name": "SMS", "quantity": 50, "unit": "SMS"},
        ],
        "currency": "VND",
        "total": "160000",
        "validity_days": 30,
        "monthly_spending_cap": None,
    }

    ack = billing.post(ACK_URL, {"ids": [ids[0], ids[1], 999_999]}, content_type="application/json")

    assert ack.status_code == 200
    assert ack.json() == {
        "results": [
            {"id": ids[0], "state": "acknowledged"},
            {"id": ids[1], "state": "acknowledged"},
            {"id": 999_999, "state": None},
        ]
    }
    assert [item["id"] for item in billing.get(OUTBOX_URL).json()["items"]] == ids[2:]
    orders[0].refresh_from_db()
    assert orders[0].status == "acknowledged" and orders[0].acknowledged_at is not None
    again = billing.post(ACK_URL, {"ids": [ids[0]]}, content_type="application/json").json()
    assert again == {"results": [{"id": ids[0], "state": "acknowledged"}]}


def test_a_deactivation_comes_after_its_activation_and_the_order_stays_returned(billing, member):
    order = place(member)
    bundle_order_return(order_id=order.pk, member_id=member.pk, at=AT + dt.timedelta(days=1))

    items = billing.get(OUTBOX_URL).json()["items"]
    assert [(i["order_id"], i["action"]) for i in items] == [(order.pk, "activate"), (order.pk, "deactivate")]

    billing.post(ACK_URL, {"ids": [i["id"] for i in items]}, content_type="application/json")

    order.refresh_from_db()
    assert order.status == "returned" and order.acknowledged_at is not None
    assert rows(order) == [("activate", "acknowledged"), ("deactivate", "acknowledged")]


@pytest.mark.parametrize("query", ["after=-1", "limit=0", "limit=1001"])
def test_a_bad_page_request_is_a_400(billing, query):
    response = billing.get(f"{OUTBOX_URL}?{query}")

    assert response.status_code == 400
    assert response.json() == {"detail": "after must be >= 0 and limit between 1 and 1000"}


def test_an_empty_ack_is_refused_by_the_schema(billing):
    assert billing.post(ACK_URL, {"ids": []}, content_type="application/json").status_code == 422
