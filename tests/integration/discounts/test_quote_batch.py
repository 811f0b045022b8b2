"""``POST /api/operator/v1/quotes/batch``: a billing run's quotes, set-based."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from club.members.models import CustomerType
from rewards.discounts.choices import Stacking
from rewards.discounts.selectors import LIVE_SCHEDULES
from tests.factories import MemberFactory

from .helpers import BATCH_URL, M, bearer, live_schedule, monthly_spend

pytestmark = pytest.mark.django_db

# Token lookup, token last_used_at, members, rolling spend, and the offer discounts of campaigns
# (one query for the batch, from the registered source); the schedules with their brackets and
# bands are three more when the reference cache is cold.
BATCH_QUERIES = 5
SCHEDULE_QUERIES = 3


def post(client, body, headers):
    return client.post(BATCH_URL, data=json.dumps(body), content_type="application/json", **headers)


def members_with_spend(count: int, *, customer_type=CustomerType.INDIVIDUAL, prefix="B"):
    members = MemberFactory.create_batch(count, customer_type=customer_type,
                                         activation_date=dt.date(2020, 1, 1))
    for index, member in enumerate(members):
        monthly_spend(member, total=12 * M * (index % 5), last_month=dt.date(2026, 6, 1))
    return members


def test_batch_answers_each_item_in_order_and_a_bad_item_fails_alone(client):
    live_schedule(stacking=Stacking.SUM_CAPPED, cap="10")
    enterprise = live_schedule(name="Enterprise", customer_types=[CustomerType.ENTERPRISE],
                               brackets=[(0, "4")], bands=[])
    person = MemberFactory(account_number="ACC-B-1", msisdn="+84901110001",
                           activation_date=dt.date(2023, 1, 1))
    monthly_spend(person, total=24 * M, last_month=dt.date(2026, 6, 1))
    MemberFactory(account_number="ACC-B-2", customer_type=CustomerType.ENTERPRISE)

    response = post(client, {"on": "2026-06-15", "quotes": [
        {"member": "+84901110001", "bill_amount": "100000"},
        {"member": "ACC-NOPE", "bill_amount": "100000"},
        {"member": "ACC-B-2", "bill_amount": 250001},
        {"member": "ACC-B-1", "bill_amount": "12.5"},
    ]}, bearer())

    body = response.json()
    assert response.status_code == 200, body
    assert (body["on"], body["currency"], body["quoted"], body["failed"]) == ("2026-06-15", "VND", 2, 2)
    first, unknown, business, bad_amount = body["results"]
    assert first["ok"] and first["member"] == "+84901110001"
    assert [(line["kind"], line["amount"]) for line in first["quote"]["lines"]] == [
        ("volume", "3000"), ("tenure", "5000"),
    ]
    assert unknown == {"member": "ACC-NOPE", "ok": False, "quote": None, "error": "unknown member"}
    # 4% of 250,001 = 10,000.04 -> 10,000
    assert (business["quote"]["total_discount"], business["quote"]["payable"]) == ("10000", "240001")
    assert business["quote"]["schedule"] == {"id": enterprise.pk, "name": "Enterprise"}
    assert bad_amount["ok"] is False
    assert bad_amount["error"] == (
        "bill_amount must be a whole number of VND, which has no minor unit (got 12.5)"
    )


def test_batch_query_count_does_not_grow_with_the_batch(client):
    live_schedule()
    live_schedule(name="Households", customer_types=[CustomerType.HOUSEHOLD])
    members = members_with_spend(3) + members_with_spend(3, customer_type=CustomerType.HOUSEHOLD)
    many = members_with_spend(300)
    headers = bearer()

    def count(batch):
        body = {"on": "2026-06-15", "quotes": [
            {"member": m.account_number if i % 2 else m.msisdn, "bill_amount": "199999"}
            for i, m in enumerate(batch)
        ]}
        with CaptureQueriesContext(connection) as queries:
            response = post(client, body, headers)
        assert response.status_code == 200
        assert response.json()["quoted"] == len(batch)
        return len(queries)

    LIVE_SCHEDULES.invalidate()
    assert count(members) == BATCH_QUERIES + SCHEDULE_QUERIES
    assert count(members + many) == BATCH_QUERIES


def test_batch_over_1000_is_refused(client):
    response = post(client, {"quotes": [{"member": "ACC", "bill_amount": "1"}] * 1001}, bearer())

    assert response.status_code == 422
    assert "at most 1000 items" in json.dumps(response.json())


def test_batch_needs_the_quotes_scope(client):
    response = post(client, {"quotes": [{"member": "ACC", "bill_amount": "1"}]}, bearer(["events"]))

    assert response.status_code == 401
