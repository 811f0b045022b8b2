"""r8: a fan-out task held up past the broker's visibility timeout is delivered a second time,
to another worker, while the first is still working on it: the chunk is reserved once, its
deliveries exist once, the run is done once."""

from __future__ import annotations

import re
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from campaigns.contact.models import ContactState, Delivery
from campaigns.sends.models import RunChunk, RunStatus
from campaigns.sends.services import sends_tick
from tests.integration.contact.factories import campaign, member, policy

from .celery_workers import Workers, _database_url

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

MEMBERS, VISIBILITY_TIMEOUT, TIMEOUT = 30, 2, 120
RECEIVED = re.compile(r"Task sends\.wave_work\[([0-9a-f-]+)\] received")


def _receptions(workers: Workers) -> dict[str, int]:
    counts: dict[str, int] = {}
    for task_id in RECEIVED.findall(workers.log_text()):
        counts[task_id] = counts.get(task_id, 0) + 1
    return counts


def test_r8_a_task_redelivered_after_the_visibility_timeout_has_its_effect_once(settings):
    settings.SENDS_LANES = 1
    policy()
    members = [member() for _ in range(MEMBERS)]
    c = campaign(name="r8", send_portal=True, send_sms=True)
    ContactState.objects.bulk_create([ContactState(member=m) for m in members])
    blocker = psycopg.connect(_database_url(), autocommit=False)
    # Hold one member's contact lock: the lane that takes the chunk waits inside it, unacknowledged.
    blocker.execute("SELECT member_id FROM contact_contactstate WHERE member_id = %s FOR UPDATE",
                    [members[-1].pk])

    workers = Workers(count=2, concurrency=1, visibility_timeout=VISIBILITY_TIMEOUT,
                      extra_settings={"SENDS_LANES": 1})
    with workers.running():
        started = time.monotonic()
        sends_tick(now=timezone.now())
        deadline = started + TIMEOUT
        while not any(n >= 2 for n in _receptions(workers).values()):
            assert time.monotonic() < deadline, f"no redelivery seen:\n{workers.log_text()[-4000:]}"
            time.sleep(0.2)
        held_for = time.monotonic() - started
        blocker.rollback()
        while c.send_runs.get().status != RunStatus.DONE:
            assert time.monotonic() < deadline, f"the run did not finish:\n{workers.log_text()[-4000:]}"
            time.sleep(0.1)
        while Delivery.objects.filter(campaign=c).exclude(status="sent").exists():  # deliveries_send ran
            assert time.monotonic() < deadline, f"deliveries not sent:\n{workers.log_text()[-4000:]}"
            time.sleep(0.1)
        receptions = _receptions(workers)
    blocker.close()
    connection.close()

    twice = [task_id for task_id, n in receptions.items() if n >= 2]
    deliveries = Delivery.objects.filter(campaign=c)
    assert twice, "the held task must have been delivered twice"
    assert deliveries.count() == deliveries.filter(status="sent").count() == MEMBERS * 2
    assert deliveries.values("member_id", "channel").distinct().count() == MEMBERS * 2
    assert RunChunk.objects.filter(run__campaign=c, done_at__isnull=False).count() == 1
    assert c.send_runs.get().delivered == MEMBERS
    print(
        f"r8: 1 chunk of {MEMBERS} members x 2 channels, visibility timeout {VISIBILITY_TIMEOUT} s; "
        f"the lane holding the chunk was delivered {max(receptions.values())} times "
        f"(task {twice[0][:8]}), held {held_for:.1f} s; deliveries {deliveries.count()} "
        f"(expected {MEMBERS * 2}, all sent), chunk done once, run delivered {c.send_runs.get().delivered}"
    )
