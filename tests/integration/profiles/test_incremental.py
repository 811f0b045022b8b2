"""Profiles follow billing ingestion: each committed batch asks for its members' refresh (one
row each), and a drain answers every request so far with one pipeline run per claim of rows."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from club.profiles import tasks
from club.profiles.models import MemberProfile, PendingRefresh
from club.profiles.services import pending
from rewards.billing import listeners
from rewards.billing.services import billing_events_ingest
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(monkeypatch):
    """The member ids of every pipeline run a drain makes (the runs still happen)."""
    seen: list[list[int]] = []
    original = pending.pipeline_run

    def record(*, member_ids, on):
        seen.append(list(member_ids))
        return original(member_ids=member_ids, on=on)

    monkeypatch.setattr(pending, "pipeline_run", record)
    return seen


@pytest.fixture
def no_wake(monkeypatch):
    """Requests are recorded but no drain is queued: the test drains by hand."""
    monkeypatch.setattr(pending, "profiles_refresh_wake", lambda: None)


def _top_up(member, index: int, days_ago: int, amount: str = "20000") -> dict:
    occurred = timezone.now() - dt.timedelta(days=days_ago)
    return {"event_id": f"inc-{member.pk}-{index}", "kind": "top_up", "msisdn": member.msisdn,
            "amount": amount, "channel": "card", "occurred_at": occurred.isoformat()}


def test_an_ingested_batch_refreshes_its_members_after_commit(runs, django_capture_on_commit_callbacks):
    members = [MemberFactory() for _ in range(3)]
    untouched = MemberFactory()
    events = [_top_up(member, index, days_ago=index + 1) for member in members[:2] for index in range(3)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        billing_events_ingest(events=events, source="api")
    assert MemberProfile.objects.count() == 0 and PendingRefresh.objects.count() == 0  # before the commit
    # the commit: the listener asks, and the drain it wakes runs at once (eager Celery)
    for callback in callbacks:
        callback()

    assert runs == [sorted(member.pk for member in members[:2])]
    assert PendingRefresh.objects.count() == 0  # answered
    profiles = {row.member_id: row for row in MemberProfile.objects.all()}
    assert set(profiles) == {members[0].pk, members[1].pk}
    assert profiles[members[0].pk].top_ups_3m == 3
    assert profiles[members[0].pk].top_up_amount_3m == Decimal("60000")
    assert profiles[members[0].pk].mean_days_between_top_ups == Decimal("1.00")
    assert untouched.pk not in profiles and members[2].pk not in profiles


def test_many_batches_coalesce_into_one_pipeline_run(runs, no_wake, django_capture_on_commit_callbacks):
    """Ten batches over the same four members leave 40 requests; one drain answers them all
    with one run over the four members (the old design ran the pipeline ten times)."""
    members = [MemberFactory() for _ in range(4)]
    for batch in range(10):
        events = [_top_up(members[index % 4], batch * 20 + index, days_ago=1 + index) for index in range(20)]
        with django_capture_on_commit_callbacks(execute=True):
            billing_events_ingest(events=events, source="api")
    assert PendingRefresh.objects.count() == 40 and runs == []

    run = pending.profiles_refresh_pending_drain()

    assert (run.claims, run.rows, run.members) == (1, 40, 4)
    assert runs == [sorted(member.pk for member in members)]
    assert PendingRefresh.objects.count() == 0
    assert sorted(MemberProfile.objects.values_list("top_ups_3m", flat=True)) == [50, 50, 50, 50]


def test_a_claim_takes_every_request_of_the_members_asked_for_longest_ago(runs, no_wake):
    members = [MemberFactory() for _ in range(5)]
    pending.profiles_refresh_request([member.pk for member in members])
    pending.profiles_refresh_request([members[0].pk])

    run = pending.profiles_refresh_pending_drain(claim_members=2)

    assert (run.claims, run.rows, run.members) == (3, 6, 5)  # member 0's two requests in one claim
    assert runs == [[members[0].pk, members[1].pk], [members[2].pk, members[3].pk], [members[4].pk]]
    assert PendingRefresh.objects.count() == 0


def test_a_claim_answers_at_most_claim_rows_requests(runs, no_wake):
    member = MemberFactory()
    for _ in range(3):
        pending.profiles_refresh_request([member.pk])

    run = pending.profiles_refresh_pending_drain(claim_rows=2)

    assert (run.claims, run.rows) == (2, 3)  # the third request waits for the next claim
    assert runs == [[member.pk], [member.pk]]


def test_a_drain_past_its_time_queues_its_successor_and_ends(monkeypatch, runs, no_wake):
    queued: list[int] = []
    monkeypatch.setattr(tasks.profiles_refresh_drain_task, "delay", lambda: queued.append(1))
    members = [MemberFactory() for _ in range(2)]
    pending.profiles_refresh_request([member.pk for member in members])

    run = pending.profiles_refresh_pending_drain(claim_members=1, seconds=0)

    assert (run.claims, queued) == (1, [1])  # one claim always; then the rest goes to the queue
    assert list(PendingRefresh.objects.values_list("member_id", flat=True)) == [members[1].pk]


def test_duplicates_only_ask_nothing(no_wake, django_capture_on_commit_callbacks):
    member = MemberFactory()
    events = [_top_up(member, 1, days_ago=2)]
    with django_capture_on_commit_callbacks(execute=True):
        billing_events_ingest(events=events, source="api")
    with django_capture_on_commit_callbacks(execute=True):
        billing_events_ingest(events=events, source="api")

    assert list(PendingRefresh.objects.values_list("member_id", flat=True)) == [member.pk]


def test_a_batch_that_rolls_back_asks_nothing(django_capture_on_commit_callbacks):
    member = MemberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            billing_events_ingest(events=[_top_up(member, 1, days_ago=2)], source="api")
            raise RuntimeError("the caller's transaction fails")

    assert not PendingRefresh.objects.exists()
    assert not MemberProfile.objects.exists()


def test_the_listener_adds_no_statement_to_the_ingest():
    """Collecting the ids costs no query inside the batch: the same batch shape runs as many
    statements with the profiles' listener registered as without it (the request is written
    after the commit, which the test's transaction never reaches)."""
    first, second = MemberFactory(), MemberFactory()

    with CaptureQueriesContext(connection) as with_listener:
        billing_events_ingest(events=[_top_up(first, 1, days_ago=2)], source="api")
    saved = list(listeners._LISTENERS)
    listeners._LISTENERS.clear()
    try:
        with CaptureQueriesContext(connection) as without_listener:
            billing_events_ingest(events=[_top_up(second, 1, days_ago=2)], source="api")
    finally:
        listeners._LISTENERS[:] = saved

    assert len(with_listener.captured_queries) == len(without_listener.captured_queries)
    assert not PendingRefresh.objects.exists()


