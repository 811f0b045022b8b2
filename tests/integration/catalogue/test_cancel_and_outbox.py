"""Cancelling inside the window, and the billing system's outbox API (ack, fail, keyset)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rewards.catalogue.models import (
    Fulfilment,
    NetworkOutbox,
    OutboxState,
    Redemption,
    RewardStock,
    VoucherCode,
    VoucherState,
)
from rewards.catalogue.services import (
    CancelErrorCode,
    fulfilment_mark_shipped,
    outbox_acknowledge,
    redemption_cancel,
    redemption_create,
)
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import points_balance
from rewards.models import OperatorApiToken
from tests.factories import MemberFactory

from .factories import ADDRESS, RewardFactory, give_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    member = MemberFactory()
    give_points(member, 100)
    return member


def redeem(member, reward, key="k1", **kwargs):
    result = redemption_create(member_id=member.pk, reward_id=reward.pk, idempotency_key=key, **kwargs)
    assert result.is_success, result
    return Redemption.objects.get(pk=result.receipt.redemption_id)


def cancel(redemption, **kwargs):
    return redemption_cancel(redemption_id=redemption.pk, reason="changed my mind", **kwargs)


def test_cancel_refunds_points_restores_stock_and_withdraws_the_outbox_row(member):
    redemption = redeem(member, RewardFactory(points_cost=60, stock=1))

    result = cancel(redemption)

    assert result.is_success and not result.already_cancelled
    redemption.refresh_from_db()
    assert (redemption.state, redemption.cancel_reason) == ("cancelled", "changed my mind")
    assert points_balance(member_id=member.pk).available == 100
    assert LedgerEntry.objects.get(idempotency_key=f"refund:{redemption.pk}").points == 60
    assert RewardStock.objects.get(reward_id=redemption.reward_id).remaining == 1
    assert NetworkOutbox.objects.get(redemption=redemption).state == OutboxState.CANCELLED


def test_cancelling_twice_changes_nothing_the_second_time(member):
    redemption = redeem(member, RewardFactory(points_cost=60, stock=1))
    cancel(redemption)

    again = cancel(redemption)

    assert again.is_success and again.already_cancelled
    assert points_balance(member_id=member.pk).available == 100
    assert RewardStock.objects.get(reward_id=redemption.reward_id).remaining == 1


def test_cancel_releases_the_voucher_code(member):
    redemption = redeem(member, RewardFactory(partner_voucher=True, codes=1))

    cancel(redemption)

    assert VoucherCode.objects.get().state == VoucherState.AVAILABLE
    assert VoucherCode.objects.get().redemption_id is None


def test_cancel_after_the_window_is_refused_and_changes_nothing(member):
    redemption = redeem(member, RewardFactory(points_cost=60, stock=1, cancellation_window_hours=2))

    result = cancel(redemption, now=timezone.now() + dt.timedelta(hours=3))

    assert result.error == CancelErrorCode.WINDOW_CLOSED
    assert points_balance(member_id=member.pk).available == 40
    assert RewardStock.objects.get(reward_id=redemption.reward_id).remaining == 0


def test_an_acknowledged_network_reward_cannot_be_cancelled(member):
    redemption = redeem(member, RewardFactory(points_cost=60))
    outbox_acknowledge(outbox_ids=[redemption.outbox.pk])

    result = cancel(redemption)

    assert result.error == CancelErrorCode.ALREADY_FULFILLED
    redemption.refresh_from_db()
    assert redemption.state == "fulfilled"
    assert points_balance(member_id=member.pk).available == 40


def test_shipped_merchandise_cannot_be_cancelled(member):
    redemption = redeem(member, RewardFactory(merchandise=True, points_cost=10), delivery_address=ADDRESS)
    assert fulfilment_mark_shipped(fulfilment_id=redemption.fulfilment.pk, tracking="VN123")

    assert cancel(redemption).error == CancelErrorCode.ALREADY_FULFILLED
    assert Fulfilment.objects.get().state == "shipped"


def test_a_member_cannot_cancel_someone_elses_redemption(member):
    redemption = redeem(member, RewardFactory(points_cost=60))

    result = cancel(redemption, member_id=MemberFactory().pk)

    assert result.error == CancelErrorCode.NOT_FOUND
    assert Redemption.objects.get().state == "confirmed"


# --- the operator API ----------------------------------------------------------------------


@pytest.fixture
def billing(client):
    _, raw = OperatorApiToken.issue(name="billing", scopes=["outbox"])
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_the_outbox_needs_a_token_with_the_outbox_scope(client):
    _, raw = OperatorApiToken.issue(name="events only", scopes=["events"])

    assert client.get("/api/operator/v1/outbox").status_code == 401
    assert client.get("/api/operator/v1/outbox", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_pending_rows_page_by_id_and_acknowledged_rows_leave(billing, member):
    give_points(member, 200)
    rows = [redeem(member, RewardFactory(points_cost=10), key=f"k{i}").outbox.pk for i in range(3)]

    first = billing.get("/api/operator/v1/outbox?limit=2").json()
    second = billing.get(f"/api/operator/v1/outbox?after={first['next_after']}&limit=2").json()

    assert [item["id"] for item in first["items"]] == rows[:2]
    assert first["items"][0]["quantity"] == "1024" and first["items"][0]["unit"] == "MB"
    assert [item["id"] for item in second["items"]] == rows[2:]
    assert second["next_after"] is None
    ack = billing.post("/api/operator/v1/outbox/ack", {"ids": rows[:2]}, content_type="application/json")
    assert ack.json() == {
        "results": [{"id": rows[0], "state": "acknowledged"}, {"id": rows[1], "state": "acknowledged"}]
    }
    assert [item["id"] for item in billing.get("/api/operator/v1/outbox").json()["items"]] == rows[2:]


def test_acking_twice_and_acking_a_cancelled_row_answer_the_state(billing, member):
    give_points(member, 200)
    kept = redeem(member, RewardFactory(points_cost=10), key="kept")
    cancelled = redeem(member, RewardFactory(points_cost=10), key="cancelled")
    cancel(cancelled)
    ids = [kept.outbox.pk, cancelled.outbox.pk, 999999]

    answers = [
        billing.post("/api/operator/v1/outbox/ack", {"ids": ids}, content_type="application/json").json()
        for _ in range(2)
    ]

    expected = [
        {"id": kept.outbox.pk, "state": "acknowledged"},
        {"id": cancelled.outbox.pk, "state": "cancelled"},
        {"id": 999999, "state": None},
    ]
    assert answers == [{"results": expected}] * 2
    assert points_balance(member_id=member.pk).available == 290


def test_a_reported_failure_takes_the_row_out_of_the_pending_list(billing, member):
    row = redeem(member, RewardFactory(points_cost=10)).outbox

    response = billing.post(
        f"/api/operator/v1/outbox/{row.pk}/fail",
        {"reason": "line suspended"},
        content_type="application/json",
    )
    repeated = billing.post(
        f"/api/operator/v1/outbox/{row.pk}/fail",
        {"reason": "line suspended"},
        content_type="application/json",
    )

    assert response.json() == {"id": row.pk, "state": "failed"} == repeated.json()
    row.refresh_from_db()
    assert (row.attempts, row.last_error) == (1, "line suspended")
    assert billing.get("/api/operator/v1/outbox").json()["items"] == []


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "after=-1"])
def test_bad_paging_is_a_400(billing, query):
    response = billing.get(f"/api/operator/v1/outbox?{query}")

    assert response.status_code == 400 and "limit" in response.json()["detail"]
