"""Profiles follow billing ingestion: one task per batch, after commit, with the batch's members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from club.profiles import tasks
from club.profiles.models import MemberProfile
from rewards.billing import listeners
from rewards.billing.services import billing_events_ingest
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The member ids of every refresh task sent (the task still runs, eagerly)."""
    sent: list[list[int]] = []
    original = tasks.profiles_refresh_members_task.delay_on_commit

    def record(member_ids):
        sent.append(list(member_ids))
        return original(member_ids)

    monkeypatch.setattr(tasks.profiles_refresh_members_task, "delay_on_commit", record)
    return sent


def _top_up(member, index: int, days_ago: int, amount: str = "20000") -> dict:
    occurred = timezone.now() - dt.timedelta(days=days_ago)
    return {"event_id": f"inc-{member.pk}-{index}", "kind": "top_up", "msisdn": member.msisdn,
            "amount": amount, "channel": "card", "occurred_at": occurred.isoformat()}


def test_an_ingested_batch_refreshes_its_members_after_commit(queued, django_capture_on_commit_callbacks):
    members = [MemberFactory() for _ in range(3)]
    untouched = MemberFactory()
    events = [_top_up(member, index, days_ago=index + 1) for member in members[:2] for index in range(3)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        billing_events_ingest(events=events, source="api")
    assert MemberProfile.objects.count() == 0  # nothing before the commit
    # the commit: its callbacks run, and the task they queue with delay_on_commit runs too
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert queued == [sorted(member.pk for member in members[:2])]
    profiles = {row.member_id: row for row in MemberProfile.objects.all()}
    assert set(profiles) == {members[0].pk, members[1].pk}
    assert profiles[members[0].pk].top_ups_3m == 3
    assert profiles[members[0].pk].top_up_amount_3m == Decimal("60000")
    assert profiles[members[0].pk].mean_days_between_top_ups == Decimal("1.00")
    assert untouched.pk not in profiles and members[2].pk not in profiles


def test_one_task_for_a_batch_of_many_events(queued, django_capture_on_commit_callbacks):
    members = [MemberFactory() for _ in range(4)]
    events = [_top_up(members[index % 4], index, days_ago=1 + index % 60) for index in range(200)]

    with django_capture_on_commit_callbacks(execute=True):
        billing_events_ingest(events=events, source="api")

    assert queued == [sorted(member.pk for member in members)]
    assert sorted(MemberProfile.objects.values_list("top_ups_3m", flat=True)) == [50, 50, 50, 50]


def test_duplicates_only_queue_nothing(queued, django_capture_on_commit_callbacks):
    member = MemberFactory()
    events = [_top_up(member, 1, days_ago=2)]
    with django_capture_on_commit_callbacks(execute=True):
        billing_events_ingest(events=events, source="api")

    with django_capture_on_commit_callbacks(execute=True):
        billing_events_ingest(events=events, source="api")

    assert queued == [[member.pk]]


def test_a_batch_that_rolls_back_queues_nothing(queued, django_capture_on_commit_callbacks):
    member = MemberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            billing_events_ingest(events=[_top_up(member, 1, days_ago=2)], source="api")
            raise RuntimeError("the caller's transaction fails")

    assert queued == []
    assert not MemberProfile.objects.exists()


def test_the_listener_adds_no_statement_to_the_ingest(monkeypatch):
    """Collecting the ids costs no query: the same batch shape runs as many statements with the
    profiles' listener registered as without it, and nothing is queued before the commit."""
    first, second = MemberFactory(), MemberFactory()
    calls = []
    monkeypatch.setattr(tasks.profiles_refresh_members_task, "delay_on_commit", calls.append)

    with CaptureQueriesContext(connection) as with_listener:
        billing_events_ingest(events=[_top_up(first, 1, days_ago=2)], source="api")
    monkeypatch.setattr(listeners, "_LISTENERS", [])
    with CaptureQueriesContext(connection) as without_listener:
        billing_events_ingest(events=[_top_up(second, 1, days_ago=2)], source="api")

    assert len(with_listener.captured_queries) == len(without_listener.captured_queries)
    assert calls == []  # the test's transaction never commits
