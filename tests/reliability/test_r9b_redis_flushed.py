"""r9b: the r9 workload with the Redis gate's keys flushed twice mid-run: still no member over
any cap. The single-member path and impressions go through the gate for real (it refuses
members at a cap without a database write), and a control run shows that an implementation
trusting the gate after a flush (a missing set read as "no contacts", no PostgreSQL check)
does go over the caps in the same workload: the test would catch it."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.contact.models import ContactPolicy, Delivery, Suppression
from campaigns.contact.services import SliceOutcome
from campaigns.contact.services import gate as gate_module
from campaigns.contact.services.member import channel_checks
from club.members.models import Member
from tests.reliability import contact_load as load_module
from tests.reliability.contact_load import gate_settings  # noqa: F401 - a fixture

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

FLUSH_AT = (0.3, 0.6)


@pytest.mark.usefixtures("gate_settings")
def test_r9b_redis_flushed_mid_run_never_lets_a_member_over_a_cap():
    load = load_module.setup_load(members=2000, cohort=400)
    figures = load_module.run_load(load, flush_at=FLUSH_AT)
    over = load_module.violations(load)
    print(
        f"\nr9b: {load_module.WORKERS} workers x {len(load.campaigns)} campaigns x "
        f"{len(load.member_ids)} members, gate keys flushed at {FLUSH_AT} of the tasks "
        f"({figures.flushed_keys} keys): {figures.reserved} deliveries, {figures.failed} failed, "
        f"gate refusals {load_module.gate_refusals()}, {figures.impressions} impressions "
        f"({figures.impressions_refused} refused), members over a cap {sum(over.values())}, "
        f"errors {len(figures.errors)}, {figures.seconds:.1f} s"
    )
    assert figures.errors == []
    assert len(figures.flushed_keys) == 2 and min(figures.flushed_keys) > 0
    assert over == dict.fromkeys(over, 0)
    assert load_module.gate_refusals() > 0


def trusting_reserve_member(*, run_slice, member_id: int, at: dt.datetime) -> SliceOutcome:
    """What the test must catch: the gate's answer taken as final, and a set Redis lost read
    as "no contacts" (no rebuild, no check in PostgreSQL)."""
    campaign = run_slice.campaign
    weekly_limit = Member.objects.filter(pk=member_id).values_list("max_messages_per_week", flat=True).get()
    checks = channel_checks(
        run_slice=run_slice, channel="sms", policy=ContactPolicy.load(), weekly_limit=weekly_limit
    )
    entry = gate_module.delivery_entry(
        channel="sms", counts=True, campaign_id=campaign.pk, occurrence=run_slice.occurrence
    )
    answer = gate_module.gate_reserve(
        member_id=member_id, at=at, checks=checks, entries=[entry], loader=lambda member_id, at: []
    )
    key = {"campaign": campaign, "member_id": member_id, "occurrence": run_slice.occurrence, "channel": "sms"}
    if answer.added:
        delivery, _created = Delivery.objects.get_or_create(**key, defaults={"reserved_at": at})
        return SliceOutcome(delivered=1, held_out=0, suppressed={}, delivery_ids=(delivery.pk,))
    Suppression.objects.get_or_create(**key, defaults={"reason": answer.refused_by.reason, "at": at})
    return SliceOutcome(delivered=0, held_out=0, suppressed={answer.refused_by.reason: 1})


@pytest.mark.usefixtures("gate_settings")
def test_r9b_control_an_implementation_trusting_a_flushed_gate_is_caught():
    load = load_module.setup_load(members=600, cohort=300)
    figures = load_module.run_load(load, member_path=trusting_reserve_member, flush_at=FLUSH_AT)
    over = load_module.violations(load)
    print(
        f"\nr9b control (gate trusted after a flush): members over a cap {sum(over.values())} "
        f"({ {k: v for k, v in over.items() if v} }), {figures.seconds:.1f} s"
    )
    assert figures.errors == []
    assert over["sms_cap"] > 0 and over["C6_window"] > 0
