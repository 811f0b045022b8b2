"""r2: one idempotency key sent 50 times at once: one redemption, 50 identical answers; the
key reused with a different body: refused with ``idempotency_conflict``, nothing written."""

from __future__ import annotations

import time

import pytest

from rewards.catalogue.models import Redemption
from rewards.catalogue.services import RedemptionErrorCode, redemption_create
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import points_balance
from tests.factories import MemberFactory
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.catalogue.factories import ADDRESS, RewardFactory, give_points

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 50
TRIALS = 10
COST = 60


def test_r2_one_key_sent_50_times_is_one_redemption():
    member = MemberFactory()
    give_points(member, 10_000)
    reward = RewardFactory(merchandise=True, points_cost=COST, stock=100)
    other_reward = RewardFactory(points_cost=COST)
    redemptions, distinct_answers, replays, errors = [], [], [], 0
    started = time.perf_counter()
    with Crowd(CLIENTS) as crowd:
        for trial in range(TRIALS):
            key = f"r2:{trial}"
            outcomes = crowd.run(
                [
                    lambda key=key: redemption_create(
                        member_id=member.pk,
                        reward_id=reward.pk,
                        idempotency_key=key,
                        delivery_address=ADDRESS,
                    )
                ]
                * CLIENTS
            )
            errors += sum(1 for o in outcomes if o.error is not None)
            results = [o.value for o in outcomes if o.error is None]
            distinct_answers.append(len({r.receipt for r in results}))
            replays.append(sum(1 for r in results if r.replayed))
            redemptions.append(Redemption.objects.filter(idempotency_key=key).count())
    elapsed = time.perf_counter() - started
    balance_before_conflicts = points_balance(member_id=member.pk).available
    conflicts = [
        redemption_create(member_id=member.pk, reward_id=other_reward.pk, idempotency_key="r2:0"),
        redemption_create(
            member_id=member.pk,
            reward_id=reward.pk,
            idempotency_key="r2:0",
            delivery_address={**ADDRESS, "city": "Đà Nẵng"},
        ),
        redemption_create(
            member_id=MemberFactory().pk,
            reward_id=reward.pk,
            idempotency_key="r2:0",
            delivery_address=ADDRESS,
        ),
    ]
    print(
        f"\nr2: {TRIALS} trials x {CLIENTS} concurrent requests with one key: redemptions per key "
        f"{sorted(set(redemptions))}, distinct answers per key {sorted(set(distinct_answers))}, "
        f"replays per key {sorted(set(replays))}, server errors {errors}; same key with another "
        f"body: {sorted({c.error.value for c in conflicts})}; {elapsed:.1f} s"
    )
    assert redemptions == [1] * TRIALS
    assert distinct_answers == [1] * TRIALS
    assert replays == [CLIENTS - 1] * TRIALS
    assert errors == 0
    assert [c.error for c in conflicts] == [RedemptionErrorCode.IDEMPOTENCY_CONFLICT] * 3
    assert Redemption.objects.count() == TRIALS
    assert LedgerEntry.objects.filter(kind="redeem").count() == TRIALS
    assert points_balance(member_id=member.pk).available == balance_before_conflicts == 10_000 - TRIALS * COST
