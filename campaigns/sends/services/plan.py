"""The beat tick and the planning of a wave.

``sends_tick`` runs every minute: it stops the runs of campaigns that are no longer live,
creates a run for every live campaign with an occurrence due (one per campaign and occurrence:
a second or late tick finds it there and creates nothing), puts the new runs in one wave, and
re-queues the waves whose work stalled (a worker killed with its task). ``wave_plan`` then cuts
the wave into chunks of members by keyset over the union of its runs' audiences.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign
from club.members.models import Member

from ..models import Chunk, Run, RunChunk, RunStatus, Wave
from ..schedule import ScheduleFacts, due_occurrence
from ..selectors import campaigns_live, run_members, wave_day
from . import settings as tunables


@dataclass(frozen=True)
class TickReport:
    wave_id: int | None = None
    runs: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)


def schedule_facts(campaign: Campaign) -> ScheduleFacts:
    from campaigns.validation import cron_schedule

    schedule = None
    if campaign.schedule_kind == "recurring" and campaign.cron:
        try:
            schedule = cron_schedule(campaign.cron)
        except ValueError:  # validation refuses it on save; a bad stored value sends nothing
            schedule = None
    starts = [moment for moment in (campaign.go_live_at, campaign.first_published_at) if moment]
    return ScheduleFacts(kind=campaign.schedule_kind, send_at=campaign.send_at, schedule=schedule,
                         live_since=max(starts) if starts else None)


def occurrences_due(*, now: dt.datetime) -> list[tuple[Campaign, str]]:
    """Live campaigns with an occurrence due at ``now`` that has no run yet."""
    clock = tunables.operator_clock()
    due = []
    for campaign in campaigns_live(now=now):
        occurrence = due_occurrence(schedule_facts(campaign), now=now, clock=clock)
        if occurrence is not None:
            due.append((campaign, occurrence))
    if not due:
        return []
    started = set(
        Run.objects.filter(campaign_id__in=[c.pk for c, _ in due], occurrence__in={o for _, o in due})
        .values_list("campaign_id", "occurrence")
    )
    return [(c, o) for c, o in due if (c.pk, o) not in started]


def runs_start(*, due: list[tuple[Campaign, str]], now: dt.datetime) -> tuple[Wave | None, list[Run]]:
    """One wave holding a new run per due (campaign, occurrence); an occurrence that already
    has a run (a concurrent or earlier tick) is skipped by the unique constraint."""
    from ..tasks import wave_plan_task

    if not due:
        return None, []
    with transaction.atomic():
        wave = Wave.objects.create(due_at=now, chunk_size=tunables.chunk_size())
        runs = []
        for campaign, occurrence in due:
            try:
                with transaction.atomic():
                    runs.append(Run.objects.create(campaign=campaign, occurrence=occurrence, wave=wave))
            except IntegrityError:
                continue
        if not runs:
            wave.delete()
            return None, []
        wave_plan_task.delay_on_commit(wave.pk)
    return wave, runs


def runs_stop_not_live(*, now: dt.datetime) -> list[int]:
    """Cancel the unfinished runs whose campaign was unpublished or expired."""
    live = campaigns_live(now=now).filter(pk=OuterRef("campaign_id"))
    stopped = list(
        Run.objects.filter(status__in=[RunStatus.RUNNING, RunStatus.PAUSED])
        .exclude(Exists(live)).values_list("pk", flat=True)
    )
    if stopped:
        Run.objects.filter(pk__in=stopped, status__in=[RunStatus.RUNNING, RunStatus.PAUSED]).update(
            status=RunStatus.CANCELLED, finished_at=now)
    return stopped


def sends_tick(*, now: dt.datetime | None = None) -> TickReport:
    """The beat entry: stop what is no longer live, start what is due, revive what stalled."""
    now = now or timezone.now()
    cancelled = runs_stop_not_live(now=now)
    wave, runs = runs_start(due=occurrences_due(now=now), now=now)
    requeued = waves_requeue_stalled(now=now)
    return TickReport(wave_id=wave.pk if wave else None, runs=[r.pk for r in runs],
                      cancelled=cancelled, requeued=requeued)


def _chunk_starts(members_sql: str, params: list, size: int) -> tuple[list[int], int]:
    """Every ``size``-th member id of the query (keyset boundaries) and the member count."""
    sql = (
        "SELECT id, total FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total "
        f"FROM ({members_sql}) AS audience) AS numbered WHERE (n - 1) %% %s = 0 ORDER BY id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, size])
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


def chunk_ranges(starts: list[int], last_id: int) -> list[tuple[int, int]]:
    """Contiguous ``[from, to)`` ranges from 0 to ``last_id`` inclusive, cut at ``starts``
    (each range after the first starts with a ``size``-th member of the audience)."""
    if not starts:
        return []
    cuts = [0, *starts[1:], max(last_id, starts[-1]) + 1]
    return [(low, high) for low, high in zip(cuts, cuts[1:], strict=False) if high > low]


def member_ranges(members: QuerySet[Member], *, size: int) -> tuple[list[tuple[int, int]], int]:
    """Cut the member ids into ranges holding ``size`` of ``members`` each (keyset, one query),
    covering every id up to the highest member's, and count ``members``."""
    members_sql, params = members.order_by().values("id").query.get_compiler(using=members.db).as_sql()
    starts, count = _chunk_starts(members_sql, list(params), size)
    last_id = Member.objects.aggregate(last=Max("pk"))["last"] or 0
    return chunk_ranges(starts, last_id), count


