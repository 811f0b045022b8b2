"""Idempotency-Key on redeem and reverse: the same key and body get the same answer, the same key
with another body gets 409; concurrent requests with one key run once."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from partners.api.models import IdempotentRequest
from partners.copromotions.models import CoPromotionBudget, PartnerRedemption
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.partners.partner_api_helpers import (  # noqa: F401
    Caller,
    _fresh_api_state,
    error_of,
    make_world,
)


@pytest.mark.django_db
def test_the_same_key_and_body_get_the_same_answer_and_redeem_once(client):
    world = make_world(client)

    first = world.caller.redeem(world.codes[0], key="order-1", reference="r1")
    second = world.caller.redeem(world.codes[0], key="order-1", reference="r1")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert "Idempotent-Replayed" not in first and second["Idempotent-Replayed"] == "true"
    assert PartnerRedemption.objects.count() == 1
    assert CoPromotionBudget.objects.get().spent == 10_000


@pytest.mark.django_db
def test_a_refusal_is_kept_too_so_a_retry_is_answered_alike(client):
    world = make_world(client)
    world.caller.redeem(world.codes[0], key="first")

    refused = world.caller.redeem(world.codes[0], key="second")
    retried = world.caller.redeem(world.codes[0], key="second")

    assert error_of(refused) == error_of(retried) == (409, "code_already_redeemed")
    assert retried["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["code", "reference", "endpoint"])
def test_the_same_key_with_another_request_is_409_and_changes_nothing(client, change):
    world = make_world(client)
    world.caller.redeem(world.codes[0], key="order-1", reference="r1")

    if change == "code":
        response = world.caller.redeem(world.codes[1], key="order-1", reference="r1")
    elif change == "reference":
        response = world.caller.redeem(world.codes[0], key="order-1", reference="r2")
    else:
        redemption_id = PartnerRedemption.objects.get().pk
        response = world.caller.post(f"/redemptions/{redemption_id}/reverse", {}, key="order-1")

    assert error_of(response) == (409, "idempotency_conflict")
    redemptions = list(PartnerRedemption.objects.values_list("code__code", "reversed_at"))
    assert redemptions == [(world.codes[0], None)]
    assert IdempotentRequest.objects.count() == 1


@pytest.mark.django_db
def test_reverse_is_idempotent_by_key(client):
    world = make_world(client)
    redemption_id = world.caller.redeem(world.codes[0]).json()["redemption_id"]

    first = world.caller.post(f"/redemptions/{redemption_id}/reverse", {"reference": "refund 9"}, key="rv")
    second = world.caller.post(f"/redemptions/{redemption_id}/reverse", {"reference": "refund 9"}, key="rv")

    assert first.json() == second.json() and first.json()["already_reversed"] is False
    assert second["Idempotent-Replayed"] == "true"
    assert PartnerRedemption.objects.get().reversal_reference == "refund 9"


@pytest.mark.django_db
def test_keys_belong_to_one_partner(client):
    streamly, gadgets = make_world(client, "Streamly"), make_world(client, "Gadgets")

    mine = streamly.caller.redeem(streamly.codes[0], key="shared-key")
    theirs = gadgets.caller.redeem(gadgets.codes[0], key="shared-key")

    assert mine.status_code == theirs.status_code == 200
    assert mine.json()["redemption_id"] != theirs.json()["redemption_id"]
    assert "Idempotent-Replayed" not in theirs


def _redeem_in_thread(secret: str, code: str, key: str):
    def call():
        response = Caller(Client(), secret).redeem(code, key=key)
        return response.status_code, response.json(), response.get("Idempotent-Replayed")

    return call


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_run_once():
    world = make_world(Client(), codes=4)
    clients = 12
    started = time.perf_counter()
    with Crowd(clients) as crowd:
        same = crowd.run([_redeem_in_thread(world.caller.secret, world.codes[0], "same")] * clients)
        mixed = crowd.run(
            [_redeem_in_thread(world.caller.secret, world.codes[1 + i % 3], "mixed") for i in range(clients)]
        )
    elapsed = time.perf_counter() - started

    assert [o.error for o in same + mixed if o.error] == []
    same_answers = [o.value for o in same]
    assert {(status, body["redemption_id"]) for status, body, _ in same_answers} == {
        (200, same_answers[0][1]["redemption_id"])
    }
    assert sum(1 for *_, replayed in same_answers if replayed) == clients - 1
    mixed_statuses = sorted(status for status, _, _ in (o.value for o in mixed))
    winners = [body for status, body, replayed in (o.value for o in mixed) if status == 200 and not replayed]
    assert len(winners) == 1
    assert set(mixed_statuses) <= {200, 409}
    assert PartnerRedemption.objects.count() == 2
    print(
        f"partner idempotency: {clients} concurrent same key+body -> 1 redemption, {clients - 1} replays; "
        f"{clients} concurrent same key, 3 bodies -> 1 executed, statuses {mixed_statuses}; {elapsed:.2f} s"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_of_one_code_with_different_keys_redeem_it_once():
    world = make_world(Client(), codes=1)
    clients = 12
    with Crowd(clients) as crowd:
        outcomes = crowd.run(
            [_redeem_in_thread(world.caller.secret, world.codes[0], f"k{i}") for i in range(clients)]
        )

    statuses = sorted(o.value[0] for o in outcomes)
    codes = sorted(o.value[1].get("error", {}).get("code", "ok") for o in outcomes)
    assert statuses == [200] + [409] * (clients - 1)
    assert codes == ["code_already_redeemed"] * (clients - 1) + ["ok"]
    assert PartnerRedemption.objects.count() == 1
