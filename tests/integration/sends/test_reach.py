"""Reach simulation: the real reservation, rolled back chunk by chunk, with the competition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.contact.models import ContactState, Delivery, Suppression
from campaigns.sends.models import SimulationStatus
from campaigns.sends.services import sends_tick
from campaigns.sends.services.reach import reach_simulation_request

from .conftest import NOW, campaign, members, policy, run_of

pytestmark = pytest.mark.django_db(transaction=True)


def simulate(c, at=None):
    simulation = reach_simulation_request(campaign=c, at=at or NOW)
    simulation.refresh_from_db()  # queued after commit and, in tests, run at once
    return simulation


def test_the_simulation_foretells_the_send_and_writes_nothing():
    policy(sms_max=2, sms_window_days=7)
    members(7)
    members(3, consent_marketing=False)
    members(2, consent_sms=False)
    draft = campaign(live=False, send_portal=False, send_sms=True)

    simulation = simulate(draft)

    assert simulation.status == SimulationStatus.DONE
    assert (simulation.targeted, simulation.delivered, simulation.held_out) == (12, 7, 0)
    assert simulation.suppressed == {"no_channel_consent": 2, "no_marketing_consent": 3}
    assert (Delivery.objects.count(), Suppression.objects.count(), ContactState.objects.count()) == (0, 0, 0)

    draft.live = True
    draft.save()
    sends_tick(now=NOW)
    run = run_of(draft)
    assert (run.delivered, run.held_out, run.suppressed) == (
        simulation.delivered, simulation.held_out, simulation.suppressed)


def test_the_latest_draft_is_simulated_not_the_published_version():
    policy()
    members(8)
    c = campaign()
    c.holdout_percent = Decimal(50)
    c.save_revision()  # a draft change, not published: the campaign row keeps 0%

    simulation = simulate(c)

    assert simulation.revision_id == c.latest_revision.pk
    assert simulation.held_out > 0 and simulation.delivered + simulation.held_out == 8


def test_campaigns_running_or_due_first_take_their_slots_first(no_lanes):
    policy(portal_max=1, portal_window_days=7)
    members(6)
    running = campaign(name="Running", priority=1)
    sends_tick(now=NOW)  # a run started (no chunk reserved yet)
    assert run_of(running).status == "running"
    now = timezone.now()
    due_earlier = campaign(name="Earlier", priority=1, send_at=now + dt.timedelta(hours=1))
    due_later = campaign(name="Later", priority=100, send_at=now + dt.timedelta(days=2))
    draft = campaign(name="Draft", live=False, priority=100)

    simulation = simulate(draft, at=now + dt.timedelta(hours=2))

    assert simulation.delivered == 0 and simulation.suppressed == {"channel_cap": 6}
    assert simulation.competitors == ["Running (once)", "Earlier (once)"]
    assert due_later.pk and due_earlier.pk and Delivery.objects.count() == 0


def test_a_campaign_due_in_the_same_minute_competes_by_priority():
    policy(portal_max=1, portal_window_days=7)
    members(5)
    at = timezone.now() + dt.timedelta(hours=3)
    campaign(name="Same minute, lower", priority=10, send_at=at)
    draft = campaign(name="Draft", live=False, priority=50, send_at=at)

    simulation = simulate(draft, at=at)

    assert simulation.delivered == 5 and simulation.suppressed == {}