def wave_plan(*, wave_id: int) -> int:
    """Cut the wave into chunks and queue its lanes; a repeated call does nothing. Returns the
    number of chunks made."""
    from ..tasks import wave_work_task

    with transaction.atomic():
        wave = Wave.objects.select_for_update().get(pk=wave_id)
        if wave.planned_at is not None:
            return 0
        runs = list(wave.runs.select_related("campaign__audience"))
        on = wave_day(wave)
        union = Q(pk__in=[])
        for run in runs:
            union |= Q(pk__in=run_members(run=run, on=on).values("pk"))
        ranges, members = member_ranges(Member.objects.filter(union), size=wave.chunk_size)
        chunks = Chunk.objects.bulk_create([Chunk(wave=wave, id_from=lo, id_to=hi) for lo, hi in ranges])
        RunChunk.objects.bulk_create([RunChunk(run=run, chunk=chunk) for chunk in chunks for run in runs])
        Wave.objects.filter(pk=wave.pk).update(planned_at=timezone.now(), members=members)
        for _lane in range(max(min(tunables.lanes(), len(chunks)), 1)):
            wave_work_task.delay_on_commit(wave.pk)
    return len(chunks)


def waves_requeue_stalled(*, now: dt.datetime, stalled_after: dt.timedelta | None = None) -> list[int]:
    """Queue the work of waves with running runs on which nothing was done for a while: their
    task was lost with a killed worker. Planning and chunks are idempotent, so a wave queued
    twice loses nothing and does nothing twice."""
    from ..tasks import wave_plan_task, wave_work_task

    cutoff = now - (tunables.stalled_after() if stalled_after is None else stalled_after)
    requeued = []
    waves = Wave.objects.filter(
        Exists(Run.objects.filter(wave=OuterRef("pk"), status=RunStatus.RUNNING))
    ).annotate(last_done=Max("chunks__runs__done_at"))
    for wave in waves:
        if wave.planned_at is None:
            if wave.created_at <= cutoff:
                wave_plan_task.delay_on_commit(wave.pk)
                requeued.append(wave.pk)
            continue
        if (wave.last_done or wave.planned_at) <= cutoff:
            for _lane in range(tunables.lanes()):
                wave_work_task.delay_on_commit(wave.pk)
            requeued.append(wave.pk)
    return requeued
