"""Two batches at the same moment (PostgreSQL, real transactions and threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent, EventState
from rewards.billing.services import billing_events_ingest
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory

from .helpers import bill, reversal, top_up

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*batches) -> list:
    barrier, reports, errors = threading.Barrier(len(batches)), [], []

    def send(events):
        try:
            barrier.wait()
            reports.append(billing_events_ingest(events=events, source="api"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return reports


@pytest.mark.parametrize("trial", range(5))
def test_the_same_batch_twice_at_once_is_applied_once(rules, trial):
    members = MemberFactory.create_batch(5)
    events = [bill(m, "120000") for m in members] + [top_up(m, "40000") for m in members]

    reports = run_together(events, [dict(e) for e in events])

    applied = sorted(report.counts["applied"] for report in reports)
    assert applied == [0, len(events)]
    assert sorted(report.counts["duplicate"] for report in reports) == [0, len(events)]
    assert LedgerEntry.objects.count() == len(events)
    assert {row.spend for row in MonthlyActivity.objects.all()} == {160000}


@pytest.mark.parametrize("trial", range(5))
def test_a_reversal_racing_its_original_still_reverses_it(rules, trial):
    member = MemberFactory()

    run_together([bill(member, "120000", event_id="B-1")], [reversal(member, "B-1", event_id="R-1")])

    assert BillingEvent.objects.get(event_id="B-1").state == EventState.REVERSED
    assert BillingEvent.objects.get(event_id="R-1").state == EventState.APPLIED
    assert sum(LedgerEntry.objects.values_list("points", flat=True)) == 0
    assert all(row.spend == 0 for row in MonthlyActivity.objects.filter(member=member))
