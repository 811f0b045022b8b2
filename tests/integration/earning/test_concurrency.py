"""Caps under concurrency: two batches for the same members at once never exceed a cap, and
two tier evaluations of the same members at once lose no change."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from rewards.earning.models import EarningCounter
from rewards.earning.services import points_for_events
from rewards.ledger.services import points_grant_many
from tests.factories import EarningRuleFactory, MemberFactory

from .conftest import AT, bill

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CAP = 100
MEMBERS = 5
EVENTS_PER_MEMBER_PER_THREAD = 8  # 8 x 30 points per thread: each thread alone would pass the cap
TRIALS = 5


def run_batches(batches):
    """Run each batch of events in a thread of its own, all released together."""
    barrier = threading.Barrier(len(batches))
    results: list = [None] * len(batches)
    errors: list[BaseException] = []

    def worker(index, events):
        try:
            barrier.wait()
            with transaction.atomic():
                grants = points_for_events(events=events)
                points_grant_many(grants=grants)
                time.sleep(0.05)  # hold the locks a while: the other batch must wait, not pass
            results[index] = grants
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, b)) for i, b in enumerate(batches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_two_concurrent_batches_never_exceed_a_per_member_cap():
    rule = EarningRuleFactory(cap_points=CAP, cap_period="day")
    over, granted_total = 0, 0
    for trial in range(TRIALS):
        members = [MemberFactory() for _ in range(MEMBERS)]
        early = []
        if trial % 2:  # counters that already exist (an earlier batch that day), or new ones
            with transaction.atomic():
                early = points_for_events(
                    events=[bill(f"T{trial}-early-{m.pk}", m.pk, 100_000, AT - dt.timedelta(hours=1))
                            for m in members]
                )
                points_grant_many(grants=early)
        batches = [
            [
                bill(f"T{trial}-{thread}-{m.pk}-{n}", m.pk, 300_000, AT + dt.timedelta(minutes=n))
                for m in (members if thread == 0 else list(reversed(members)))
                for n in range(EVENTS_PER_MEMBER_PER_THREAD)
            ]
            for thread in range(2)
        ]
        results = [early, *run_batches(batches)]
        for member in members:
            granted = sum(g.points for grants in results for g in grants if g.member_id == member.pk)
            counted = EarningCounter.objects.get(member=member, rule=rule).points
            assert counted == granted
            over += max(granted - CAP, 0)
            granted_total += granted
    print(f"caps under concurrency: {TRIALS} trials x 2 threads x {MEMBERS} members, "
          f"granted {granted_total} (cap total {TRIALS * MEMBERS * CAP}), over cap {over}")
    assert over == 0
    assert granted_total == TRIALS * MEMBERS * CAP
    assert EarningCounter.objects.aggregate(total=Sum("points"))["total"] == TRIALS * MEMBERS * CAP
