"""r17: a partner's client retries a redemption with the same Idempotency-Key after losing the
answer: the first call committed but the client timed out before reading it, the retry met a
server error (500), the next retry got 200. And the other way round: a call that failed half-way
(a 500 after the code was locked, the budget taken and the redemption row written) leaves
nothing behind, and its retry redeems.

Per code: exactly one live redemption, one ledger credit of its bonus points, the budget taken
once, one stored answer (no key row without its answer: no orphan reservation), and every
answer the client did see for a key is the same redemption.
"""

from __future__ import annotations

import time
from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from partners.api.models import IdempotentRequest
from partners.copromotions.models import CodeState, CoPromotionBudget, PartnerRedemption, PromotionCode
from partners.copromotions.services import redemption as redemption_service
from rewards.ledger.models import LedgerEntry
from tests.integration.partners.partner_api_helpers import (  # noqa: F401
    _fresh_api_state,
    error_of,
    make_world,
)

pytestmark = pytest.mark.django_db

CODES = 10  # each scenario redeems half of them
POINTS, PRICE_PER_POINT, FUNDING = 50, Decimal(100), Decimal(2_000)
COST = FUNDING + POINTS * PRICE_PER_POINT


def _failing_once(real, exc):
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise exc
        return real(*args, **kwargs)

    return wrapper


def test_r17_timeout_after_success_then_500_then_200_redeems_each_code_once():
    client = Client()
    world = make_world(
        client, codes=CODES, benefit_kind="bonus_points", bonus_points=POINTS,
        funding=FUNDING, price_per_point=PRICE_PER_POINT,
    )
    caller = world.caller
    seen: dict[str, list[tuple[int, int | None]]] = {}
    started = time.perf_counter()

    for index, code in enumerate(world.codes):
        key = f"till-7:{index}"
        answers = seen.setdefault(key, [])
        if index % 2 == 0:
            # 1. the server commits; the client times out and never reads the answer
            caller.redeem(code, key=key, reference=f"receipt {index}")
            # 2. the retry meets a server error while the stored answer is read
            with mock.patch(
                "partners.api.services.idempotency._stored",
                side_effect=OperationalError("the database went away"),
            ):
                failed = caller.redeem(code, key=key, reference=f"receipt {index}")
            answers.append(error_of(failed))
        else:
            # 1. the call fails half-way: the code locked, the budget taken, the redemption row
            #    written, then the ledger write fails: a 500, and everything is rolled back
            failing = _failing_once(redemption_service.points_grant, OperationalError("deadlock detected"))
            with mock.patch.object(redemption_service, "points_grant", side_effect=failing):
                failed = caller.redeem(code, key=key, reference=f"receipt {index}")
            answers.append(error_of(failed))
            assert not IdempotentRequest.objects.filter(key=key).exists()  # the key is free again
        # 3. the next retry: 200, the one redemption
        retried = caller.redeem(code, key=key, reference=f"receipt {index}")
        again = caller.redeem(code, key=key, reference=f"receipt {index}")
        assert retried.status_code == again.status_code == 200
        assert retried.json() == again.json()
        answers.append((200, retried.json()["redemption_id"]))
    elapsed = time.perf_counter() - started

    redemptions = list(PartnerRedemption.objects.values_list("pk", "code__code", "reversed_at"))
    per_code = {code: sum(1 for _, c, _ in redemptions if c == code) for code in world.codes}
    credits = LedgerEntry.objects.filter(source_ref__startswith="copromotion_redemption:")
    credit_refs = sorted(credits.values_list("source_ref", flat=True))
    keys = IdempotentRequest.objects.filter(partner_id=world.partner_user.partner_id)
    orphans = keys.filter(status_code=0).count()
    five_hundreds = sum(1 for answers in seen.values() for status, _ in answers if status == 500)

    assert per_code == {code: 1 for code in world.codes}
    assert all(reversed_at is None for *_, reversed_at in redemptions)
    assert credit_refs == sorted(f"copromotion_redemption:{pk}" for pk, _, _ in redemptions)
    assert sum(credits.values_list("points", flat=True)) == POINTS * CODES
    assert CoPromotionBudget.objects.get().spent == COST * CODES
    assert set(PromotionCode.objects.values_list("state", flat=True)) == {CodeState.REDEEMED}
    assert orphans == 0 and keys.count() == CODES and set(keys.values_list("status_code", flat=True)) == {200}
    assert five_hundreds == CODES
    by_key = {key: {rid for status, rid in answers if status == 200} for key, answers in seen.items()}
    assert all(len(ids) == 1 for ids in by_key.values())
    print(
        f"r17: {CODES} codes, {CODES // 2} committed-then-timed-out + 500 + 200, {CODES // 2} failed "
        f"half-way (500) + 200: {len(redemptions)} redemptions (1 per code), {credits.count()} ledger "
        f"credits, budget spent {CoPromotionBudget.objects.get().spent} = {CODES} x {COST}, "
        f"{keys.count()} stored answers, {orphans} orphan reservations, {five_hundreds} x 500 seen; "
        f"{elapsed:.2f} s"
    )
