"""r6: 100k billing events with 10% duplicates, 5% reversals before their originals and 1%
malformed, replayed in batches of 10,000: the ledger holds exactly the unique valid events'
points (computed here from the rules), balances equal the ledger, the incremental tiers equal
a full recompute, and every malformed event is quarantined with its reason."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from club.members.models import Member
from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent, EventState, PendingReversal, QuarantinedEvent
from rewards.billing.services import MAX_BATCH, billing_events_ingest
from rewards.earning.models import EarningRule
from rewards.ledger.models import LedgerEntry, PointsAccount
from rewards.tiers.models import MemberTier, Tier
from rewards.tiers.services import tier_recompute_all

TOTAL, MEMBERS = 100_000, 2_000
DUPLICATES, REVERSALS, MALFORMED = TOTAL // 10, TOTAL // 20, TOTAL // 100
ORIGINALS = TOTAL - DUPLICATES - REVERSALS - MALFORMED
BILL_STEP, TOP_UP_STEP, DATA_STEP = 10_000, 20_000, 1024
# (mutation of a valid event, the reason it must be quarantined with)
MALFORMATIONS = [
    (lambda e: e.update(amount="-1000"), "bad_amount", "bill_paid"),
    (lambda e: e.update(amount="12.5k"), "bad_amount", "top_up"),
    (lambda e: e.update(kind="refund"), "unknown_kind", None),
    (lambda e: e.pop("occurred_at"), "missing_field", None),
    (lambda e: e.update(occurred_at="31/10/2026"), "bad_timestamp", None),
    (lambda e: e.update(msisdn="+84100000000"), "unknown_member", None),
]


def _members() -> list[tuple[int, str]]:
    Member.objects.bulk_create([
        Member(msisdn=f"+8491{index:07d}", account_number=f"R6-{index:06d}",
               activation_date=dt.date(2020, 5, 1))
        for index in range(MEMBERS)
    ])
    return list(Member.objects.order_by("pk").values_list("pk", "msisdn"))


def _rules_and_tiers() -> None:
    EarningRule.objects.create(name="Bills", event_kind="bill_paid", amount_points=1, amount_step=BILL_STEP,
                               live=True)
    EarningRule.objects.create(name="Top-ups", event_kind="top_up", amount_points=1, amount_step=TOP_UP_STEP,
                               live=True)
    EarningRule.objects.create(name="Data", event_kind="usage", data_points=1, data_step_mb=DATA_STEP,
                               live=True)
    for rank, (code, spend) in enumerate([("member", 0), ("silver", 4_000_000), ("gold", 9_000_000)], 1):
        Tier.objects.create(code=code, name=code.title(), rank=rank, min_rolling_spend=spend, live=True)


def _original(rng: random.Random, index: int, msisdn: str) -> dict:
    month = rng.randrange(1, 11)
    occurred = f"2026-{month:02d}-{rng.randrange(1, 28):02d}T{rng.randrange(24):02d}:15:00+07:00"
    event = {"event_id": f"r6-{index}", "msisdn": msisdn, "occurred_at": occurred}
    roll = rng.random()
    if roll < 0.45:
        event.update(kind="bill_paid", amount=str(rng.randrange(30, 900) * 1000), period=f"2026-{month:02d}")
    elif roll < 0.75:
        event.update(kind="top_up", amount=str(rng.choice([20, 50, 100, 300]) * 1000), channel="card")
    else:
        event.update(kind="usage", period=f"2026-{month:02d}", data_mb=rng.randrange(0, 12_000),
                     voice_minutes=rng.randrange(300), sms=rng.randrange(40))
    return event


def _points(event: dict) -> int:
    """The rules above, independently of the earning app: whole steps, rounded down."""
    if event["kind"] == "bill_paid":
        return int(Decimal(event["amount"]) // BILL_STEP)
    if event["kind"] == "top_up":
        return int(Decimal(event["amount"]) // TOP_UP_STEP)
    return event["data_mb"] // DATA_STEP


def _stream(members):
    """The events in sending order (sort keys in [0, 1)), and what must come of them."""
    rng = random.Random(6)
    keyed, expected_points, spend = [], defaultdict(int), Decimal(0)
    originals = [_original(rng, index, members[rng.randrange(MEMBERS)][1]) for index in range(ORIGINALS)]
    reversed_ids = set()
    for position, event in enumerate(originals):
        key = rng.random()
        keyed.append((key, event))
        if position < REVERSALS:  # a reversal that is sent before its original
            reversed_ids.add(event["event_id"])
            keyed.append((key * rng.random(), {
                "event_id": f"r6-rev-{position}", "kind": "reversal", "msisdn": event["msisdn"],
                "reverses": event["event_id"], "occurred_at": "2026-10-30T12:00:00+07:00"}))
        else:
            expected_points[event["msisdn"]] += _points(event)
            spend += Decimal(event.get("amount", 0)) if event["kind"] != "usage" else 0
    malformed = []
    for index in range(MALFORMED):
        mutate, reason, kind = MALFORMATIONS[index % len(MALFORMATIONS)]
        event = _original(rng, f"bad-{index}", members[rng.randrange(MEMBERS)][1])
        while kind and event["kind"] != kind:
            event = _original(rng, f"bad-{index}", members[rng.randrange(MEMBERS)][1])
        mutate(event)
        malformed.append((event, reason))
        keyed.append((rng.random(), event))
    for _ in range(DUPLICATES):  # a copy sent again later
        key, event = keyed[rng.randrange(len(keyed))]
        keyed.append((key + (1 - key) * rng.random(), dict(event)))
    keyed.sort(key=lambda pair: pair[0])
    return [event for _key, event in keyed], expected_points, spend, reversed_ids, malformed


def _tier_rows() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in MemberTier.objects.values_list(
        "member_id", "tier_id", "since", "qualified_until", "downgrade_due")}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r6_billing_replay_applies_each_valid_event_once():
    members = _members()
    _rules_and_tiers()
    events, expected_points, expected_spend, reversed_ids, malformed = _stream(members)
    assert len(events) == TOTAL

    started = time.perf_counter()
    outcomes = Counter()
    for start in range(0, TOTAL, MAX_BATCH):
        report = billing_events_ingest(events=events[start:start + MAX_BATCH], source="file")
        outcomes.update(report.counts)
    elapsed = time.perf_counter() - started

    by_msisdn = dict(Member.objects.values_list("pk", "msisdn"))
    ledger = dict(LedgerEntry.objects.values("member_id").annotate(total=Sum("points"))
                  .values_list("member_id", "total"))
    ledger_by_msisdn = {by_msisdn[member_id]: total for member_id, total in ledger.items()}
    assert ledger_by_msisdn == {m: p for m, p in expected_points.items() if p}
    assert LedgerEntry.objects.values("idempotency_key").distinct().count() == LedgerEntry.objects.count()
    balances = dict((member_id, available + pending) for member_id, available, pending
                    in PointsAccount.objects.values_list("member_id", "available", "pending"))
    assert {m: b for m, b in balances.items() if b} == ledger
    assert MonthlyActivity.objects.aggregate(total=Sum("spend"))["total"] == expected_spend

    assert set(BillingEvent.objects.filter(state=EventState.REVERSED).values_list("event_id", flat=True)) \
        == reversed_ids
    assert not PendingReversal.objects.exists()
    assert BillingEvent.objects.count() == ORIGINALS + REVERSALS

    stored_reasons = {q.event_id: q.reason for q in QuarantinedEvent.objects.all()}
    assert len(stored_reasons) == MALFORMED
    assert {event["event_id"]: reason for event, reason in malformed} == stored_reasons

    incremental = _tier_rows()
    recompute = tier_recompute_all(on=timezone.localdate())
    full = _tier_rows()
    mismatches = sum(1 for member_id in incremental.keys() | full.keys()
                     if incremental.get(member_id) != full.get(member_id))
    assert mismatches == 0 and recompute.rows_written == 0

    print(f"\nr6: {TOTAL} events in {elapsed:.1f} s ({TOTAL / elapsed:,.0f}/s): "
          f"applied {outcomes['applied']}, duplicate {outcomes['duplicate']}, "
          f"waiting {outcomes['waiting']}, quarantined {outcomes['quarantined']} "
          f"({len(stored_reasons)} distinct); {LedgerEntry.objects.count()} ledger entries, "
          f"{sum(ledger.values())} points = expected {sum(expected_points.values())}; {len(reversed_ids)} "
          f"reversed before arrival; tiers: {len(incremental)} incremental vs full recompute, "
          f"{mismatches} mismatches")
    connection.close()
