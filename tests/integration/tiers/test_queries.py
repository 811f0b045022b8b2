"""``tier_evaluate_members`` is set-based: a constant number of queries whatever the batch size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from club.members.models import Member
from rewards.activity.models import MonthlyActivity
from rewards.tiers.services import tier_evaluate_members
from rewards.tiers.services.evaluation import tier_policy

# PostgreSQL: SQLite (the embedded mode) splits bulk statements at its 999-parameter limit.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ON = dt.date(2026, 6, 15)
# tiers, placeholders insert, lock + read states, spend and tenure, state upsert, history
# insert, plus the savepoint pair of the atomic block.
EVALUATE_QUERIES = 8


def members_with_spend(count: int, offset: int) -> list[int]:
    members = Member.objects.bulk_create(
        Member(msisdn=f"+849{offset + n:08d}", account_number=f"Q{offset + n:08d}",
               activation_date=dt.date(2020, 1, 1))
        for n in range(count)
    )
    MonthlyActivity.objects.bulk_create(
        MonthlyActivity(member=member, month=dt.date(2026, 5, 1), spend=Decimal(1_000_000 * (n % 12)))
        for n, member in enumerate(members)
    )
    return [member.pk for member in members]


@pytest.mark.parametrize("size", [5, 500], ids=["5-members", "500-members"])
def test_evaluating_members_takes_a_constant_number_of_queries(ladder, django_assert_num_queries, size):
    ids = members_with_spend(size, offset=size)
    policy = tier_policy()

    with django_assert_num_queries(EVALUATE_QUERIES):
        result = tier_evaluate_members(member_ids=ids, on=ON, policy=policy)

    assert result.evaluated == size
    assert result.initial == size


def test_a_second_evaluation_the_same_day_only_reads(ladder):
    ids = members_with_spend(500, offset=10_000)
    tier_evaluate_members(member_ids=ids, on=ON)

    with CaptureQueriesContext(connection) as queries:
        result = tier_evaluate_members(member_ids=ids, on=ON)

    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert result.rows_written == 0
    assert len(writes) == 1  # only the placeholder insert, which conflicts on every row
