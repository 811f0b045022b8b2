"""The endpoints: validate, redeem, reverse, promotions; every error code; scoping by partner
(another partner's ids answer exactly as unknown ids, and change nothing)."""

from __future__ import annotations

import json
from decimal import Decimal
from unittest import mock

import pytest

from partners.api.models import Scope
from partners.copromotions.models import CodeState, CoPromotionBudget, PartnerRedemption, PromotionCode
from tests.integration.partners.partner_api_helpers import (  # noqa: F401
    BASE,
    Caller,
    _fresh_api_state,
    error_of,
    key_for,
    make_world,
)

pytestmark = pytest.mark.django_db


def test_validate_answers_the_promotion_and_benefit_without_redeeming(client):
    world = make_world(client)

    response = world.caller.post("/codes/validate", {"code": world.codes[0]})

    assert response.status_code == 200
    assert response.json() == {
        "code": world.codes[0], "valid": True, "copromotion_id": world.copromotion.pk,
        "copromotion_title": world.copromotion.title,
        "benefit": {
            "kind": "voucher", "bonus_points": None, "discount_percent": None, "discount_amount": None,
        },
    }
    assert PartnerRedemption.objects.count() == 0


def test_redeem_then_reverse(client):
    world = make_world(client)

    redeemed = world.caller.redeem(world.codes[0], reference="till-7")
    body = redeemed.json()
    reversed_ = world.caller.post(f"/redemptions/{body['redemption_id']}/reverse", {}, key="rev-1")

    assert redeemed.status_code == 200
    assert (body["code"], body["amount"], body["points"]) == (world.codes[0], "10000", 0)
    assert reversed_.status_code == 200
    assert reversed_.json()["redemption_id"] == body["redemption_id"]
    assert reversed_.json()["already_reversed"] is False
    redemption = PartnerRedemption.objects.get()
    assert redemption.reference == "till-7" and redemption.reversed_at is not None
    assert PromotionCode.objects.get(code=world.codes[0]).state == CodeState.ASSIGNED
    assert CoPromotionBudget.objects.get().spent == Decimal(0)
    # reversing again with a new key changes nothing and says so
    again = world.caller.post(f"/redemptions/{body['redemption_id']}/reverse", {}, key="rev-2")
    assert again.status_code == 200 and again.json()["already_reversed"] is True


def test_promotions_list_and_detail_are_aggregates_only(client):
    world = make_world(client)
    world.caller.redeem(world.codes[0])

    listing = world.caller.get("/promotions")
    detail = world.caller.get(f"/promotions/{world.copromotion.pk}")

    assert listing.status_code == 200
    assert [p["id"] for p in listing.json()] == [world.copromotion.pk]
    assert listing.json()[0]["status"] == "running"
    stats = detail.json()["stats"]
    assert detail.status_code == 200
    assert (stats["codes_total"], stats["codes_given"], stats["redeemed"], stats["reversed"]) == (3, 3, 1, 0)
    assert (stats["budget"], stats["budget_spent"], stats["budget_left"]) == ("1000000", "10000", "990000")
    text = detail.content.decode() + listing.content.decode()
    for word in ("msisdn", "member", "email", "+84"):
        assert word not in text.lower()


@pytest.mark.parametrize(
    ("scopes", "method", "path", "body"),
    [
        ([Scope.PROMOTIONS_READ], "post", "/codes/validate", {"code": "X"}),
        ([Scope.CODES_VALIDATE], "post", "/codes/redeem", {"code": "X"}),
        ([Scope.CODES_REDEEM], "post", "/redemptions/1/reverse", {}),
        ([Scope.CODES_REDEEM], "get", "/promotions", None),
        ([Scope.CODES_REDEEM], "get", "/promotions/1", None),
    ],
    ids=["validate", "redeem", "reverse", "promotions", "promotion"],
)
def test_a_key_without_the_scope_gets_403(client, scopes, method, path, body):
    world = make_world(client, codes=1)
    caller = Caller(client, key_for(world.partner_user, scopes).secret)

    response = caller.post(path, body, key="k1") if method == "post" else caller.get(path)

    assert error_of(response) == (403, "insufficient_scope")
    assert PartnerRedemption.objects.count() == 0


