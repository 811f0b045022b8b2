"""The ledger's services: credits, oldest-first debits, refunds, reversals, clearing, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from rewards.ledger.models import EntryKind, LedgerEntry, LedgerSettings, LotStatus, PointLot, PointsAccount
from rewards.ledger.selectors import ledger_sum, member_statement, points_balance, points_expiring
from rewards.ledger.services import (
    InsufficientPoints,
    PointsGrant,
    points_adjust,
    points_clear_due,
    points_expire_due,
    points_grant,
    points_grant_many,
    points_refund,
    points_reverse_source,
    points_spend,
)
from rewards.ledger.services.grants import SMALL_BATCH
from tests.factories import MemberFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


def grant(member, points, key, *, at=T0, source_ref=None):
    return points_grant(
        member_id=member.pk, points=points, reason=f"test {key}", source_type="billing_event",
        source_ref=source_ref or key, idempotency_key=key, earned_at=at,
    )


def spend(member, points, key):
    return points_spend(
        member_id=member.pk, points=points, reason="reward", source_type="redemption",
        source_ref=key, idempotency_key=key,
    )


def assert_consistent(member):
    balance = points_balance(member_id=member.pk)
    assert balance.total == ledger_sum(member_id=member.pk)
    lots = PointLot.objects.filter(member=member)
    assert balance.available == sum(lot.remaining for lot in lots if lot.status in ("active", "spent",
                                                                                      "expired", "reversed"))
    assert balance.pending == sum(lot.remaining for lot in lots if lot.status == "pending")


def test_grant_is_idempotent_and_dated_when_earned():
    member = MemberFactory()
    first = grant(member, 40, "earn:e1")
    again = grant(member, 40, "earn:e1")
    assert first.pk == again.pk
    assert first.created_at == T0
    assert points_balance(member_id=member.pk).available == 40
    assert PointLot.objects.get(member=member).expires_at == dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)
    assert_consistent(member)


def test_grant_many_skips_used_keys_in_and_across_calls():
    member, other = MemberFactory(), MemberFactory()
    grants = [
        PointsGrant(member.pk, 10, "a", "billing_event", "a", "k:a", T0),
        PointsGrant(member.pk, 10, "a again", "billing_event", "a", "k:a", T0),
        PointsGrant(other.pk, 7, "b", "billing_event", "b", "k:b", T0),
    ]
    assert points_grant_many(grants=grants) == 2
    assert points_grant_many(grants=grants) == 0
    assert points_balance(member_id=member.pk).available == 10
    assert points_balance(member_id=other.pk).available == 7


def test_spend_takes_the_oldest_lots_first():
    member = MemberFactory()
    grant(member, 30, "new", at=T0 + dt.timedelta(days=5))
    grant(member, 20, "old", at=T0)
    entry = spend(member, 25, "r1")
    assert entry.kind == EntryKind.REDEEM and entry.points == -25
    lots = PointLot.objects.filter(member=member)
    remaining = dict(lots.values_list("earn_entry__idempotency_key", "remaining"))
    assert remaining == {"old": 0, "new": 25}
    assert PointLot.objects.get(earn_entry__idempotency_key="old").status == LotStatus.SPENT
    assert_consistent(member)


def test_spend_more_than_spendable_is_refused_and_changes_nothing():
    member = MemberFactory()
    grant(member, 50, "e")
    with pytest.raises(InsufficientPoints) as refused:
        spend(member, 51, "r1")
    assert (refused.value.wanted, refused.value.spendable) == (51, 50)
    assert LedgerEntry.objects.filter(member=member).count() == 1
    assert points_balance(member_id=member.pk).available == 50


def test_spend_with_a_used_key_returns_the_first_entry():
    member = MemberFactory()
    grant(member, 50, "e")
    assert spend(member, 20, "r1").pk == spend(member, 20, "r1").pk
    assert points_balance(member_id=member.pk).available == 30


def test_spend_with_a_used_key_returns_the_first_entry_even_when_the_rest_would_not_cover_it():
    member = MemberFactory()
    grant(member, 50, "e")
    first = spend(member, 40, "r1")
    again = spend(member, 40, "r1")
    assert (again.pk, again.points) == (first.pk, -40)
    assert points_balance(member_id=member.pk).available == 10
    assert_consistent(member)


def test_refund_gives_points_back_to_their_lots():
    member = MemberFactory()
    grant(member, 20, "old", at=T0)
    grant(member, 20, "new", at=T0 + dt.timedelta(days=1))
    debit = spend(member, 30, "r1")
    refund = points_refund(entry_id=debit.pk, reason="cancelled", idempotency_key="refund:r1")
    assert refund.points == 30 and refund.kind == EntryKind.REVERSE
    assert points_refund(entry_id=debit.pk, reason="cancelled", idempotency_key="refund:r1").pk == refund.pk
    assert sorted(PointLot.objects.filter(member=member).values_list("remaining", flat=True)) == [20, 20]
    assert set(PointLot.objects.filter(member=member).values_list("status", flat=True)) == {"active"}
    assert_consistent(member)


def test_reverse_source_takes_its_own_lot_first_then_the_oldest():
    member = MemberFactory()
    grant(member, 10, "earn:a", at=T0, source_ref="a")
    grant(member, 30, "earn:b", at=T0 + dt.timedelta(days=1), source_ref="b")
    spend(member, 25, "r1")  # takes a's 10, then 15 of b's 30
    entry = points_reverse_source(
        source_type="billing_event", source_ref="b", reason="bill reversed", idempotency_key="rev:b"
    )
    assert entry.points == -15 and "15 points already spent" in entry.reason
    assert points_balance(member_id=member.pk).total == 0
    assert points_reverse_source(
        source_type="billing_event", source_ref="b", reason="bill reversed", idempotency_key="rev:b"
    ).pk == entry.pk
    assert points_reverse_source(
        source_type="billing_event", source_ref="nothing", reason="x", idempotency_key="rev:x"
    ) is None
    assert_consistent(member)


def test_staff_adjustment_needs_a_reason_and_a_staff_user():
    member, staff = MemberFactory(), StaffUserFactory()
    with pytest.raises(ValueError):
        points_adjust(member_id=member.pk, points=10, reason="  ", staff_user=staff, idempotency_key="adj1")
    credit = points_adjust(member_id=member.pk, points=10, reason="goodwill call", staff_user=staff,
                           idempotency_key="adj1")
    debit = points_adjust(member_id=member.pk, points=-4, reason="duplicate credit", staff_user=staff,
                          idempotency_key="adj2")
    assert (credit.points, debit.points) == (10, -4)
    assert debit.staff_user == staff
    assert points_balance(member_id=member.pk).available == 6
    assert_consistent(member)


def test_pending_points_clear_after_the_delay_and_cannot_be_spent_before():
    settings_row = LedgerSettings.load()
    settings_row.clearing_days = 3
    settings_row.save()
    member = MemberFactory()
    now = timezone.now()
    grant(member, 40, "e", at=now)
    balance = points_balance(member_id=member.pk)
    assert (balance.available, balance.pending) == (0, 40)
    with pytest.raises(InsufficientPoints):
        spend(member, 1, "r1")
    assert points_clear_due(now=now + dt.timedelta(days=2)) == 0
    assert points_clear_due(now=now + dt.timedelta(days=3, seconds=1)) == 1
    balance = points_balance(member_id=member.pk)
    assert (balance.available, balance.pending) == (40, 0)
    assert_consistent(member)


def test_expiry_writes_one_entry_per_lot_and_a_rerun_does_nothing():
    member = MemberFactory()
    grant(member, 10, "a", at=T0)
    grant(member, 15, "b", at=T0 + dt.timedelta(days=40))
    spend(member, 4, "r1")
    at = T0 + dt.timedelta(days=366)
    assert points_expiring(member_id=member.pk, within_days=30, now=at - dt.timedelta(days=10)).points == 6
    assert points_expire_due(now=at) == 1
    assert points_expire_due(now=at) == 0
    expired = LedgerEntry.objects.get(member=member, kind=EntryKind.EXPIRE)
    assert expired.points == -6
    assert points_balance(member_id=member.pk).available == 15
    assert_consistent(member)


def test_refund_into_an_expired_lot_expires_again_once():
    member = MemberFactory()
    grant(member, 10, "a", at=T0)
    debit = spend(member, 10, "r1")
    points_refund(entry_id=debit.pk, reason="cancelled", idempotency_key="refund:r1")
    points_expire_due(now=T0 + dt.timedelta(days=400))
    assert points_balance(member_id=member.pk).available == 0
    assert LedgerEntry.objects.filter(member=member, kind=EntryKind.EXPIRE).count() == 1
    assert_consistent(member)


def test_database_refuses_a_negative_balance():
    member = MemberFactory()
    grant(member, 5, "e")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsAccount.objects.filter(member=member).update(available=-1)


def test_statement_filters_by_kind():
    member = MemberFactory()
    grant(member, 5, "e")
    spend(member, 2, "r1")
    assert [e.kind for e in member_statement(member_id=member.pk)] == ["redeem", "earn"]
    assert [e.kind for e in member_statement(member_id=member.pk, kinds=["earn"])] == ["earn"]


EDGE_TIMES = [
    dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC),  # month end: + 1 month clamps to Feb 28
    dt.datetime(2024, 2, 29, 23, 30, tzinfo=dt.UTC),  # leap day
    dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC),  # already 1 January in Asia/Ho_Chi_Minh
    dt.datetime(2026, 6, 15, 0, 0, tzinfo=dt.UTC),
]


@pytest.mark.parametrize(
    ("policy", "months"),
    [
        pytest.param("rolling", 12, id="rolling-12"),
        pytest.param("rolling", 1, id="rolling-1"),
        pytest.param("next_year_end", 12, id="end-of-next-year"),
        pytest.param("never", 12, id="never"),
    ],
)
def test_bulk_grant_dates_lots_exactly_like_the_policy(policy, months):
    """The set-based path computes expiry in SQL; it must agree with ``LotPolicy`` to the second."""
    from rewards.ledger.policy import LotPolicy

    stored = LedgerSettings.load()
    stored.expiry_policy, stored.expiry_months = policy, months
    stored.save()
    member = MemberFactory()
    points_grant_many(grants=[
        PointsGrant(member.pk, 5, "edge", "billing_event", f"e{i}", f"edge:{policy}:{months}:{i}", at)
        for i, at in enumerate(EDGE_TIMES)
    ])
    expected = LotPolicy.current()
    for lot in PointLot.objects.filter(member=member):
        assert lot.expires_at == expected.expires_at(lot.earned_at), lot.earned_at
        assert lot.clears_at == expected.clears_at(lot.earned_at)


@pytest.mark.parametrize("size", [1, SMALL_BATCH, SMALL_BATCH + 1])
def test_small_and_large_batches_write_the_same_entries_lots_and_balances(size):
    """Up to SMALL_BATCH grants are bound as VALUES, more go through the temporary table: the
    same entries, lots, reason values and balances either way, and a replay writes nothing."""
    members = MemberFactory.create_batch(3)
    grants = [
        PointsGrant(members[n % 3].pk, 10 + n, f"batch {n}", "billing_event", f"b{n}", f"batch:{size}:{n}",
                    T0 + dt.timedelta(minutes=n), reason_code="earn.top_up",
                    reason_values={"points": 10 + n, "amount": "1000"} if n % 2 else {})
        for n in range(size)
    ]
    assert points_grant_many(grants=grants) == size
    assert points_grant_many(grants=grants) == 0
    entries = {e.idempotency_key: e for e in LedgerEntry.objects.filter(idempotency_key__startswith="batch:")}
    assert len(entries) == size
    for g in grants:
        entry = entries[g.idempotency_key]
        assert (entry.member_id, entry.points, entry.created_at, entry.reason_values) == (
            g.member_id, g.points, g.earned_at, g.reason_values)
        assert PointLot.objects.get(earn_entry=entry).remaining == g.points
    for member in members:
        expected = sum(g.points for g in grants if g.member_id == member.pk)
        assert points_balance(member_id=member.pk).total == expected
        assert_consistent(member)
