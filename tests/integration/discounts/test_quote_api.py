"""``POST /api/operator/v1/quotes``: auth, validation, exact amounts and reasons."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from club.members.models import CustomerType
from rewards.discounts.choices import Stacking
from rewards.models import OperatorApiToken
from tests.factories import MemberFactory

from .helpers import QUOTES_URL, M, bearer, live_schedule, monthly_spend, spend

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)


@pytest.fixture
def member():
    """Activated 2023-03-10 (3 full years on ON); 24M VND in the 12 months to June 2026."""
    member = MemberFactory(msisdn="+84901234567", account_number="ACC-Q-1",
                           customer_type=CustomerType.INDIVIDUAL, activation_date=dt.date(2023, 3, 10))
    monthly_spend(member, total=24 * M, last_month=dt.date(2026, 6, 1))
    spend(member, (dt.date(2025, 6, 1), 90 * M))  # 13 months before ON: outside the window
    return member


def post(client, body, headers=None, url=QUOTES_URL):
    return client.post(url, data=json.dumps(body), content_type="application/json", **(headers or {}))


# --- auth --------------------------------------------------------------------------------------


def test_no_token_is_401(client, member):
    response = post(client, {"member": "ACC-Q-1", "bill_amount": "500000"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_AUTHORIZATION": "Bearer trk_not-a-real-token"}, id="unknown-token"),
        pytest.param({"HTTP_AUTHORIZATION": "Token trk_x"}, id="not-bearer"),
    ],
)
def test_invalid_token_is_401(client, member, headers):
    assert post(client, {"member": "ACC-Q-1", "bill_amount": "500000"}, headers).status_code == 401


def test_token_without_the_quotes_scope_is_401(client, member):
    response = post(client, {"member": "ACC-Q-1", "bill_amount": "500000"}, bearer(["events", "outbox"]))

    assert response.status_code == 401


def test_revoked_token_is_401(client, member):
    headers = bearer()
    OperatorApiToken.objects.update(revoked_at=timezone.now())

    assert post(client, {"member": "ACC-Q-1", "bill_amount": "500000"}, headers).status_code == 401


# --- quotes ------------------------------------------------------------------------------------


def test_best_of_quote_by_account_number(client, member):
    schedule = live_schedule()

    response = post(client, {"member": "ACC-Q-1", "bill_amount": "500000", "on": "2026-06-15"}, bearer())

    assert response.status_code == 200
    assert response.json() == {
        "member": "ACC-Q-1",
        "on": "2026-06-15",
        "currency": "VND",
        "bill_amount": "500000",
        "lines": [
            {"kind": "tenure", "percent": "5.00", "amount": "25000", "reason": "5% for 3 years with us"},
        ],
        "total_percent": "5.00",
        "total_discount": "25000",
        "payable": "475000",
        "schedule": {"id": schedule.pk, "name": "Everyone 2026"},
        "note": "Best of volume (3%) and tenure (5%): the tenure discount applies.",
    }


@pytest.mark.parametrize("reference", ["+84901234567", " +84 90 123 4567 "], ids=["e164", "spaced-e164"])
def test_sum_capped_quote_by_msisdn_with_exact_rounding(client, member, reference):
    live_schedule(stacking=Stacking.SUM_CAPPED, cap="10")

    # 3% of 150,050 = 4,501.5 and 5% = 7,502.5; the 8% total is 12,004 exactly.
    response = post(client, {"member": reference, "bill_amount": 150050, "on": "2026-06-15"}, bearer())

    body = response.json()
    assert response.status_code == 200, body
    assert [(line["kind"], line["amount"], line["reason"]) for line in body["lines"]] == [
        ("volume", "4502", "3% for 24,000,000 VND spent in the last 12 months"),
        ("tenure", "7502", "5% for 3 years with us"),
    ]
    assert (body["total_discount"], body["payable"]) == ("12004", "138046")


def test_cap_clips_and_says_so(client, member):
    live_schedule(stacking=Stacking.SUM_CAPPED, cap="6")

    body = post(client, {"member": "ACC-Q-1", "bill_amount": "200000", "on": "2026-06-15"}, bearer()).json()

    assert [(line["percent"], line["amount"]) for line in body["lines"]] == [
        ("3.00", "6000"), ("3.00", "6000"),
    ]
    assert body["lines"][1]["reason"] == (
        "5% for 3 years with us, reduced from 5% to 3% by the 6% cap on combined discounts"
    )
    assert (body["total_percent"], body["total_discount"], body["payable"]) == ("6.00", "12000", "188000")


def test_on_moves_the_tenure_and_the_spend_window(client, member):
    live_schedule(stacking=Stacking.SUM_CAPPED, cap="20")

    # On 2026-03-09 the member has 2 full years (1%) and 9 months of the 2M/month spend (18M: 2%),
    # plus the 90M of June 2025 inside the window (108M: 5%).
    body = post(client, {"member": "ACC-Q-1", "bill_amount": "100000", "on": "2026-03-09"}, bearer()).json()

    assert [(line["kind"], line["amount"], line["reason"]) for line in body["lines"]] == [
        ("volume", "5000", "5% for 108,000,000 VND spent in the last 12 months"),
        ("tenure", "1000", "1% for 2 years with us"),
    ]


def test_no_schedule_for_the_member_quotes_no_discount(client, member):
    live_schedule(customer_types=[CustomerType.ENTERPRISE])

    body = post(client, {"member": "ACC-Q-1", "bill_amount": "500000", "on": "2026-06-15"}, bearer()).json()

    assert (body["lines"], body["total_discount"], body["payable"]) == ([], "0", "500000")
    assert body["schedule"] is None
    assert body["note"] == "No discount schedule applies."


def test_on_defaults_to_today(client, member):
    body = post(client, {"member": "ACC-Q-1", "bill_amount": "1000"}, bearer()).json()

    assert body["on"] == timezone.localdate().isoformat()


def test_two_decimal_currency(client, member, settings):
    settings.OPERATOR_CURRENCY, settings.OPERATOR_CURRENCY_QUANTUM = "EUR", Decimal("0.01")
    live_schedule(stacking=Stacking.SUM_CAPPED, cap="10")

    body = post(client, {"member": "ACC-Q-1", "bill_amount": "10.10", "on": "2026-06-15"}, bearer()).json()

    assert [line["amount"] for line in body["lines"]] == ["0.30", "0.51"]
    assert (body["currency"], body["total_discount"], body["payable"]) == ("EUR", "0.81", "9.29")


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference", ["ACC-NOPE", "+84999999999", "+1"], ids=["account", "msisdn", "garbage"]
)
def test_unknown_member_is_404(client, member, reference):
    response = post(client, {"member": reference, "bill_amount": "1000"}, bearer())

    assert response.status_code == 404
    assert response.json() == {"detail": f"no member with MSISDN or account number {reference!r}"}


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        pytest.param("1000.5",
                     "bill_amount must be a whole number of VND, which has no minor unit (got 1000.5)",
                     id="fraction"),
        pytest.param(-10, "bill_amount must be positive (got -10)", id="negative"),
        pytest.param("0", "bill_amount must be positive (got 0)", id="zero"),
        pytest.param("1,000", "bill_amount '1,000' is not a number (digits and one '.', no separators)",
                     id="separator"),
    ],
)
def test_bad_amount_is_422_with_a_message(client, member, amount, message):
    response = post(client, {"member": "ACC-Q-1", "bill_amount": amount}, bearer())

    assert response.status_code == 422
    assert response.json() == {"detail": message}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"bill_amount": "1000"}, id="no-member"),
        pytest.param({"member": "ACC-Q-1"}, id="no-amount"),
        pytest.param({"member": "ACC-Q-1", "bill_amount": True}, id="boolean-amount"),
        pytest.param({"member": "ACC-Q-1", "bill_amount": "1000", "on": "15/06/2026"}, id="bad-date"),
    ],
)
def test_malformed_body_is_422(client, member, body):
    response = post(client, body, bearer())

    assert response.status_code == 422
    assert response.json()["detail"]
