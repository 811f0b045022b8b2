"""Working a wave: chunk after chunk, each in one transaction (docs/fanout.md).

A lane (``sends.wave_work``) claims the first chunk some running run still needs with
``FOR UPDATE SKIP LOCKED`` (two lanes never take the same chunk, and nobody waits), re-reads
the chunk's undone run chunks, reserves the members for all of them in one
``contacts_reserve`` call (priority decides the last free slot), marks them done with their
counts and queues ``deliveries_send`` for the new deliveries once the transaction commits.
A worker killed before the commit leaves the chunk undone and its deliveries unwritten: the
next lane redoes it whole. A second delivery of a lane's task finds the chunk done or taken.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import Chunk, Run, RunChunk, RunStatus
from ..selectors import campaign_extra_filter, run_totals
from . import settings as tunables


@dataclass(frozen=True)
class ChunkOutcome:
    chunk_id: int
    runs: dict[int, object] = field(default_factory=dict)  # run id -> contacts' SliceOutcome
    deliveries_queued: int = 0


def _undone(**filters) -> Exists:
    return Exists(RunChunk.objects.filter(done_at__isnull=True, run__status=RunStatus.RUNNING, **filters))


def _claim(wave_id: int) -> Chunk | None:
    return (
        Chunk.objects.select_for_update(skip_locked=True)
        .filter(_undone(chunk=OuterRef("pk")), wave_id=wave_id)
        .order_by("id_from").first()
    )


def run_slice(run: Run):
    from campaigns.contact.services import RunSlice

    return RunSlice(
        campaign=run.campaign, occurrence=run.occurrence,
        extra_filter=campaign_extra_filter(campaign=run.campaign, occurrence=run.occurrence),
    )


def deliveries_queue(delivery_ids: list[int]) -> int:
    """Queue ``deliveries_send`` for ``delivery_ids`` once the transaction commits. The message
    header says how many ids it carries instead of repeating them all (Celery's default)."""
    from campaigns.contact.tasks import deliveries_send_task

    size = tunables.deliveries_per_task()
    for start in range(0, len(delivery_ids), size):
        batch = delivery_ids[start:start + size]
        deliveries_send_task.apply_async_on_commit(
            args=(batch,), argsrepr=f"({len(batch)} delivery ids from {batch[0]})"
        )
    return len(delivery_ids)


def wave_chunk_work(*, wave_id: int, at: dt.datetime | None = None) -> ChunkOutcome | None:
    """Reserve one free chunk of the wave for its running runs, in one transaction. None when
    no chunk is left that a running run needs and no other lane holds."""
    from campaigns.contact.services import contacts_reserve

    with transaction.atomic():
        chunk = _claim(wave_id)
        if chunk is None:
            return None
        # Re-read under the chunk's lock: the claim's snapshot may predate a lane's commit.
        parts = list(
            RunChunk.objects.select_for_update(of=("self",))
            .filter(chunk=chunk, done_at__isnull=True, run__status=RunStatus.RUNNING)
            .select_related("run__campaign").order_by("run_id")
        )
        if not parts:
            return ChunkOutcome(chunk_id=chunk.pk)
        outcomes = contacts_reserve(
            slices=[run_slice(part.run) for part in parts], id_from=chunk.id_from, id_to=chunk.id_to,
            at=at or timezone.now(),
        )
        done_at, delivery_ids = timezone.now(), []
        for part in parts:
            outcome = outcomes.get(part.run.campaign_id)
            part.done_at = done_at
            if outcome is not None:
                part.delivered, part.held_out = outcome.delivered, outcome.held_out
                part.suppressed = {reason: n for reason, n in outcome.suppressed.items() if n}
                delivery_ids.extend(outcome.delivery_ids)
        RunChunk.objects.bulk_update(parts, ["done_at", "delivered", "held_out", "suppressed"])
        queued = deliveries_queue(delivery_ids)
    return ChunkOutcome(
        chunk_id=chunk.pk, runs={part.run_id: outcomes.get(part.run.campaign_id) for part in parts},
        deliveries_queued=queued,
    )


def wave_work(*, wave_id: int, seconds: float | None = None) -> tuple[int, bool]:
    """Work chunks of the wave for about ``seconds``; returns (chunks worked, whether any may be
    left). When none is left, the wave's finished runs are marked done."""
    budget = tunables.lane_seconds() if seconds is None else seconds
    started, worked = time.monotonic(), 0
    while True:
        outcome = wave_chunk_work(wave_id=wave_id)
        if outcome is None:
            runs_finish(wave_id=wave_id)
            return worked, False
        worked += 1
        if time.monotonic() - started >= budget:
            return worked, True


def runs_finish(*, wave_id: int) -> list[int]:
    """Mark done the wave's running runs that have no chunk left, with their totals. Run after
    each lane's last chunk commits: the last lane to commit sees every chunk done."""
    finished = []
    runs = Run.objects.filter(wave_id=wave_id, status=RunStatus.RUNNING, wave__planned_at__isnull=False)
    for run in runs.exclude(Exists(RunChunk.objects.filter(run=OuterRef("pk"), done_at__isnull=True))):
        totals = run_totals(run_id=run.pk)
        if Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.DONE, finished_at=timezone.now(), delivered=totals.delivered,
            held_out=totals.held_out, suppressed=totals.suppressed,
        ):
            finished.append(run.pk)
    return finished

