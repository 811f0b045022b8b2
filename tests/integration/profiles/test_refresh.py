"""profiles_refresh: every aggregate against hand-computed figures, chunks, idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from club.profiles.models import MemberProfile
from club.profiles.services import profiles_refresh, profiles_refresh_all
from tests.factories import MemberFactory, StaffUserFactory

from .data import ALICE, BOB, NOBODY, ON, alice_history, bob_history, figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    alice, bob, nobody = MemberFactory(), MemberFactory(), MemberFactory()
    alice_history(alice, StaffUserFactory())
    bob_history(bob)
    return alice, bob, nobody


def profile(member) -> MemberProfile:
    return MemberProfile.objects.get(member=member)


def test_every_aggregate_matches_the_hand_computed_figures(members):
    alice, bob, nobody = members

    written = profiles_refresh(member_ids=[alice.pk, bob.pk, nobody.pk], on=ON)

    assert written == 3
    assert figures(profile(alice)) == ALICE
    assert figures(profile(bob)) == BOB
    assert figures(profile(nobody)) == NOBODY


def test_only_the_members_asked_for_are_refreshed(members):
    alice, bob, nobody = members

    profiles_refresh(member_ids=[bob.pk, 987_654], on=ON)

    assert list(MemberProfile.objects.values_list("member_id", flat=True)) == [bob.pk]


def test_a_refresh_never_overwrites_one_that_started_later(members):
    """Two refreshes of a member can overlap (two drains, a drain and the nightly run). One
    that started later has read later events: when it commits first, the earlier one, waiting
    on the row, must leave its figures. Here the stored row is stamped an hour ahead."""
    alice, bob, _nobody = members
    later = timezone.now() + dt.timedelta(hours=1)
    MemberProfile.objects.create(member=alice, as_of=ON, refreshed_at=later, spend_3m=1)

    written = profiles_refresh(member_ids=[alice.pk, bob.pk], on=ON)

    assert written == 1  # bob's new row; alice's is left
    row = profile(alice)
    assert (row.refreshed_at, row.spend_3m) == (later, 1)
    assert figures(profile(bob)) == BOB


def test_a_refresh_keeps_what_the_later_steps_wrote(members):
    alice, _bob, _nobody = members
    profiles_refresh(member_ids=[alice.pk], on=ON)
    MemberProfile.objects.filter(member=alice).update(segment_computed="vip", churn_score=0.7,
                                                      churn_factors=[{"factor": "arrears"}])

    profiles_refresh(member_ids=[alice.pk], on=ON)

    row = profile(alice)
    assert (row.segment_computed, row.churn_score, row.churn_factors) == ("vip", 0.7, [{"factor": "arrears"}])
    assert figures(row) == ALICE


def _all_figures() -> dict[int, dict]:
    return {row.member_id: figures(row) for row in MemberProfile.objects.all()}


@pytest.mark.parametrize("chunk_size", [1, 2, 1000], ids=["chunk-1", "chunk-2", "chunk-1000"])
def test_chunk_boundaries_do_not_change_the_figures(members, chunk_size):
    alice, bob, nobody = members
    more = [MemberFactory() for _ in range(2)]
    bob_history(more[0])

    run = profiles_refresh_all(chunk_size=chunk_size, on=ON)

    assert run.members == 5
    assert run.chunks == -(-5 // chunk_size)
    result = _all_figures()
    assert result[alice.pk] == ALICE and result[bob.pk] == BOB and result[nobody.pk] == NOBODY
    assert result[more[0].pk] == BOB and result[more[1].pk] == NOBODY


def test_a_second_refresh_changes_nothing(members):
    profiles_refresh(on=ON)
    first = _all_figures()

    profiles_refresh(on=ON)

    assert _all_figures() == first
    assert MemberProfile.objects.count() == 3


def test_one_statement_per_chunk(members):
    ids = [member.pk for member in members]

    with CaptureQueriesContext(connection) as captured:
        profiles_refresh(member_ids=ids, on=ON, chunk_size=2)

    upserts = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"]]
    assert len(upserts) == 2


@pytest.mark.parametrize("bad", [0, -1, True, "10", 50_001], ids=["zero", "negative", "bool", "text", "huge"])
def test_a_bad_chunk_size_is_refused(db, bad):
    with pytest.raises(ValueError, match="chunk size"):
        profiles_refresh_all(chunk_size=bad, on=ON)


def test_bad_member_ids_are_refused(db):
    with pytest.raises(ValueError, match="member ids"):
        profiles_refresh(member_ids=[1, "2", -3], on=ON)
