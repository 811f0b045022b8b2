"""Working a wave: chunks done whole or not at all, never twice; pause, resume, cancel; progress."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from campaigns.contact.models import Delivery
from campaigns.sends.models import Chunk, RunChunk, RunStatus
from campaigns.sends.selectors import run_progress
from campaigns.sends.services import (
    run_cancel,
    run_pause,
    run_resume,
    sends_tick,
    wave_chunk_work,
)
from campaigns.sends.services import work as work_module

from .conftest import NOW, campaign, delivery_ids, members, policy, run_of

pytestmark = pytest.mark.django_db(transaction=True)


def work_all(wave_id: int) -> int:
    chunks = 0
    while wave_chunk_work(wave_id=wave_id) is not None:
        chunks += 1
    work_module.runs_finish(wave_id=wave_id)
    return chunks


def test_a_chunk_that_fails_writes_nothing_and_is_redone_whole(no_lanes, monkeypatch, queued):
    policy()
    audience = members(10)
    c = campaign(send_sms=True)
    wave_id = sends_tick(now=NOW).wave_id
    from campaigns.contact import services as contact_services

    real = contact_services.contacts_reserve
    calls = []

    def reserve_then_die(**kwargs):
        outcome = real(**kwargs)  # rows written in the chunk's transaction...
        calls.append(kwargs["id_from"])
        if len(calls) == 2:
            raise RuntimeError("worker lost")  # ...then the worker dies before the commit
        return outcome

    monkeypatch.setattr(contact_services, "contacts_reserve", reserve_then_die)
    assert wave_chunk_work(wave_id=wave_id) is not None
    with pytest.raises(RuntimeError):
        wave_chunk_work(wave_id=wave_id)
    first_chunk, second_chunk = Chunk.objects.filter(wave_id=wave_id).order_by("id_from")[:2]
    assert RunChunk.objects.get(chunk=second_chunk).done_at is None
    assert not Delivery.objects.filter(member_id__gte=second_chunk.id_from,
                                       member_id__lt=second_chunk.id_to).exists()
    assert len(queued) == 1  # only the committed chunk's deliveries were handed on

    work_all(wave_id)

    assert run_of(c).status == RunStatus.DONE
    assert sorted(Delivery.objects.values_list("member_id", "channel")) == sorted(
        (m.pk, channel) for m in audience for channel in ("portal", "sms"))
    assert sorted(i for batch in queued for i in batch) == delivery_ids()


def test_a_chunk_is_reserved_once_however_often_a_lane_comes(no_lanes, queued):
    policy()
    members(9)
    c = campaign()
    wave_id = sends_tick(now=NOW).wave_id

    assert work_all(wave_id) == 3
    assert wave_chunk_work(wave_id=wave_id) is None  # a task delivered again: nothing left
    assert work_all(wave_id) == 0

    assert Delivery.objects.count() == 9 and len(queued) == 3
    assert run_of(c).delivered == 9 and run_of(c).status == RunStatus.DONE


@pytest.mark.postgres  # the lanes skip each other's locked chunk (SKIP LOCKED); SQLite locks the whole file
def test_two_lanes_at_once_never_take_the_same_chunk(no_lanes, monkeypatch):
    policy()
    members(8)
    c = campaign()
    wave_id = sends_tick(now=NOW).wave_id
    from campaigns.contact import services as contact_services

    real = contact_services.contacts_reserve

    def slow_reserve(**kwargs):
        time.sleep(0.3)  # both lanes are inside a chunk at the same time
        return real(**kwargs)

    monkeypatch.setattr(contact_services, "contacts_reserve", slow_reserve)
    taken, barrier = [], threading.Barrier(2)

    def lane():
        try:
            barrier.wait()
            taken.append(wave_chunk_work(wave_id=wave_id).chunk_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=lane) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(taken)) == 2
    assert RunChunk.objects.filter(run__campaign=c, done_at__isnull=False).count() == 2
    assert Delivery.objects.count() == 8


def test_a_paused_run_waits_while_its_wave_goes_on_and_resuming_finishes_it(no_lanes):
    policy()
    audience = members(12)
    paused, going = campaign(priority=60), campaign(priority=40)
    wave_id = sends_tick(now=NOW).wave_id
    wave_chunk_work(wave_id=wave_id)

    assert run_pause(run_id=run_of(paused).pk) is True
    work_all(wave_id)

    assert run_of(going).status == RunStatus.DONE and run_of(going).delivered == 12
    assert run_of(paused).status == RunStatus.PAUSED
    assert Delivery.objects.filter(campaign=paused).count() == 4  # the chunk reserved before the pause
    assert run_progress(run_id=run_of(paused).pk).totals.chunks_done == 1

    assert run_resume(run_id=run_of(paused).pk) is True
    work_all(wave_id)

    assert run_of(paused).status == RunStatus.DONE and run_of(paused).delivered == 12
    assert sorted(Delivery.objects.filter(campaign=paused).values_list("member_id", flat=True)) == sorted(
        m.pk for m in audience)


def test_pause_resume_and_cancel_act_once(no_lanes):
    policy()
    members(3)
    c = campaign()
    sends_tick(now=NOW)
    run_id = run_of(c).pk

    assert run_resume(run_id=run_id) is False  # not paused
    assert (run_pause(run_id=run_id), run_pause(run_id=run_id)) == (True, False)
    assert (run_cancel(run_id=run_id), run_cancel(run_id=run_id)) == (True, False)
    assert run_resume(run_id=run_id) is False
    assert run_of(c).status == RunStatus.CANCELLED and run_of(c).finished_at is not None
    assert Delivery.objects.count() == 0


def test_progress_is_summed_from_the_chunks_done(no_lanes):
    policy()
    members(10)
    members(2, consent_marketing=False)
    c = campaign()
    wave_id = sends_tick(now=NOW).wave_id
    run_id = run_of(c).pk

    before = run_progress(run_id=run_id)
    wave_chunk_work(wave_id=wave_id)
    middle = run_progress(run_id=run_id)
    work_all(wave_id)
    after = run_progress(run_id=run_id)

    assert (before.percent, before.totals.chunks_total, before.processed) == (0, 3, 0)
    assert (middle.percent, middle.totals.chunks_done, middle.processed) == (33, 1, 4)
    assert (after.percent, after.status, after.totals.delivered, after.totals.suppressed) == (
        100, RunStatus.DONE, 10, {"no_marketing_consent": 2})


def test_deliveries_are_handed_to_deliveries_send_in_batches_after_commit(settings, queued):
    from django.db import transaction

    settings.SENDS_DELIVERIES_PER_TASK = 2
    with transaction.atomic():
        assert work_module.deliveries_queue([5, 6, 7, 8, 9]) == 5
        assert queued == []  # nothing leaves before the commit
    assert queued == [[5, 6], [7, 8], [9]]
