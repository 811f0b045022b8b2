"""r3: balance 100, 20 concurrent 60-point redemptions: exactly one succeeds; the balance is
never negative and equals the ledger's sum (and the lots' remaining points)."""

from __future__ import annotations

import time

import pytest
from django.db.models import Sum

from rewards.catalogue.models import Redemption
from rewards.catalogue.services import RedemptionErrorCode, redemption_create
from rewards.ledger.models import LedgerEntry, LotStatus, PointLot, PointsAccount
from tests.factories import MemberFactory
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.catalogue.factories import RewardFactory, give_points

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 20
TRIALS = 20
BALANCE = 100
COST = 60


def test_r3_twenty_concurrent_redemptions_cannot_overspend():
    # Different rewards (unlimited stock), so only the points can stop them.
    rewards = [RewardFactory(points_cost=COST) for _ in range(CLIENTS)]
    successes, negatives, mismatches, errors, wrong_refusals = [], 0, 0, 0, 0
    started = time.perf_counter()
    with Crowd(CLIENTS) as crowd:
        for trial in range(TRIALS):
            member = MemberFactory()
            give_points(member, 60)
            give_points(member, 40)  # two lots: the debit spans both
            outcomes = crowd.run(
                [
                    (
                        lambda r=reward, m=member, t=trial: redemption_create(
                            member_id=m.pk, reward_id=r.pk, idempotency_key=f"r3:{t}:{r.pk}"
                        )
                    )
                    for reward in rewards
                ]
            )
            errors += sum(1 for o in outcomes if o.error is not None)
            results = [o.value for o in outcomes if o.error is None]
            successes.append(sum(1 for r in results if r.is_success))
            wrong_refusals += sum(
                1 for r in results if not r.is_success and r.error != RedemptionErrorCode.INSUFFICIENT_POINTS
            )
            account = PointsAccount.objects.get(member=member)
            ledger = LedgerEntry.objects.filter(member=member).aggregate(total=Sum("points"))["total"]
            lots = PointLot.objects.filter(member=member, status__in=[LotStatus.ACTIVE, LotStatus.PENDING])
            in_lots = lots.aggregate(total=Sum("remaining"))["total"] or 0
            negatives += account.available < 0 or account.pending < 0
            mismatches += not (account.balance == ledger == in_lots == BALANCE - COST * successes[-1])
    elapsed = time.perf_counter() - started
    print(
        f"\nr3: {TRIALS} trials x {CLIENTS} concurrent {COST}-point redemptions on a balance of {BALANCE}: "
        f"successes per trial min {min(successes)} max {max(successes)}, negative balances {negatives}, "
        f"balance != ledger sum {mismatches}, server errors {errors}, wrong refusals {wrong_refusals}; "
        f"{elapsed:.1f} s"
    )
    assert successes == [1] * TRIALS
    assert (negatives, mismatches, errors, wrong_refusals) == (0, 0, 0, 0)
    assert Redemption.objects.count() == TRIALS
