"""rewards.prepared: a queryset compiled once gives, run with new arguments, the ORM's own
answer; shapes that depend on their arguments are refused at the first call."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from club.members.models import Member
from rewards.activity.models import MonthlyActivity
from rewards.prepared import PreparedRead, PreparedReadError, any_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL is prepared")


def _spend_rows(*, member_ids: list[int], since: dt.date):
    return (MonthlyActivity.objects.filter(any_of(MonthlyActivity, "member", member_ids), month__gte=since)
            .order_by("member_id", "month").values_list("member_id", "month", "spend"))


SPEND = PreparedRead(_spend_rows, samples=({"member_ids": [1], "since": dt.date(2001, 1, 1)},
                                           {"member_ids": [2, 3], "since": dt.date(2002, 2, 1)}))


@pytest.fixture
def activity():
    members = MemberFactory.create_batch(3)
    for number, member in enumerate(members, start=1):
        for month in (dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
            spend = Decimal(number * 1000 + month.month)
            MonthlyActivity.objects.create(member=member, month=month, spend=spend, bills_paid=1)
    return members


@pytest.mark.parametrize(("picked", "since"), [
    ((0,), dt.date(2026, 1, 1)),
    ((0, 2), dt.date(2026, 2, 1)),
    ((1, 2), dt.date(2026, 3, 1)),
    ((0, 1, 2), dt.date(2027, 1, 1)),
], ids=["one-member", "two-members-from-february", "two-others-from-march", "none-after-the-year"])
def test_each_call_answers_what_the_queryset_answers(activity, picked, since):
    ids = [activity[index].pk for index in picked]

    prepared = SPEND(member_ids=ids, since=since)

    assert prepared == list(_spend_rows(member_ids=ids, since=since))
    assert all(isinstance(spend, Decimal) for _member, _month, spend in prepared)


@postgres_only
def test_the_sql_is_compiled_once_and_run_with_the_new_arguments(activity):
    SPEND(member_ids=[activity[0].pk], since=dt.date(2026, 1, 1))

    with CaptureQueriesContext(connection) as queries:
        rows = SPEND(member_ids=[activity[1].pk], since=dt.date(2026, 3, 1))

    assert rows == [(activity[1].pk, dt.date(2026, 3, 1), Decimal(2003))]
    assert len(queries) == 1 and "ANY" in queries[0]["sql"]


@postgres_only
def test_threads_each_compile_with_their_own_connection(activity):
    answers, errors = {}, []

    def read(index: int) -> None:
        try:
            answers[index] = SPEND(member_ids=[activity[index].pk], since=dt.date(2026, 2, 1))
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(index,)) for index in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert {index: len(rows) for index, rows in answers.items()} == {0: 0, 1: 0, 2: 0}  # not committed yet


def _by_day(*, member_id: int, day: dt.date):
    day_before = day - dt.timedelta(days=1)
    return Member.objects.filter(pk=member_id, activation_date__lte=day_before).values_list("pk")


def _by_status(*, status: str):
    statuses = [status] if status == "active" else [status, "churned"]
    return Member.objects.filter(status__in=statuses).values_list("pk")


@postgres_only
@pytest.mark.parametrize(("build", "samples", "message"), [
    (_by_day, ({"member_id": 1, "day": dt.date(2001, 1, 2)}, {"member_id": 2, "day": dt.date(2002, 2, 3)}),
     "is not one argument as given"),
    (_by_status, ({"status": "active"}, {"status": "suspended"}), "changes with its arguments"),
    (lambda *, member_id: Member.objects.filter(pk=member_id),
     ({"member_id": 1}, {"member_id": 2}), "values_list"),
], ids=["transformed-argument", "shape-depends-on-the-argument", "not-a-values-list"])
def test_what_cannot_be_prepared_is_refused_at_the_first_call(build, samples, message):
    read = PreparedRead(build, samples=samples)

    with pytest.raises(PreparedReadError, match=message):
        read(**samples[0])


def test_samples_must_differ_in_every_argument():
    with pytest.raises(PreparedReadError, match="every value different"):
        PreparedRead(_spend_rows, samples=({"member_ids": [1], "since": dt.date(2001, 1, 1)},
                                           {"member_ids": [2], "since": dt.date(2001, 1, 1)}))


def _prepared_statements_reading(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{table}%"])
        return cursor.fetchone()[0]


@postgres_only
def test_postgres_prepares_the_statement_once_for_the_connection(activity):
    for index in range(3):
        SPEND(member_ids=[activity[index].pk], since=dt.date(2026, 1, 1))

    assert _prepared_statements_reading("activity_monthlyactivity") == 1


def _spend_rows_latest_first(*, member_ids: list[int], since: dt.date):
    return _spend_rows(member_ids=member_ids, since=since).order_by("-month")


SPEND_LATEST_FIRST = PreparedRead(_spend_rows_latest_first, samples=(
    {"member_ids": [1], "since": dt.date(2001, 1, 1)}, {"member_ids": [2, 3], "since": dt.date(2002, 2, 1)}))


@postgres_only
def test_without_prepared_statements_the_answer_is_the_same_and_nothing_is_prepared(activity, settings):
    settings.PREPARED_STATEMENTS = False

    rows = SPEND_LATEST_FIRST(member_ids=[activity[2].pk], since=dt.date(2026, 2, 1))

    assert rows == [(activity[2].pk, dt.date(2026, 3, 1), Decimal(3003)),
                    (activity[2].pk, dt.date(2026, 2, 1), Decimal(3002))]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%monthlyactivity%ORDER BY 2 DESC"])
        assert cursor.fetchone()[0] == 0
