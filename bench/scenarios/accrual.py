"""``accrual``: billing events fully applied per second, against a raw COPY of the same rows.

value: events/s through ``billing_events_ingest`` in batches of 10,000 (validation, member
resolution, the event insert, monthly activity, earning rules, ledger entries + lots +
balances, incremental tier evaluation), on members that already have a year of history.
baseline: rows/s of psycopg's ``COPY ... FROM STDIN`` of the same number of ledger-shaped rows
into ``CREATE TEMP TABLE ... (LIKE ledger_ledgerentry INCLUDING ALL)`` (same columns,
constraints and indexes); the best of three.
notes: the replay of the same events (every one a duplicate) in events/s, which must be at
least as fast as applying them; and the **write floor**: the rows an applied event must leave
(its billing event, ledger entry and lot, plus the batch's account and monthly-activity
updates) ``COPY``-ed straight into the real tables with no validation, rules, tiers or
idempotency checks, rolled back afterwards. No implementation of this data model can beat
the floor, so its ratio bounds the scenario's.
"""

from __future__ import annotations

import datetime as dt
import random

NAME = "accrual"
DEFAULT_SIZE = 100_000
UNIT = "events/s"
BATCH = 10_000
BASELINE_RUNS = 3
MEMBERS = 20_000


def _members_create(count: int) -> list[tuple[int, str]]:
    from club.members.models import Member

    rng = random.Random(7)
    Member.objects.bulk_create(
        [
            Member(msisdn=f"+849{(index * 7919 + 1_000_003) % 100_000_000:08d}",
                   account_number=f"ACR{index:09d}",
                   activation_date=dt.date(2026, 1, 1) - dt.timedelta(days=rng.randrange(3650)))
            for index in range(count)
        ],
        batch_size=5000,
    )
    return list(Member.objects.order_by("pk").values_list("pk", "msisdn"))


def _rules_and_tiers() -> None:
    from rewards.earning.models import EarningRule
    from rewards.tiers.models import Tier

    for name, kind, fields in [
        ("Bills", "bill_paid", {"amount_points": 1, "amount_step": 10_000}),
        ("Top-ups", "top_up", {"amount_points": 1, "amount_step": 20_000}),
        ("Data", "usage",
         {"data_points": 1, "data_step_mb": 1024, "voice_points": 1, "voice_step_minutes": 60}),
    ]:
        EarningRule.objects.create(name=name, event_kind=kind, live=True, **fields)
    for rank, (code, spend) in enumerate([("member", 0), ("silver", 3_000_000), ("gold", 10_000_000)], 1):
        Tier.objects.create(code=code, name=code.title(), rank=rank, min_rolling_spend=spend, live=True)


def events_for(members: list[tuple[int, str]], size: int, *, prefix: str = "ev") -> list[dict]:
    """``size`` valid events (45% bills, 30% top-ups, 25% usage) over the last ten months."""
    rng = random.Random(size)
    events = []
    for index in range(size):
        _pk, msisdn = members[rng.randrange(len(members))]
        month = rng.randrange(1, 11)
        occurred = dt.datetime(2026, month, rng.randrange(1, 28), rng.randrange(24), tzinfo=dt.UTC)
        roll = rng.random()
        event = {"event_id": f"{prefix}-{index}", "msisdn": msisdn, "occurred_at": occurred.isoformat()}
        if roll < 0.45:
            event.update(kind="bill_paid", amount=str(rng.randrange(50, 900) * 1000),
                         period=f"2026-{month:02d}")
        elif roll < 0.75:
            event.update(kind="top_up", amount=str(rng.choice([20, 50, 100, 200]) * 1000), channel="card")
        else:
            event.update(kind="usage", period=f"2026-{month:02d}", data_mb=rng.randrange(0, 20_000),
                         voice_minutes=rng.randrange(0, 600), sms=rng.randrange(0, 50))
        events.append(event)
    return events


def _copy_rows_per_second(size: int, member_ids: list[int]) -> float:
    from django.db import connection
    from django.utils import timezone

    from bench.harness import seconds
    from rewards.ledger.models import LedgerEntry

    now = timezone.now()
    rows = [(member_ids[index % len(member_ids)], "earn", 12, "bill 120000 x 1 per 10000", "billing_event",
             f"ev-{index}", f"earn:ev-{index}", now) for index in range(size)]
    columns = "member_id, kind, points, reason, source_type, source_ref, idempotency_key, created_at"
    best = None
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_ledger (LIKE {LedgerEntry._meta.db_table} INCLUDING ALL)")
        for _run in range(BASELINE_RUNS):
            cursor.execute("TRUNCATE bench_ledger")

            def copy() -> None:
                with cursor.cursor.copy(f"COPY bench_ledger ({columns}) FROM STDIN") as stream:
                    for row in rows:
                        stream.write_row(row)

            elapsed = seconds(copy)
            best = elapsed if best is None else min(best, elapsed)
        cursor.execute("DROP TABLE bench_ledger")
    return size / best


_FLOOR_EVENT_COLUMNS = (
    "event_id, kind, member_id, occurred_at, received_at, state, source, batch_ref, amount, period, "
    "channel, data_mb, voice_minutes, sms, plan_name, payment_plan, tariff_kind, status, churn_reason, "
    "reverses, reversed_by"
)


