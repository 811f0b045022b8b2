"""Reach simulation: how many members a campaign would reach if it were sent at a given time,
and how many the caps would suppress, by reason.

It runs the real reservation (``contacts_reserve``), chunk by chunk, each chunk in a
transaction that is rolled back: nothing is written, nothing is sent, and the figures come
from the very SQL a send uses. Within a chunk, the campaigns that would reserve before it
(the runs still going, and the live campaigns due earlier) reserve first; those due in the
same minute reserve together with it, in priority order, as in a wave.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign

from ..models import ReachSimulation, Run, RunStatus, SimulationStatus
from ..schedule import ONCE
from ..selectors import campaign_extra_filter, campaign_members, campaigns_live, local_day
from . import settings as tunables
from .plan import member_ranges, schedule_facts

logger = logging.getLogger(__name__)
SIMULATED_OCCURRENCE = "simulation"


@dataclass(frozen=True)
class Competitor:
    campaign: Campaign
    occurrence: str
    at: dt.datetime


def reach_simulation_request(*, campaign: Campaign, at: dt.datetime | None = None, requested_by=None,
                             ) -> ReachSimulation:
    """Record a simulation of the campaign's latest draft and queue it once committed."""
    from ..tasks import reach_simulate_task

    with transaction.atomic():
        simulation = ReachSimulation.objects.create(
            campaign=campaign, revision=campaign.latest_revision, at=at or simulated_time(campaign),
            requested_by=requested_by,
        )
        reach_simulate_task.delay_on_commit(simulation.pk)
    return simulation


def simulated_time(campaign: Campaign, *, now: dt.datetime | None = None) -> dt.datetime:
    """When the campaign would next send (its draft's schedule), or now."""
    from ..schedule import next_send_time

    now = now or timezone.now()
    draft = _draft(campaign)
    upcoming = next_send_time(schedule_facts(draft), now=now, clock=tunables.operator_clock())
    return upcoming[0] if upcoming else now


def _draft(campaign: Campaign, revision=None) -> Campaign:
    revision = revision or campaign.latest_revision
    return revision.as_object() if revision is not None else campaign


def reach_competitors(*, campaign: Campaign, at: dt.datetime, now: dt.datetime) -> list[Competitor]:
    """The other campaigns that would reserve members by ``at``: unfinished runs (running or
    paused: they will go on), and live campaigns with an occurrence due between now and ``at``
    that has no run yet."""
    from ..schedule import next_send_time

    competitors = [
        Competitor(run.campaign, run.occurrence, run.created_at)
        for run in Run.objects.filter(status__in=[RunStatus.RUNNING, RunStatus.PAUSED])
        .exclude(campaign=campaign).select_related("campaign__audience")
    ]
    clock = tunables.operator_clock()
    taken = {(c.campaign.pk, c.occurrence) for c in competitors}
    for other in campaigns_live(now=at).exclude(pk=campaign.pk).select_related("audience"):
        upcoming = next_send_time(schedule_facts(other), now=now, clock=clock)
        if upcoming is None or upcoming[0] > at or (other.pk, upcoming[1]) in taken:
            continue
        if Run.objects.filter(campaign=other, occurrence=upcoming[1]).exists():
            continue
        competitors.append(Competitor(other, upcoming[1], upcoming[0]))
    return competitors


def _slice(campaign: Campaign, occurrence: str, within: Q | None):
    from campaigns.contact.services import RunSlice

    extra = campaign_extra_filter(campaign=campaign, occurrence=occurrence)
    if within is not None:
        extra = within if extra is None else extra & within
    return RunSlice(campaign=campaign, occurrence=occurrence, extra_filter=extra)


def reach_simulate(*, simulation_id: int) -> ReachSimulation | None:
    """Run a queued simulation (a repeat delivery of its task finds it taken and does nothing)."""
    if not ReachSimulation.objects.filter(pk=simulation_id, status=SimulationStatus.PENDING).update(
        status=SimulationStatus.RUNNING
    ):
        return None
    simulation = ReachSimulation.objects.select_related("campaign", "revision").get(pk=simulation_id)
    try:
        _simulate(simulation)
    except Exception as exc:  # the admin must see a finished simulation, whatever happened
        logger.exception("Reach simulation %s failed", simulation_id)
        ReachSimulation.objects.filter(pk=simulation_id).update(
            status=SimulationStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
    simulation.refresh_from_db()
    return simulation


def _simulate(simulation: ReachSimulation) -> None:
    from campaigns.contact.services import contacts_reserve

    draft = _draft(simulation.campaign, simulation.revision)
    at, now = simulation.at, timezone.now()
    occurrence = _simulated_occurrence(draft, at)
    audience = campaign_members(campaign=draft, occurrence=occurrence, on=local_day(at))
    # Only the draft's members matter: the others' reservations are narrowed to them.
    within = Q(pk__in=audience.values("pk"))
    competitors = reach_competitors(campaign=draft, at=at, now=now)
    minute = at.replace(second=0, microsecond=0)
    earlier = [_slice(c.campaign, c.occurrence, within) for c in competitors if c.at < minute]
    together = [_slice(c.campaign, c.occurrence, within) for c in competitors if c.at >= minute]
    own = _slice(draft, SIMULATED_OCCURRENCE, None)
    ranges, targeted = member_ranges(audience, size=tunables.chunk_size())
    ReachSimulation.objects.filter(pk=simulation.pk).update(
        chunks_total=len(ranges), targeted=targeted,
        competitors=[f"{c.campaign.name} ({c.occurrence})" for c in competitors],
    )
    delivered = held_out = 0
    suppressed: Counter[str] = Counter()
    for done, (low, high) in enumerate(ranges, start=1):
        with transaction.atomic():
            if earlier:
                contacts_reserve(slices=earlier, id_from=low, id_to=high, at=at)
            outcome = contacts_reserve(slices=[*together, own], id_from=low, id_to=high, at=at)[draft.pk]
            transaction.set_rollback(True)
        delivered += outcome.delivered
        held_out += outcome.held_out
        suppressed.update({reason: n for reason, n in outcome.suppressed.items() if n})
        ReachSimulation.objects.filter(pk=simulation.pk).update(chunks_done=done)
    ReachSimulation.objects.filter(pk=simulation.pk).update(
        status=SimulationStatus.DONE, finished_at=timezone.now(), delivered=delivered, held_out=held_out,
        suppressed=dict(sorted(suppressed.items())),
    )


def _simulated_occurrence(campaign: Campaign, at: dt.datetime) -> str:
    """The occurrence key the campaign would send at ``at`` (a triggered one: that day's)."""
    if campaign.schedule_kind == "triggered":
        return local_day(at).isoformat()
    return ONCE
