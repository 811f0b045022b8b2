"""impressions_record and the inbox: a portal offer counts once the member sees it, within
the fatigue cap and the member's own limit; PostgreSQL has the last word over the gate."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.contact.models import Delivery
from campaigns.contact.selectors import member_inbox
from campaigns.contact.services import deliveries_send, impressions_record
from campaigns.contact.services import gate as gate_module

from .factories import AT, campaign, member, policy
from .test_reserve import reserve

pytestmark = pytest.mark.django_db

LATER = AT + dt.timedelta(hours=1)


def inbox_offers(target, count, **fields):
    ids = []
    for _ in range(count):
        c = campaign(**fields)
        ids.extend(reserve(c, members=[target])[c.pk].delivery_ids)
    deliveries_send(delivery_ids=ids, now=AT)
    return ids


def test_offers_over_the_fatigue_cap_are_not_shown_and_seen_ones_count_once():
    policy(fatigue_max=2)
    target = member()
    ids = inbox_offers(target, 3)
    first = impressions_record(member_id=target.pk, delivery_ids=ids, at=LATER)
    assert (first.shown, first.refused) == (tuple(ids[:2]), (ids[2],))
    again = impressions_record(member_id=target.pk, delivery_ids=ids, at=LATER)
    assert (again.shown, again.refused) == (tuple(ids[:2]), (ids[2],))
    viewed = Delivery.objects.filter(viewed_at__isnull=False).order_by("id")
    assert list(viewed.values_list("id", flat=True)) == ids[:2]
    # a week later the two impressions have left the window
    week_later = impressions_record(
        member_id=target.pk, delivery_ids=[ids[2]], at=LATER + dt.timedelta(days=7)
    )
    assert week_later.shown == (ids[2],)


def test_the_members_weekly_limit_applies_to_what_they_see():
    policy()
    target = member(max_messages_per_week=1)
    ids = inbox_offers(target, 2)
    outcome = impressions_record(member_id=target.pk, delivery_ids=ids, at=LATER)
    assert outcome.refused == (ids[1],)


def test_a_service_message_that_does_not_count_is_always_shown():
    policy(fatigue_max=1)
    target = member()
    marketing = inbox_offers(target, 1)
    service = inbox_offers(target, 1, transactional=True, counts_toward_caps=False)
    impressions_record(member_id=target.pk, delivery_ids=marketing, at=LATER)
    assert impressions_record(member_id=target.pk, delivery_ids=service, at=LATER).shown == tuple(service)


def test_someone_elses_offers_are_ignored():
    policy()
    owner, other = member(), member()
    ids = inbox_offers(owner, 1)
    outcome = impressions_record(member_id=other.pk, delivery_ids=ids, at=LATER)
    assert (outcome.shown, outcome.refused) == ((), ())
    assert not Delivery.objects.filter(viewed_at__isnull=False).exists()


def test_the_inbox_lists_valid_offers_in_the_members_language():
    policy()
    target = member(language="vi")
    short = campaign(offer_valid_days=1, priority=10)
    long = campaign(offer_valid_days=30, priority=90)
    expired = campaign(expire_at=AT + dt.timedelta(hours=2))
    ids = [i for c in (short, long, expired) for i in reserve(c, members=[target])[c.pk].delivery_ids]
    deliveries_send(delivery_ids=ids, now=AT)
    impressions_record(member_id=target.pk, delivery_ids=[ids[1]], at=LATER)
    items = member_inbox(member_id=target.pk, language="vi", now=AT + dt.timedelta(hours=3))
    assert [(i.campaign_id, i.seen, i.title) for i in items] == [
        (long.pk, True, f"{long.name} (vi)"), (short.pk, False, f"{short.name} (vi)"),
    ]
    two_days_later = member_inbox(member_id=target.pk, language="vi", now=AT + dt.timedelta(days=2))
    assert [i.campaign_id for i in two_days_later] == [long.pk]


@pytest.mark.redis
def test_with_the_gate_a_member_at_the_cap_costs_no_write(django_assert_max_num_queries):
    policy(fatigue_max=1)
    target = member()
    ids = inbox_offers(target, 2)
    impressions_record(member_id=target.pk, delivery_ids=ids[:1], at=LATER)
    # deliveries, member's limit, policy; then the gate says no: no lock, no update
    with django_assert_max_num_queries(3):
        refused = impressions_record(member_id=target.pk, delivery_ids=ids[1:], at=LATER)
    assert refused.refused == (ids[1],)


@pytest.mark.redis
def test_the_gate_rebuilds_from_postgres_after_a_flush_and_postgres_has_the_last_word():
    policy(fatigue_max=2)
    target = member()
    ids = inbox_offers(target, 3)
    impressions_record(member_id=target.pk, delivery_ids=ids[:1], at=LATER)
    client = gate_module.client()
    client.delete(gate_module.member_key(target.pk))  # Redis lost it
    assert impressions_record(member_id=target.pk, delivery_ids=ids[1:], at=LATER).shown == (ids[1],)
    # a stale gate that lets everything through: PostgreSQL still refuses, and the gate is put back
    client.delete(gate_module.member_key(target.pk))
    client.zadd(gate_module.member_key(target.pk), {"~": float("inf")})
    assert impressions_record(member_id=target.pk, delivery_ids=ids[2:], at=LATER).refused == (ids[2],)
    entries = {e.decode() for e in client.zrange(gate_module.member_key(target.pk), 0, -1)}
    assert entries == {"~"}