def _write_floor_events_per_second(events: list[dict], member_by_msisdn: dict[str, int]) -> float:
    """Events/s of the bare writes an applied event needs, in batches like the real path;
    everything is rolled back, so the database is left as the measured run left it."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.harness import seconds
    from rewards.activity.models import MonthlyActivity
    from rewards.billing.models import BillingEvent
    from rewards.ledger.models import LedgerEntry, PointLot, PointsAccount

    now = timezone.now()
    expires = now + dt.timedelta(days=365)
    event_table, entry_table, lot_table = (m._meta.db_table for m in (BillingEvent, LedgerEntry, PointLot))
    account_table, activity_table = PointsAccount._meta.db_table, MonthlyActivity._meta.db_table

    def write(cursor, batch: list[dict]) -> None:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{entry_table}', 'id')) "
                       "FROM generate_series(1, %s)", [len(batch)])
        entry_ids = [row[0] for row in cursor.fetchall()]
        member_ids = [member_by_msisdn[event["msisdn"]] for event in batch]
        raw = cursor.cursor
        with raw.copy(f"COPY {event_table} ({_FLOOR_EVENT_COLUMNS}) FROM STDIN") as copy:
            for event, member_id in zip(batch, member_ids, strict=True):
                copy.write_row((f"floor-{event['event_id']}", event["kind"], member_id, now, now, "applied",
                                "file", "floor", event.get("amount"), None, "", 0, 0, 0, "", "", "", "", "",
                                "", ""))
        with raw.copy(f"COPY {entry_table} (id, member_id, kind, points, reason, source_type, source_ref, "
                      "idempotency_key, created_at) FROM STDIN") as copy:
            for event, member_id, entry_id in zip(batch, member_ids, entry_ids, strict=True):
                copy.write_row((entry_id, member_id, "earn", 12, "floor", "billing_event", event["event_id"],
                                f"floor:{event['event_id']}", now))
        with raw.copy(f"COPY {lot_table} (member_id, earn_entry_id, points, remaining, status, earned_at, "
                      "clears_at, expires_at, restorations) FROM STDIN") as copy:
            for member_id, entry_id in zip(member_ids, entry_ids, strict=True):
                copy.write_row((member_id, entry_id, 12, 12, "active", now, now, expires, 0))
        touched = "{" + ",".join(map(str, sorted(set(member_ids)))) + "}"
        cursor.execute(f"UPDATE {account_table} SET available = available + 12 "
                       "WHERE member_id = ANY(%s::bigint[])", [touched])
        cursor.execute(f"UPDATE {activity_table} SET spend = spend + 1 "
                       "WHERE member_id = ANY(%s::bigint[]) AND month = '2026-03-01'", [touched])

    elapsed = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(events), BATCH):
            batch = events[start:start + BATCH]
            elapsed += seconds(lambda batch=batch: write(cursor, batch))
            # the foreign-key checks a commit would run
            elapsed += seconds(lambda: cursor.execute("SET CONSTRAINTS ALL IMMEDIATE"))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        transaction.set_rollback(True)
    return len(events) / elapsed


def _ingest_all(events: list[dict]) -> list:
    from rewards.billing.services import billing_events_ingest

    return [billing_events_ingest(events=events[start:start + BATCH], source="file")
            for start in range(0, len(events), BATCH)]


def run(*, size: int):
    from django.db import connection

    from bench.harness import BenchResult, seconds
    from rewards.activity.models import MonthlyActivity
    from rewards.ledger.models import LedgerEntry, PointsAccount
    from rewards.tiers.models import MemberTier

    members = _members_create(min(MEMBERS, max(size // 5, 1)))
    _rules_and_tiers()
    history = events_for(members, min(size, 50_000), prefix="history")
    _ingest_all(history)  # members with a history: the activity and tier rows exist
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    baseline = _copy_rows_per_second(size, [pk for pk, _ in members])
    events = events_for(members, size)
    reports: list = []
    elapsed = seconds(lambda: reports.extend(_ingest_all(events)))
    applied = sum(report.counts["applied"] for report in reports)
    if applied != size:
        raise RuntimeError(f"expected {size} events applied, got {applied}")
    replays: list = []
    replay_elapsed = seconds(lambda: replays.extend(_ingest_all(events)))
    duplicates = sum(report.counts["duplicate"] for report in replays)
    if duplicates != size:
        raise RuntimeError(f"expected {size} duplicates on replay, got {duplicates}")
    floor = _write_floor_events_per_second(events, {msisdn: pk for pk, msisdn in members})
    entries = LedgerEntry.objects.count()
    balance = sum(PointsAccount.objects.values_list("available", flat=True)) + sum(
        PointsAccount.objects.values_list("pending", flat=True))
    return BenchResult(
        scenario=NAME, size=size, value=size / elapsed, unit=UNIT, baseline=baseline,
        notes=[
            f"accrual: {size} events on {len(members)} members in {elapsed:.2f} s "
            f"({size / elapsed:,.0f} events/s; {entries} ledger entries, {balance} points, "
            f"{MonthlyActivity.objects.count()} activity rows, {MemberTier.objects.count()} tier rows, "
            f"{sum(r.tier_changes for r in reports)} tier changes)",
            f"replay of the same {size} events (all duplicates): {replay_elapsed:.2f} s "
            f"({size / replay_elapsed:,.0f} events/s, {elapsed / replay_elapsed:.1f}x the first pass)",
            f"COPY baseline (ledger-shaped, indexed): best of {BASELINE_RUNS}: {size / baseline:.2f} s",
            f"write floor (an applied event's rows COPY-ed straight in, no logic, rolled back): "
            f"{floor:,.0f} events/s, ratio {floor / baseline:.3f}: no implementation of this data model "
            f"can do better",
        ],
    )
