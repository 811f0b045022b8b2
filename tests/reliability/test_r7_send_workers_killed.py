"""r7: a 100,000-member send on real Celery workers, all of them SIGKILLed at 3 random points
and started again, the stalled wave resumed: every member has exactly one delivery (0 missing,
0 duplicates), every chunk is done, the run is done with the right count."""

from __future__ import annotations

import datetime as dt
import os
import random
import time

import pytest
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from campaigns.contact.models import Delivery
from campaigns.sends.models import RunChunk, RunStatus
from campaigns.sends.services import sends_tick, waves_requeue_stalled
from club.members.models import Member
from tests.integration.contact.factories import campaign, policy

from .celery_workers import Workers

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

MEMBERS, CHUNK, KILLS = 100_000, 1000, 3
TIMEOUT = 900


def _members_create(count: int) -> None:
    Member.objects.bulk_create(
        [Member(msisdn=f"+8491{index:07d}", account_number=f"R7{index:08d}",
                activation_date=dt.date(2020, 1, 1), consent_marketing=True, consent_portal=True)
         for index in range(count)],
        batch_size=10_000,
    )


def _chunks_done() -> int:
    return RunChunk.objects.filter(done_at__isnull=False).count()


def _wait(predicate, what: str, workers: Workers) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{workers.log_text()[-4000:]}")
        time.sleep(0.05)


def test_r7_workers_killed_three_times_mid_send_then_resumed_no_delivery_missing_or_twice(settings):
    seed = int(os.environ.get("R7_SEED", random.randrange(10**6)))
    rng = random.Random(seed)
    settings.SENDS_CHUNK_SIZE = CHUNK
    policy()
    _members_create(MEMBERS)
    c = campaign(name="r7", send_portal=True)
    chunks_total = MEMBERS // CHUNK
    kill_points = sorted(rng.sample(range(chunks_total // 10, chunks_total * 9 // 10), KILLS))
    killed_at, started = [], time.monotonic()

    workers = Workers(count=2, concurrency=1, extra_settings={"SENDS_CHUNK_SIZE": CHUNK})
    with workers.running():
        sends_tick(now=timezone.now())
        for point in kill_points:
            _wait(lambda point=point: _chunks_done() >= point, f"{point} chunks done", workers)
            workers.kill()
            killed_at.append(_chunks_done())
            workers.start()
            waves_requeue_stalled(now=timezone.now(), stalled_after=dt.timedelta(0))  # resume
        _wait(lambda: c.send_runs.get().status == RunStatus.DONE, "the run to finish", workers)
    elapsed = time.monotonic() - started

    run = c.send_runs.get()
    delivered_members = Delivery.objects.filter(campaign=c).values("member_id").distinct().count()
    reached = Delivery.objects.filter(campaign=c, member=OuterRef("pk"))
    missing = Member.objects.exclude(Exists(reached)).count()
    duplicates = (
        Delivery.objects.filter(campaign=c).values("member_id", "channel", "occurrence")
        .annotate(n=Count("id")).filter(n__gt=1).count()
    )
    chunks_undone = RunChunk.objects.filter(run=run, done_at__isnull=True).count()
    assert len(killed_at) == KILLS and all(0 < n < chunks_total for n in killed_at)
    assert (missing, duplicates, chunks_undone) == (0, 0, 0)
    assert delivered_members == MEMBERS and run.delivered == MEMBERS
    assert Delivery.objects.filter(campaign=c).count() == MEMBERS
    print(
        f"r7: {MEMBERS} members, {chunks_total} chunks of {CHUNK}, 2 workers; SIGKILLed after "
        f"{', '.join(map(str, killed_at))} chunks done (seed {seed}), resumed each time; "
        f"run done in {elapsed:.1f} s; deliveries {Delivery.objects.filter(campaign=c).count()}, "
        f"missing {missing}, duplicates {duplicates}, chunks left {chunks_undone}"
    )