def test_a_listener_that_raises_does_not_undo_the_batch_nor_silence_the_others(
    monkeypatch, no_wake, django_capture_on_commit_callbacks
):
    """Billing's listeners run after the batch's commit: one that raises is logged and the
    next one still runs (here the profiles' request, registered after the failing one)."""
    member = MemberFactory()

    def broken(member_ids):
        raise RuntimeError("a listener's own failure")

    monkeypatch.setattr(listeners, "_LISTENERS", [broken, *listeners._LISTENERS])
    with django_capture_on_commit_callbacks(execute=True):
        report = billing_events_ingest(events=[_top_up(member, 1, days_ago=2)], source="api")

    assert report.counts["applied"] == 1
    assert list(PendingRefresh.objects.values_list("member_id", flat=True)) == [member.pk]


def test_a_failed_drain_rolls_back_and_leaves_its_requests(monkeypatch, no_wake):
    members = [MemberFactory() for _ in range(2)]
    pending.profiles_refresh_request([member.pk for member in members])

    def killed(*, member_ids, on):
        MemberProfile.objects.create(member=members[0], as_of=on, refreshed_at=timezone.now())
        raise RuntimeError("the worker died mid-run")

    with monkeypatch.context() as patch:
        patch.setattr(pending, "pipeline_run", killed)
        with pytest.raises(RuntimeError):
            pending.profiles_refresh_pending_drain()
    assert PendingRefresh.objects.count() == 2 and not MemberProfile.objects.exists()  # rolled back

    assert pending.profiles_refresh_pending_drain().rows == 2
    assert MemberProfile.objects.count() == 2 and not PendingRefresh.objects.exists()


