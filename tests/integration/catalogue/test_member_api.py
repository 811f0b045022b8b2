"""The member API: session login, CSRF, Idempotency-Key, typed errors as 4xx."""

from __future__ import annotations

import pytest
from django.test import Client

from rewards.catalogue.models import Redemption
from rewards.ledger.selectors import points_balance
from tests.factories import MemberFactory, UserFactory

from .factories import ADDRESS, RewardFactory, give_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    member = MemberFactory(user=UserFactory())
    give_points(member, 100)
    return member


@pytest.fixture
def api(member):
    client = Client()
    client.force_login(member.user)
    return client


def redeem(client, reward, key="key-1", body=None, **headers):
    return client.post(
        f"/api/member/v1/rewards/{reward.pk}/redeem",
        body or {},
        content_type="application/json",
        headers={"Idempotency-Key": key, **headers} if key is not None else headers,
    )


def test_redeem_answers_201_and_a_retry_the_same_body(api, member):
    reward = RewardFactory(points_cost=60)

    first = redeem(api, reward)
    retry = redeem(api, reward)

    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    assert first.json()["points"] == 60
    assert retry.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert points_balance(member_id=member.pk).available == 40


@pytest.mark.parametrize(
    ("reward_kwargs", "status", "code"),
    [
        ({"points_cost": 500}, 409, "insufficient_points"),
        ({"stock": 0}, 409, "out_of_stock"),
        ({"live": False}, 404, "not_available"),
        ({"merchandise": True}, 422, "address_required"),
    ],
    ids=["points", "stock", "unpublished", "address"],
)
def test_refusals_are_4xx_with_a_code(api, reward_kwargs, status, code):
    response = redeem(api, RewardFactory(**reward_kwargs))

    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]
    assert not Redemption.objects.exists()


def test_the_same_key_for_another_reward_is_422(api):
    redeem(api, RewardFactory(points_cost=10))

    response = redeem(api, RewardFactory(points_cost=10))

    assert (response.status_code, response.json()["code"]) == (422, "idempotency_conflict")


def test_merchandise_with_an_address(api):
    response = redeem(
        api, RewardFactory(merchandise=True, points_cost=10), body={"delivery_address": ADDRESS}
    )

    assert response.status_code == 201


def test_a_missing_key_is_400(api):
    response = redeem(api, RewardFactory(), key=None)

    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
    assert "idempotency key" in response.json()["message"]


def test_anonymous_is_401_and_a_login_without_a_line_is_403(client):
    reward = RewardFactory()
    assert redeem(client, reward).status_code == 401
    client.force_login(UserFactory())
    assert redeem(client, reward).status_code == 403
    assert not Redemption.objects.exists()


def test_csrf_is_enforced(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)

    response = redeem(client, RewardFactory(points_cost=10))

    assert response.status_code == 403
    assert not Redemption.objects.exists()


def test_the_member_lists_and_cancels_their_redemptions(api, member):
    redeem(api, RewardFactory(points_cost=60, name="1 GB"))
    RewardFactory(points_cost=500)

    listed = api.get("/api/member/v1/redemptions").json()
    rewards = api.get("/api/member/v1/rewards").json()
    cancelled = api.post(
        f"/api/member/v1/redemptions/{listed[0]['redemption_id']}/cancel", {}, content_type="application/json"
    )

    assert [r["points"] for r in listed] == [60]
    assert all(r["points_cost"] <= 40 for r in rewards)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert points_balance(member_id=member.pk).available == 100


def test_a_member_cannot_cancel_another_members_redemption(api):
    stranger = MemberFactory(user=UserFactory())
    give_points(stranger, 100)
    other = Client()
    other.force_login(stranger.user)
    redemption_id = redeem(other, RewardFactory(points_cost=60), key="theirs").json()["redemption_id"]

    response = api.post(
        f"/api/member/v1/redemptions/{redemption_id}/cancel", {}, content_type="application/json"
    )

    assert response.status_code == 404
    assert Redemption.objects.get().state == "confirmed"
