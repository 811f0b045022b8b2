"""Reads of the fan-out: which campaigns are live, who a run targets, how far a run got."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign
from club.members.models import Member

from .models import Run, RunChunk, RunStatus, Wave
from .triggers import trigger_filter


def campaigns_live(*, now: dt.datetime) -> QuerySet[Campaign]:
    """Published campaigns between their go-live and expiry times."""
    return Campaign.objects.filter(live=True).filter(
        Q(go_live_at__isnull=True) | Q(go_live_at__lte=now),
        Q(expire_at__isnull=True) | Q(expire_at__gt=now),
    )


def local_day(moment: dt.datetime) -> dt.date:
    """The operator's calendar day at ``moment``."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def wave_day(wave: Wave) -> dt.date:
    return local_day(wave.due_at)


def campaign_extra_filter(*, campaign: Campaign, occurrence: str) -> Q | None:
    """The condition a run adds to its audience: a triggered campaign's trigger, on its day."""
    if campaign.schedule_kind != "triggered" or not campaign.trigger:
        return None
    return trigger_filter(trigger=campaign.trigger, on=dt.date.fromisoformat(occurrence[:10]))


def campaign_members(*, campaign: Campaign, occurrence: str, on: dt.date) -> QuerySet[Member]:
    """The members a send of ``campaign`` targets: its audience, and its trigger if any."""
    from campaigns.audiences.selectors import audience_members

    members = audience_members(audience=campaign.audience, on=on)
    extra = campaign_extra_filter(campaign=campaign, occurrence=occurrence)
    return members if extra is None else members.filter(extra)


def run_members(*, run: Run, on: dt.date) -> QuerySet[Member]:
    return campaign_members(campaign=run.campaign, occurrence=run.occurrence, on=on)


@dataclass(frozen=True)
class RunTotals:
    chunks_total: int
    chunks_done: int
    delivered: int
    held_out: int
    suppressed: dict[str, int] = field(default_factory=dict)

    @property
    def suppressed_total(self) -> int:
        return sum(self.suppressed.values())


def run_totals(*, run_id: int) -> RunTotals:
    """A run's counts summed from its chunks (each written in the transaction of its deliveries)."""
    chunks_total = chunks_done = delivered = held_out = 0
    suppressed: Counter[str] = Counter()
    for done_at, part_delivered, part_held_out, reasons in RunChunk.objects.filter(run_id=run_id).values_list(
        "done_at", "delivered", "held_out", "suppressed"
    ):
        chunks_total += 1
        if done_at is None:
            continue
        chunks_done += 1
        delivered += part_delivered
        held_out += part_held_out
        suppressed.update(reasons)
    return RunTotals(chunks_total=chunks_total, chunks_done=chunks_done, delivered=delivered,
                     held_out=held_out, suppressed=dict(sorted(suppressed.items())))


@dataclass(frozen=True)
class RunProgress:
    run_id: int
    status: str
    planned: bool
    totals: RunTotals

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        total = self.totals.chunks_total
        return (100 * self.totals.chunks_done // total) if total else 0

    @property
    def processed(self) -> int:
        return self.totals.delivered + self.totals.held_out + self.totals.suppressed_total


def run_progress(*, run_id: int) -> RunProgress:
    """How far a run got: its status and its chunks' counts."""
    run = Run.objects.select_related("wave").only("pk", "status", "wave__planned_at").get(pk=run_id)
    return RunProgress(run_id=run_id, status=run.status, planned=run.wave.planned_at is not None,
                       totals=run_totals(run_id=run_id))
