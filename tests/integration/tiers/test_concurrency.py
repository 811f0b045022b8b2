"""Two batches touching the same member at once: the tier evaluation loses no change."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from rewards.activity.models import MonthlyActivity
from rewards.tiers.models import MemberTier
from rewards.tiers.services import tier_evaluate_members
from tests.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ON = dt.date(2026, 6, 15)
TRIALS = 6


def test_two_concurrent_batches_for_one_member_end_in_the_tier_of_their_combined_spend(ladder):
    outcomes = []
    for trial in range(TRIALS):
        member = MemberFactory(activation_date=dt.date(2018, 1, 1))
        if trial % 2:  # a member evaluated before (a state row to lock) or a new one
            tier_evaluate_members(member_ids=[member.pk], on=ON - dt.timedelta(days=1))
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def batch(month: dt.date, amount: int, member_id=member.pk, barrier=barrier, errors=errors):
            try:
                with transaction.atomic():
                    MonthlyActivity.objects.create(member_id=member_id, month=month, spend=Decimal(amount))
                    barrier.wait()  # both batches have written their spend, neither has committed
                    tier_evaluate_members(member_ids=[member_id], on=ON)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=batch, args=(dt.date(2026, 5, 1), 4_000_000)),
                   threading.Thread(target=batch, args=(dt.date(2026, 6, 1), 8_000_000))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        outcomes.append(MemberTier.objects.get(member=member).tier.code)
    print(f"tiers under concurrency: {TRIALS} trials, 2 batches each (4M + 8M spend): {outcomes}")
    assert outcomes == ["gold"] * TRIALS  # 12M combined; each batch alone would give silver
