"""The beat tick: which campaigns are due, one run per occurrence, waves and priority."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from campaigns.contact.models import Delivery, Suppression
from campaigns.sends.models import Run, RunStatus, Wave
from campaigns.sends.services import sends_tick, waves_requeue_stalled

from .conftest import NOW, campaign, delivery_ids, member, members, policy, run_of

pytestmark = pytest.mark.django_db(transaction=True)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HCM)


def test_a_due_one_shot_campaign_is_sent_once_however_many_ticks_come(queued):
    policy()
    audience = members(10)
    c = campaign()

    first = sends_tick(now=NOW)
    second = sends_tick(now=NOW + dt.timedelta(minutes=1))

    run = run_of(c)
    assert first.runs == [run.pk] and second.runs == []
    assert run.status == RunStatus.DONE and run.delivered == 10
    assert Wave.objects.get().chunks.count() == 3  # 10 members in chunks of 4
    assert sorted(Delivery.objects.values_list("member_id", flat=True)) == sorted(m.pk for m in audience)
    assert sorted(i for batch in queued for i in batch) == delivery_ids()


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"live": False}, id="draft"),
        pytest.param({"go_live_at": NOW + dt.timedelta(hours=1)}, id="goes-live-later"),
        pytest.param({"expire_at": NOW - dt.timedelta(seconds=1)}, id="expired"),
        pytest.param({"send_at": NOW + dt.timedelta(minutes=5)}, id="send-time-to-come"),
    ],
)
def test_campaigns_not_live_or_not_yet_due_are_not_sent(fields):
    policy()
    member()
    campaign(**fields)
    report = sends_tick(now=NOW)
    assert report.wave_id is None and Run.objects.count() == 0 and Delivery.objects.count() == 0


def test_each_occurrence_of_a_recurring_campaign_is_sent_once():
    policy()
    member()
    c = campaign(schedule_kind="recurring", cron="0 10 * * *")

    sends_tick(now=local(2026, 11, 24, 9, 59))
    sends_tick(now=local(2026, 11, 24, 10, 0))
    sends_tick(now=local(2026, 11, 24, 10, 3))  # a late or repeated tick
    sends_tick(now=local(2026, 11, 25, 10, 0))

    occurrences = Run.objects.filter(campaign=c).order_by("occurrence").values_list("occurrence", flat=True)
    assert list(occurrences) == ["2026-11-24T10:00", "2026-11-25T10:00"]
    assert sorted(Delivery.objects.values_list("occurrence", flat=True)) == [
        "2026-11-24T10:00", "2026-11-25T10:00"]


def test_a_triggered_campaign_reaches_the_members_whose_moment_it_is():
    policy()
    birthday = [member(birth_date=dt.date(1990, 11, 24)) for _ in range(3)]
    member(birth_date=dt.date(1990, 11, 25))
    member(birth_date=None)
    c = campaign(schedule_kind="triggered", trigger="birthday")

    sends_tick(now=local(2026, 11, 24, 8, 59))
    assert Run.objects.count() == 0
    sends_tick(now=local(2026, 11, 24, 9, 0))
    sends_tick(now=local(2026, 11, 24, 15, 0))

    run = run_of(c, "2026-11-24")
    assert run.delivered == 3 and Run.objects.count() == 1
    assert sorted(Delivery.objects.values_list("member_id", flat=True)) == sorted(m.pk for m in birthday)


def test_campaigns_due_in_one_tick_share_a_wave_and_the_higher_priority_takes_the_last_slot():
    policy(portal_max=1, portal_window_days=7)
    audience = members(6)
    low = campaign(priority=10)
    high = campaign(priority=90)

    report = sends_tick(now=NOW)

    assert set(Run.objects.values_list("wave_id", flat=True)) == {report.wave_id}
    assert Delivery.objects.filter(campaign=high).count() == len(audience)
    assert Delivery.objects.filter(campaign=low).count() == 0
    assert set(Suppression.objects.filter(campaign=low).values_list("reason", flat=True)) == {"channel_cap"}
    assert run_of(low).suppressed == {"channel_cap": 6} and run_of(high).delivered == 6


def test_a_run_whose_campaign_is_unpublished_is_cancelled(no_lanes):
    policy()
    members(5)
    c = campaign()
    sends_tick(now=NOW)
    assert run_of(c).status == RunStatus.RUNNING

    c.live = False
    c.save()
    report = sends_tick(now=NOW + dt.timedelta(minutes=1))

    assert report.cancelled == [run_of(c).pk] and run_of(c).status == RunStatus.CANCELLED
    assert Delivery.objects.count() == 0


def test_a_stalled_wave_is_queued_again_and_finishes(no_lanes):
    policy()
    members(9)
    c = campaign()
    sends_tick(now=NOW)  # its lanes are lost (a killed worker)
    assert run_of(c).status == RunStatus.RUNNING

    no_lanes.release()
    soon = waves_requeue_stalled(now=dt.datetime.now(dt.UTC), stalled_after=dt.timedelta(minutes=5))
    assert soon == []  # planned a moment ago: not stalled yet
    later = waves_requeue_stalled(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6))

    assert later == [run_of(c).wave_id]
    assert run_of(c).status == RunStatus.DONE and Delivery.objects.count() == 9
