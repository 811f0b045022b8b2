"""Pause, resume and cancel a run (admin buttons). Each is one conditional UPDATE, so two
clicks or two staff members act once. A pause takes effect from the next chunk: a chunk already
being reserved finishes (it is one transaction and cannot stop halfway)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Run, RunStatus
from ..selectors import run_totals
from . import settings as tunables

UNFINISHED = (RunStatus.RUNNING, RunStatus.PAUSED)


def run_pause(*, run_id: int) -> bool:
    """Stop taking chunks for the run; False when it was not running."""
    return bool(Run.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.PAUSED, paused_at=timezone.now()))


def run_resume(*, run_id: int) -> bool:
    """Continue a paused run where it stopped; False when it was not paused."""
    from ..tasks import wave_work_task

    with transaction.atomic():
        resumed = Run.objects.filter(pk=run_id, status=RunStatus.PAUSED).update(
            status=RunStatus.RUNNING, paused_at=None)
        if resumed:
            wave_id = Run.objects.values_list("wave_id", flat=True).get(pk=run_id)
            for _lane in range(tunables.lanes()):
                wave_work_task.delay_on_commit(wave_id)
    return bool(resumed)


def run_cancel(*, run_id: int) -> bool:
    """Give up the rest of a running or paused run (what was delivered stays delivered)."""
    totals = run_totals(run_id=run_id)
    return bool(Run.objects.filter(pk=run_id, status__in=UNFINISHED).update(
        status=RunStatus.CANCELLED, finished_at=timezone.now(), delivered=totals.delivered,
        held_out=totals.held_out, suppressed=totals.suppressed))