def test_every_refusal_of_a_code_has_its_code_and_status(client):
    world = make_world(client, codes=3)
    pool_only = "STR-POOL"
    PromotionCode.objects.create(copromotion=world.copromotion, partner_id=world.partner_user.partner_id,
                                 code=pool_only)
    world.caller.redeem(world.codes[0])

    assert error_of(world.caller.redeem("NO-SUCH-CODE")) == (404, "code_not_found")
    assert error_of(world.caller.redeem(pool_only)) == (409, "code_not_issued")
    assert error_of(world.caller.redeem(world.codes[0])) == (409, "code_already_redeemed")
    assert error_of(world.caller.post("/codes/validate", {"code": world.codes[0]})) == (
        409, "code_already_redeemed")
    CoPromotionBudget.objects.update(spent=990_000 + 1)
    assert error_of(world.caller.redeem(world.codes[1])) == (409, "budget_exhausted")
    type(world.copromotion).objects.filter(pk=world.copromotion.pk).update(state="rejected")
    assert error_of(world.caller.redeem(world.codes[2])) == (409, "promotion_not_running")
    assert error_of(world.caller.post("/redemptions/999999/reverse", {}, key="r")) == (
        404, "redemption_not_found")
    assert error_of(world.caller.get("/promotions/999999")) == (404, "promotion_not_found")
    assert PartnerRedemption.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "expected"),
    [
        ("get", "/no/such/thing", None, {}, (404, "not_found")),
        ("get", "/codes/redeem", None, {}, (405, "method_not_allowed")),
        ("delete", "/promotions", None, {}, (405, "method_not_allowed")),
        ("post", "/codes/validate", {"code": ""}, {}, (422, "invalid_request")),
        ("post", "/codes/validate", {"nothing": 1}, {}, (422, "invalid_request")),
        ("post", "/codes/redeem", {"code": "X"}, {}, (422, "idempotency_key_required")),
        ("post", "/codes/redeem", {"code": "X"}, {"Idempotency-Key": "x" * 300},
         (422, "idempotency_key_required")),
        ("get", "/promotions/not-a-number", None, {}, (422, "invalid_request")),
    ],
    ids=["unknown-path", "wrong-method", "delete", "empty-code", "no-code", "no-key", "long-key", "bad-id"],
)
def test_framework_errors_are_json_with_stable_codes(client, method, path, body, headers, expected):
    world = make_world(client, codes=1)
    auth = {"Authorization": f"Bearer {world.caller.secret}", **headers}

    if method == "post":
        response = client.post(BASE + path, data=json.dumps(body), content_type="application/json",
                               headers=auth)
    else:
        response = getattr(client, method)(BASE + path, headers=auth)

    assert error_of(response) == expected
    assert response["Content-Type"] == "application/json"
    if expected[0] == 405:
        assert response["Allow"]


def test_a_body_that_is_not_json_is_422(client):
    world = make_world(client, codes=1)

    response = client.post(BASE + "/codes/validate", data=b"{not json", content_type="application/json",
                           headers={"Authorization": f"Bearer {world.caller.secret}"})

    assert error_of(response) == (400, "invalid_json")


def test_an_unexpected_failure_is_a_json_500_and_changes_nothing(client):
    world = make_world(client, codes=1)

    with mock.patch("partners.api.domain.code_redeem", side_effect=RuntimeError("boom")):
        response = world.caller.redeem(world.codes[0], key="k-500")

    assert error_of(response) == (500, "server_error")
    assert "boom" not in response.content.decode()
    assert PartnerRedemption.objects.count() == 0
    # the key is free: the retry runs and succeeds
    assert world.caller.redeem(world.codes[0], key="k-500").status_code == 200


def test_another_partners_ids_answer_exactly_as_unknown_ids_and_change_nothing(client):
    theirs = make_world(client, "Gadgets", codes=2)
    mine = make_world(client, "Streamly", codes=1)
    their_redemption = theirs.caller.redeem(theirs.codes[0]).json()["redemption_id"]
    before = list(PartnerRedemption.objects.values_list("pk", "reversed_at"))

    attempts = {
        "validate": (mine.caller.post("/codes/validate", {"code": theirs.codes[1]}),
                     mine.caller.post("/codes/validate", {"code": "NO-SUCH"})),
        "redeem": (mine.caller.redeem(theirs.codes[1]), mine.caller.redeem("NO-SUCH")),
        "reverse": (mine.caller.post(f"/redemptions/{their_redemption}/reverse", {}, key="a"),
                    mine.caller.post("/redemptions/99999999/reverse", {}, key="b")),
        "promotion": (mine.caller.get(f"/promotions/{theirs.copromotion.pk}"),
                      mine.caller.get("/promotions/99999999")),
    }

    for name, (foreign, unknown) in attempts.items():
        assert (foreign.status_code, foreign.json()) == (unknown.status_code, unknown.json()), name
        assert foreign.status_code == 404, name
    assert [p["id"] for p in mine.caller.get("/promotions").json()] == [mine.copromotion.pk]
    assert list(PartnerRedemption.objects.values_list("pk", "reversed_at")) == before
    assert PromotionCode.objects.get(code=theirs.codes[1]).state == CodeState.ASSIGNED


def test_the_openapi_document_is_published_at_its_stable_url(client):
    response = client.get(BASE + "/openapi.json")

    spec = response.json()
    assert response.status_code == 200
    assert spec["info"]["title"] == "Troika partner API"
    assert set(spec["paths"]) == {
        "/api/partner/v1/codes/validate", "/api/partner/v1/codes/redeem",
        "/api/partner/v1/redemptions/{redemption_id}/reverse", "/api/partner/v1/promotions",
        "/api/partner/v1/promotions/{promotion_id}",
    }
    redeem = spec["paths"]["/api/partner/v1/codes/redeem"]["post"]
    header = next(p for p in redeem["parameters"] if p["name"] == "Idempotency-Key")
    assert (header["in"], header["required"]) == ("header", True)
    assert client.get(BASE + "/docs").status_code == 200