def test_the_wake_up_queues_one_drain_until_a_drain_starts(monkeypatch, settings):
    settings.PROFILES_REFRESH_WAKE_SECONDS = 0  # no per-process coalescing: the cache flag alone
    queued: list[int] = []
    monkeypatch.setattr(tasks.profiles_refresh_drain_task, "delay", lambda: queued.append(1))
    member = MemberFactory()

    pending.profiles_refresh_request([member.pk])
    pending.profiles_refresh_request([member.pk])
    assert len(queued) == 1  # the second finds a drain queued that has not started
    pending.profiles_refresh_pending_drain()  # starting, it clears the flag
    pending.profiles_refresh_request([member.pk])
    assert len(queued) == 2


def test_a_request_survives_a_broken_wake_up(monkeypatch):
    member = MemberFactory()

    def broker_down():
        raise ConnectionError("the broker is down")

    monkeypatch.setattr(pending, "_wake_coalesced", broker_down)
    pending.profiles_refresh_request([member.pk])  # logged, not raised: the beat's drain covers it

    assert list(PendingRefresh.objects.values_list("member_id", flat=True)) == [member.pk]
    assert cache.get(pending.WAKE_KEY) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_made_while_a_drain_runs_is_not_lost(monkeypatch):
    """A drain holds its claimed rows while the pipeline runs. Meanwhile a new batch of the
    same member commits and asks again: a claim would skip the held row and see the new one; a
    second drain leaves at once (one drain at a time); the first drain's delete leaves the new
    row, and its next claim refreshes the member with the new event."""
    member = MemberFactory()
    monkeypatch.setattr(pending, "profiles_refresh_wake", lambda: None)
    billing_events_ingest(events=[_top_up(member, 1, days_ago=3)], source="api")
    first_row = PendingRefresh.objects.get().pk

    holding, release = threading.Event(), threading.Event()
    original = pending.pipeline_run
    results: dict[str, object] = {}

    def slow(*, member_ids, on):
        original(member_ids=member_ids, on=on)
        if not holding.is_set():  # the first claim only
            holding.set()
            assert release.wait(10)

    def drain():
        try:
            results["run"] = pending.profiles_refresh_pending_drain()
        finally:
            connection.close()

    monkeypatch.setattr(pending, "pipeline_run", slow)
    thread = threading.Thread(target=drain)
    thread.start()
    try:
        assert holding.wait(10)
        assert MemberProfile.objects.count() == 0  # the first claim has not committed
        billing_events_ingest(events=[_top_up(member, 2, days_ago=1)], source="api")
        with transaction.atomic():
            held_skipped = PendingRefresh.objects.select_for_update(skip_locked=True)
            claimable = list(held_skipped.values_list("pk", flat=True))
        assert first_row not in claimable and len(claimable) == 1  # held by the drain: skipped
        # a second drain does not wait for the first, nor claim: the first one loops
        assert pending.profiles_refresh_pending_drain().claims == 0
    finally:
        release.set()
        thread.join(10)

    run = results["run"]
    assert (run.claims, run.rows) == (2, 2)
    assert not PendingRefresh.objects.exists()
    assert MemberProfile.objects.get(member=member).top_ups_3m == 2
