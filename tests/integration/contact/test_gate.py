"""The Redis gate's Lua check-and-reserve, and the single-member path that uses it."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.contact.models import Delivery, Suppression
from campaigns.contact.services import RunSlice, contact_reserve_member
from campaigns.contact.services.gate import (
    Check,
    client,
    delivery_entry,
    gate_reserve,
    impression_entry,
    member_key,
)

from .factories import AT, campaign, member, policy

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

DAY = dt.timedelta(days=1)
EMPTY = lambda member_id, at: []  # noqa: E731 - a loader that finds nothing in PostgreSQL


def sms(campaign_id, occurrence, counts=True):
    return delivery_entry(channel="sms", counts=counts, campaign_id=campaign_id, occurrence=occurrence)


def test_a_missing_set_is_loaded_through_the_loader_first():
    calls = []

    def loader(member_id, at):
        calls.append(member_id)
        return [(int((AT - DAY).timestamp() * 1000), sms(1, "old"))]

    answer = gate_reserve(member_id=7, at=AT, checks=[Check("ch", 7 * DAY, 1, "channel_cap", "s")],
                          entries=[sms(2, "new")], loader=loader)
    assert (answer.added, answer.refused_by.reason, calls) == (0, "channel_cap", [7])
    assert client().exists(member_key(7))


@pytest.mark.parametrize(
    ("check", "existing", "entry", "accepted"),
    [
        pytest.param(Check("ch", 7 * DAY, 2, "channel_cap", "s"), [sms(1, "a"), sms(2, "b")], sms(3, "c"),
                     False, id="channel-full"),
        pytest.param(Check("ch", 7 * DAY, 2, "channel_cap", "s"), [sms(1, "a"), sms(2, "b", counts=False)],
                     sms(3, "c"), True, id="channel-exempt-not-counted"),
        pytest.param(Check("ch", 7 * DAY, 1, "channel_cap", "e"), [sms(1, "a")], sms(3, "c"), True,
                     id="other-channel"),
        pytest.param(Check("fa", 7 * DAY, 2, "fatigue_cap"),
                     [sms(1, "a"), impression_entry(delivery_id=9, counts=True)], sms(3, "c"), False,
                     id="fatigue-counts-impressions"),
        pytest.param(Check("fa", 7 * DAY, 2, "fatigue_cap"),
                     [sms(1, "a"), delivery_entry(channel="portal", counts=True, campaign_id=4,
                                                  occurrence="x")],
                     sms(3, "c"), True, id="fatigue-ignores-unseen-portal"),
        pytest.param(Check("cw", 7 * DAY, 2, "campaign_cap", "5|c"),
                     [sms(5, "a"), delivery_entry(channel="email", counts=True, campaign_id=5,
                                                  occurrence="a")],
                     sms(5, "c"), True, id="campaign-counts-occurrences-not-channels"),
        pytest.param(Check("cw", 7 * DAY, 2, "campaign_cap", "5|c"), [sms(5, "a"), sms(5, "b")], sms(5, "c"),
                     False, id="campaign-full"),
        pytest.param(Check("cw", 7 * DAY, 1, "campaign_cap", "5|c"), [sms(55, "a"), sms(5, "c")],
                     delivery_entry(channel="email", counts=True, campaign_id=5, occurrence="c"), True,
                     id="campaign-same-occurrence-and-other-campaign"),
    ],
)
def test_checks(check, existing, entry, accepted):
    load = lambda member_id, at: [(int((AT - DAY).timestamp() * 1000), name) for name in existing]  # noqa: E731
    answer = gate_reserve(member_id=1, at=AT, checks=[check], entries=[entry], loader=load)
    assert (answer.added == 1) is accepted
    assert (answer.refused_by is None) is accepted


def test_windows_are_rolling_and_exclusive_at_their_start():
    at_ms = int(AT.timestamp() * 1000)
    week_ago = at_ms - 7 * 86_400_000
    load = lambda member_id, at: [(week_ago, sms(1, "a")), (week_ago + 1, sms(2, "b"))]  # noqa: E731
    check = Check("ch", 7 * DAY, 1, "channel_cap", "s")
    assert gate_reserve(member_id=1, at=AT, checks=[check], entries=[sms(3, "c")], loader=load).added == 0
    later = AT + dt.timedelta(milliseconds=1)
    assert gate_reserve(member_id=1, at=later, checks=[check], entries=[sms(3, "c")], loader=load).added == 1


def test_entries_are_added_in_order_while_they_fit_and_an_entry_already_there_is_not_counted_twice():
    check = Check("fa", 7 * DAY, 2, "fatigue_cap")
    views = [impression_entry(delivery_id=i, counts=True) for i in (1, 2, 3)]
    assert gate_reserve(member_id=1, at=AT, checks=[check], entries=views, loader=EMPTY).added == 2
    assert gate_reserve(member_id=1, at=AT, checks=[check], entries=views[:2], loader=EMPTY).added == 2


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
