"""The Redis gate's Lua check-and-reserve, and the single-member path that uses it."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.contact.models import Delivery, Suppression
from campaigns.contact.services import RunSlice, contact_reserve_member
from campaigns.contact.services.gate import (
    Check,
    Contact,
    client,
    delivery_entry,
    gate_release,
    gate_reserve,
    impression_entry,
    member_key,
)

from .factories import AT, campaign, member, policy

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

US = dt.timedelta(microseconds=1)
SECOND = dt.timedelta(seconds=1)

DAY = dt.timedelta(days=1)
EMPTY = lambda member_id, at: []  # noqa: E731 - a loader that finds nothing in PostgreSQL


def sms(campaign_id, occurrence, counts=True):
    return delivery_entry(channel="sms", counts=counts, campaign_id=campaign_id, occurrence=occurrence)


def past(channel, campaign_id=1, occurrence="past", counts=True, ago=DAY):
    if channel == "view":
        return Contact(AT - ago, "view", counts, delivery_id=campaign_id)
    return Contact(AT - ago, channel, counts, campaign_id, occurrence)


def test_a_missing_set_is_loaded_through_the_loader_first():
    calls = []

    def loader(member_id, at):
        calls.append(member_id)
        return [past("sms", 1, "old")]

    answer = gate_reserve(member_id=7, at=AT, checks=[Check("ch", 7 * DAY, 1, "channel_cap", "s")],
                          entries=[sms(2, "new")], loader=loader)
    assert (answer.added, answer.refused_by.reason, calls) == (0, "channel_cap", [7])
    assert client().exists(member_key(7))


WEEK_SMS_CAP_1 = Check("ch", 7 * DAY, 1, "channel_cap", "s")
WEEK_SMS_CAP_2 = Check("ch", 7 * DAY, 2, "channel_cap", "s")
WEEK_FATIGUE_2 = Check("fa", 7 * DAY, 2, "fatigue_cap")


@pytest.mark.parametrize(
    ("check", "existing", "entry", "accepted"),
    [
        pytest.param(WEEK_SMS_CAP_2, [past("sms", 1), past("sms", 2)], sms(3, "c"), False, id="channel-full"),
        pytest.param(WEEK_SMS_CAP_2, [past("sms", 1), past("sms", 2, counts=False)], sms(3, "c"), True,
                     id="channel-exempt-not-counted"),
        pytest.param(Check("ch", 7 * DAY, 1, "channel_cap", "e"), [past("sms", 1)], sms(3, "c"), True,
                     id="other-channel"),
        pytest.param(WEEK_SMS_CAP_1, [past("sms", 1, ago=7 * DAY)], sms(3, "c"), True,
                     id="window-start-excluded"),
        pytest.param(WEEK_SMS_CAP_1, [past("sms", 1, ago=7 * DAY - US)], sms(3, "c"), True,
                     id="window-start-plus-a-microsecond-not-seen-to-the-second"),
        pytest.param(WEEK_SMS_CAP_1, [past("sms", 1, ago=7 * DAY - SECOND)], sms(3, "c"), False,
                     id="window-start-plus-a-second"),
        pytest.param(WEEK_FATIGUE_2, [past("sms", 1), past("view", 9)], sms(3, "c"), False,
                     id="fatigue-counts-impressions"),
        pytest.param(WEEK_FATIGUE_2, [past("sms", 1), past("portal", 4)], sms(3, "c"), True,
                     id="fatigue-ignores-unseen-portal"),
        pytest.param(Check("cw", 7 * DAY, 2, "campaign_cap"), [past("sms", 5, "a"), past("email", 5, "a")],
                     sms(5, "c"), True, id="campaign-counts-occurrences-not-channels"),
        pytest.param(Check("cw", 7 * DAY, 2, "campaign_cap"), [past("sms", 5, "a"), past("sms", 5, "b")],
                     sms(5, "c"), False, id="campaign-full"),
        pytest.param(Check("cw", 7 * DAY, 1, "campaign_cap"), [past("sms", 55, "a"), past("sms", 5, "c")],
                     delivery_entry(channel="email", counts=True, campaign_id=5, occurrence="c"), True,
                     id="campaign-same-occurrence-and-other-campaign"),
        pytest.param(Check("cw", dt.timedelta(hours=24), 1, "min_gap"), [past("sms", 5, "a", ago=DAY)],
                     sms(5, "c"), True, id="gap-elapsed"),
    ],
)
def test_checks(check, existing, entry, accepted):
    answer = gate_reserve(member_id=1, at=AT, checks=[check], entries=[entry], loader=lambda m, at: existing)
    assert (answer.added == 1) is accepted
    assert (answer.refused_by is None) is accepted


def test_entries_are_added_in_order_while_they_fit_and_an_entry_already_there_is_not_counted_twice():
    check = Check("fa", 7 * DAY, 2, "fatigue_cap")
    views = [impression_entry(delivery_id=i, counts=True) for i in (1, 2, 3)]
    assert gate_reserve(member_id=1, at=AT, checks=[check], entries=views, loader=EMPTY).added == 2
    assert gate_reserve(member_id=1, at=AT, checks=[check], entries=views[:2], loader=EMPTY).added == 2


def test_a_released_delivery_frees_its_slot_and_its_occurrence():
    checks = [Check("ch", 7 * DAY, 1, "channel_cap", "s"), Check("cw", 7 * DAY, 1, "campaign_cap")]
    assert gate_reserve(member_id=1, at=AT, checks=checks, entries=[sms(5, "a")], loader=EMPTY).added == 1
    assert gate_reserve(member_id=1, at=AT, checks=checks, entries=[sms(5, "b")]).added == 0
    gate_release(member_id=1, entries=[sms(5, "a")])
    assert gate_reserve(member_id=1, at=AT, checks=checks, entries=[sms(5, "b")]).added == 1


def test_the_single_member_path_refuses_from_the_gate_and_records_the_reason():
    policy(sms_max=1)
    target = member()
    first, second, third = (campaign(send_portal=False, send_sms=True) for _ in range(3))
    assert contact_reserve_member(run_slice=RunSlice(first, "t"), member_id=target.pk, at=AT).delivered == 1
    outcome = contact_reserve_member(run_slice=RunSlice(second, "t"), member_id=target.pk, at=AT)
    assert outcome.suppressed == {"channel_cap": 1}
    assert Suppression.objects.get(campaign=second).detail == "refused by the Redis gate"
    # the gate lost everything (flush): PostgreSQL still refuses
    client().delete(member_key(target.pk))
    assert contact_reserve_member(run_slice=RunSlice(third, "t"), member_id=target.pk, at=AT).suppressed == {
        "channel_cap": 1
    }
    assert Delivery.objects.count() == 1


def test_the_single_member_path_trusts_postgres_over_a_gate_that_says_yes():
    policy(sms_max=1)
    target = member()
    first, second = (campaign(send_portal=False, send_sms=True) for _ in range(2))
    contact_reserve_member(run_slice=RunSlice(first, "t"), member_id=target.pk, at=AT)
    # a stale set that has forgotten the first SMS (e.g. restored from an old snapshot)
    client().delete(member_key(target.pk))
    client().zadd(member_key(target.pk), {"~": float("inf")})
    outcome = contact_reserve_member(run_slice=RunSlice(second, "t"), member_id=target.pk, at=AT)
    assert outcome.suppressed == {"channel_cap": 1}
    assert Suppression.objects.get(campaign=second).detail == ""
    assert Delivery.objects.count() == 1
