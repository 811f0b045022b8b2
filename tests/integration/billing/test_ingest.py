"""billing_events_ingest: applying, duplicates, reversals, quarantine, member changes."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from club.members.models import ChurnReason, MemberStatus, PaymentPlan
from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent, EventState, PendingReversal, QuarantinedEvent
from rewards.billing.services import billing_events_ingest
from rewards.billing.services import ingest as ingest_module
from rewards.ledger.models import EntryKind, LedgerEntry
from rewards.ledger.selectors import points_balance
from rewards.tiers.models import MemberTier
from tests.factories import MemberFactory, TierFactory

from .helpers import bill, plan_change, reversal, status_change, top_up, usage

pytestmark = pytest.mark.django_db
OCTOBER = dt.date(2026, 10, 1)


def ingest(*events):
    return billing_events_ingest(events=list(events), source="api")


def outcomes(report) -> list[str]:
    return [outcome.outcome for outcome in report.outcomes]


def activity(member, month=OCTOBER) -> MonthlyActivity:
    return MonthlyActivity.objects.get(member=member, month=month)


def test_bill_top_up_and_usage_add_activity_and_points(rules, member):
    report = ingest(bill(member, "120000"), top_up(member, "50000"), usage(member, data_mb=3072))

    assert outcomes(report) == ["applied"] * 3
    row = activity(member)
    assert (row.spend, row.bills_paid, row.top_up_amount, row.top_ups) == (170000, 1, 50000, 1)
    assert (row.data_mb, row.voice_minutes, row.sms) == (3072, 30, 5)
    assert points_balance(member_id=member.pk).total == 12 + 5 + 3
    assert report.points_granted == 3


def test_the_same_event_twice_is_applied_once(rules, member):
    event = bill(member, "120000", event_id="B-1")

    first = ingest(event, dict(event))
    again = ingest(event)

    assert outcomes(first) == ["applied", "duplicate"]
    assert outcomes(again) == ["duplicate"]
    assert BillingEvent.objects.count() == 1
    assert activity(member).spend == Decimal(120000)
    assert LedgerEntry.objects.filter(member=member).count() == 1
    assert points_balance(member_id=member.pk).total == 12


def test_a_reversal_after_its_original_takes_back_points_and_activity(rules, member):
    ingest(bill(member, "120000", event_id="B-1"), top_up(member, "50000", event_id="T-1"))

    report = ingest(reversal(member, "B-1", event_id="R-1"))

    assert outcomes(report) == ["applied"]
    assert report.reversals_applied == 1
    original = BillingEvent.objects.get(event_id="B-1")
    assert (original.state, original.reversed_by) == (EventState.REVERSED, "R-1")
    row = activity(member)
    assert (row.spend, row.bills_paid, row.top_ups) == (50000, 0, 1)
    assert points_balance(member_id=member.pk).total == 5
    reverse = LedgerEntry.objects.get(kind=EntryKind.REVERSE)
    assert (reverse.points, reverse.source_ref) == (-12, "B-1")
    assert outcomes(ingest(reversal(member, "B-1", event_id="R-1"))) == ["duplicate"]
    assert points_balance(member_id=member.pk).total == 5


def test_a_reversal_before_its_original_waits_then_applies(rules, member):
    waiting = ingest(reversal(member, "B-1", event_id="R-1"))
    assert outcomes(waiting) == ["waiting"]
    assert PendingReversal.objects.get().original_event_id == "B-1"

    report = ingest(bill(member, "120000", event_id="B-1"))

    assert outcomes(report) == ["applied"]
    assert BillingEvent.objects.get(event_id="B-1").state == EventState.REVERSED
    assert BillingEvent.objects.get(event_id="R-1").state == EventState.APPLIED
    assert not PendingReversal.objects.exists()
    assert not MonthlyActivity.objects.filter(member=member, spend__gt=0).exists()
    assert points_balance(member_id=member.pk).total == 0
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("reversal_first", [True, False], ids=["reversal-first", "original-first"])
def test_a_reversal_in_the_same_batch_as_its_original_cancels_it(rules, member, reversal_first):
    pair = [bill(member, "120000", event_id="B-1"), reversal(member, "B-1", event_id="R-1")]
    report = ingest(*(reversed(pair) if reversal_first else pair))

    assert outcomes(report) == ["applied", "applied"]
    assert BillingEvent.objects.get(event_id="B-1").state == EventState.REVERSED
    assert points_balance(member_id=member.pk).total == 0
    assert not MonthlyActivity.objects.filter(member=member).exclude(spend=0).exists()


@pytest.mark.parametrize(
    ("setup", "refused", "message"),
    [
        pytest.param([bill, "R-0"], "R-2", "already reversed", id="second-reversal"),
        pytest.param([None, "R-0"], "R-2", "already has a reversal", id="second-waiting-reversal"),
        pytest.param([bill, None], "R-2", "belongs to another member", id="other-members-event"),
    ],
)
def test_refused_reversals_are_quarantined(rules, member, setup, refused, message):
    other = MemberFactory()
    make_original, first_reversal = setup
    if make_original:
        ingest(bill(member, event_id="B-1"))
    if first_reversal:
        ingest(reversal(member, "B-1", event_id=first_reversal))
    reverser = other if message == "belongs to another member" else member

    report = ingest(reversal(reverser, "B-1", event_id=refused))

    assert outcomes(report) == ["quarantined"]
    assert report.outcomes[0].reason == "bad_reversal"
    assert message in report.outcomes[0].messages[0]
    assert QuarantinedEvent.objects.get(event_id=refused).raw["reverses"] == "B-1"
    assert not BillingEvent.objects.filter(event_id=refused).exists()


def test_a_reversal_of_a_reversal_is_refused(rules, member):
    ingest(bill(member, event_id="B-1"), reversal(member, "B-1", event_id="R-1"))
    report = ingest(reversal(member, "R-1", event_id="R-2"))
    assert outcomes(report) == ["quarantined"]
    assert "cannot be reversed" in report.outcomes[0].messages[0]


def test_malformed_events_are_quarantined_and_the_rest_applies(rules, member):
    bad_amount = bill(member, "-5", event_id="B-BAD")
    unknown = bill(member, event_id="B-NOBODY", msisdn="+84999999999")
    report = ingest(bill(member, "120000", event_id="B-1"), bad_amount, unknown, "not an event")

    assert outcomes(report) == ["applied", "quarantined", "quarantined", "quarantined"]
    assert [o.reason for o in report.outcomes[1:]] == ["bad_amount", "unknown_member", "not_an_object"]
    stored = QuarantinedEvent.objects.get(event_id="B-BAD")
    assert stored.raw == bad_amount and stored.reason == "bad_amount" and stored.source == "api"
    assert stored.reasons == ["amount: negative (-5); use a reversal to take money back"]
    unknown_reasons = QuarantinedEvent.objects.get(event_id="B-NOBODY").reasons
    assert unknown_reasons == ["msisdn +84999999999: no such member"]
    assert activity(member).spend == 120000

    ingest(bad_amount)  # the same bad event again is kept once
    assert QuarantinedEvent.objects.filter(event_id="B-BAD").count() == 1


def test_an_event_applied_after_its_quarantine_resolves_it(rules, member):
    ingest(bill(member, event_id="B-1", msisdn="+84999999999"))
    late = MemberFactory(msisdn="+84999999999")

    assert outcomes(ingest(bill(late, event_id="B-1"))) == ["applied"]
    assert QuarantinedEvent.objects.get(event_id="B-1").resolved_at is not None


def test_plan_and_status_changes_latest_wins(member):
    ingest(plan_change(member, "Max 500", event_id="P-2", occurred_at="2026-10-20T10:00:00+07:00",
                       payment_plan="prepaid"),
           plan_change(member, "Basic", event_id="P-1", occurred_at="2026-10-10T10:00:00+07:00"))
    member.refresh_from_db()
    assert (member.plan_name, member.payment_plan) == ("Max 500", PaymentPlan.PREPAID)

    ingest(plan_change(member, "Older", event_id="P-0", occurred_at="2026-10-01T10:00:00+07:00"))
    member.refresh_from_db()
    assert member.plan_name == "Max 500"  # an older change arriving late is ignored

    ingest(status_change(member, "churned", churn_reason="lost_to_competitor", event_id="S-1"))
    member.refresh_from_db()
    assert (member.status, member.churn_reason) == (MemberStatus.CHURNED, ChurnReason.LOST_TO_COMPETITOR)

    ingest(status_change(member, "active", event_id="S-2", occurred_at="2026-10-25T10:00:00+07:00"))
    member.refresh_from_db()
    assert (member.status, member.churn_reason) == (MemberStatus.ACTIVE, "")


def test_a_big_bill_lifts_the_tier_in_the_same_batch(rules, member):
    TierFactory(code="member", rank=1, min_rolling_spend=0)
    gold = TierFactory(code="gold", rank=2, min_rolling_spend=1_000_000)

    report = ingest(bill(member, "1500000"))

    assert MemberTier.objects.get(member=member).tier == gold
    assert report.tier_changes >= 1


@pytest.mark.postgres  # SQLite splits statements by its variable limit, so there they grow
def test_queries_do_not_grow_with_the_batch(rules):
    members = MemberFactory.create_batch(3)

    def queries(size: int) -> int:
        events = [bill(members[i % 3]) for i in range(size)] + [top_up(members[i % 3]) for i in range(size)]
        with CaptureQueriesContext(connection) as captured:
            ingest(*events)
        return len(captured)

    queries(2)  # warm caches (settings rows, rules)
    # Beyond the ledger's SMALL_BATCH the grants go through a temporary table (3 statements
    # more than a small batch bound as VALUES); past that, nothing grows with the batch.
    assert queries(20) == queries(60)
    assert queries(5) <= queries(60)


@pytest.mark.parametrize("enabled", [True, False], ids=["collector-on", "collector-off"])
def test_the_cyclic_collector_is_left_as_it_was_found(rules, member, monkeypatch, enabled):
    seen_inside = []
    real_apply = ingest_module._apply

    def watched_apply(*args, **kwargs):
        seen_inside.append(gc.isenabled())
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "_apply", watched_apply)
    (gc.enable if enabled else gc.disable)()
    try:
        report = billing_events_ingest(events=[bill(member, event_id="GC-1")], source="api")
        after = gc.isenabled()
    finally:
        gc.enable()

    assert report.counts["applied"] == 1
    assert (seen_inside, after) == ([False], enabled)


def test_the_cyclic_collector_is_back_on_when_a_batch_fails(rules, member, monkeypatch):
    def failing_apply(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ingest_module, "_apply", failing_apply)

    with pytest.raises(RuntimeError, match="database gone"):
        billing_events_ingest(events=[bill(member, event_id="GC-2")], source="api")

    assert gc.isenabled()
