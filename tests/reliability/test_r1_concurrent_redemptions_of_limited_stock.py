"""r1: 50 concurrent redemptions of a reward with stock 1 (and 5), 20 trials: exactly 1 (5)
succeed, nothing is oversold, no server errors; the refused get ``out_of_stock`` and keep
their points."""

from __future__ import annotations

import time

import pytest
from django.db.models import Sum

from rewards.catalogue.models import NetworkOutbox, Redemption, RewardStock
from rewards.catalogue.services import RedemptionErrorCode, redemption_create
from rewards.ledger.models import LedgerEntry, PointsAccount
from tests.factories import MemberFactory
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.catalogue.factories import RewardFactory, give_points

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 50
TRIALS = 20
COST = 60
START_POINTS = 10_000


@pytest.mark.parametrize("stock", [1, 5])
def test_r1_concurrent_redemptions_never_oversell(stock):
    members = [MemberFactory() for _ in range(CLIENTS)]
    for member in members:
        give_points(member, START_POINTS)
    successes, oversold, errors, wrong_refusals = [], 0, 0, 0
    rewards = [RewardFactory(points_cost=COST, stock=stock) for _ in range(TRIALS)]
    started = time.perf_counter()
    with Crowd(CLIENTS) as crowd:
        trials = [
            (
                reward,
                crowd.run(
                    [
                        (
                            lambda m=member, r=reward: redemption_create(
                                member_id=m.pk, reward_id=r.pk, idempotency_key=f"r1:{r.pk}:{m.pk}"
                            )
                        )
                        for member in members
                    ]
                ),
            )
            for reward in rewards
        ]
    elapsed = time.perf_counter() - started
    for reward, outcomes in trials:
        errors += sum(1 for o in outcomes if o.error is not None)
        results = [o.value for o in outcomes if o.error is None]
        won = sum(1 for r in results if r.is_success)
        wrong_refusals += sum(
            1 for r in results if not r.is_success and r.error != RedemptionErrorCode.OUT_OF_STOCK
        )
        successes.append(won)
        written = Redemption.objects.filter(reward=reward).count()
        oversold += max(written - stock, 0)
        assert RewardStock.objects.get(reward=reward).remaining == stock - written
        assert NetworkOutbox.objects.filter(redemption__reward=reward).count() == written
    spent = -(LedgerEntry.objects.filter(kind="redeem").aggregate(total=Sum("points"))["total"] or 0)
    balances = PointsAccount.objects.aggregate(total=Sum("available"))["total"]
    print(
        f"\nr1 stock={stock}: {TRIALS} trials x {CLIENTS} concurrent: successes per trial "
        f"min {min(successes)} max {max(successes)}, oversold {oversold}, server errors {errors}, "
        f"wrong refusals {wrong_refusals}, points spent {spent} = {sum(successes)} x {COST}, "
        f"{elapsed:.1f} s"
    )
    assert successes == [stock] * TRIALS
    assert (oversold, errors, wrong_refusals) == (0, 0, 0)
    assert spent == sum(successes) * COST
    assert balances == CLIENTS * START_POINTS - spent
