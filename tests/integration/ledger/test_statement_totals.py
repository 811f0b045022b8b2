"""``member_statement_totals``: credits, debits and count of what ``member_statement`` lists."""

from __future__ import annotations

import datetime as dt

import pytest

from rewards.ledger.models import EntryKind, SourceType
from rewards.ledger.selectors import StatementTotals, member_statement_totals
from rewards.ledger.services import points_grant, points_spend
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def test_totals_follow_the_statement_filters():
    member, other = MemberFactory(), MemberFactory()
    for who, points, key, at, kind in [
        (member, 500, "a", T0, EntryKind.EARN),
        (member, 50, "b", T0 + dt.timedelta(days=10), EntryKind.GOODWILL),
        (other, 999, "c", T0, EntryKind.EARN),
    ]:
        points_grant(
            member_id=who.pk,
            points=points,
            reason=key,
            source_type=SourceType.SYSTEM,
            idempotency_key=key,
            earned_at=at,
            kind=kind,
        )
    points_spend(
        member_id=member.pk,
        points=70,
        reason="spent",
        source_type=SourceType.REDEMPTION,
        source_ref="1",
        idempotency_key="d",
    )

    everything = member_statement_totals(member_id=member.pk)
    earned = member_statement_totals(member_id=member.pk, kinds=[EntryKind.EARN])
    in_march = member_statement_totals(member_id=member.pk, since=T0, until=T0 + dt.timedelta(days=5))

    assert (everything, everything.net) == (StatementTotals(credits=550, debits=-70, entries=3), 480)
    assert earned == StatementTotals(credits=500, debits=0, entries=1)
    assert in_march == StatementTotals(credits=500, debits=0, entries=1)
    assert member_statement_totals(member_id=MemberFactory().pk) == StatementTotals(0, 0, 0)
