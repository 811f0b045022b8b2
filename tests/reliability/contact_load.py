"""The r9/r9b workload: concurrent workers send six campaigns to 2,000 members over five days
through every path that writes a contact (chunks, the single-member path through the Redis
gate, portal impressions), with about 5% of emails and SMS failing; then SQL checks every cap
over every window of the result.
"""

from __future__ import annotations

import datetime as dt
import queue
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q

from campaigns.audiences.models import Audience
from campaigns.contact.models import CampaignBudget, ContactPolicy, Delivery, Suppression
from campaigns.contact.services import (
    RunSlice,
    contact_reserve_member,
    contacts_reserve,
    deliveries_send,
    impressions_record,
)
from campaigns.contact.services import gate as gate_module
from campaigns.models import Campaign, CampaignMessage
from club.accounts.models import User
from club.members.models import Member

T0 = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Ho Chi Minh City
DAYS = 5
WORKERS = 8
CHUNK = 200
BATCH = 50
SMS_CAP, EMAIL_CAP, FATIGUE_CAP, WEEKLY_LIMIT = 3, 3, 5, 2
ZONES = ["Asia/Ho_Chi_Minh", "Europe/London", "America/New_York", "Australia/Lord_Howe"]
FLAKY = {
    "SMS_BACKEND": "tests.integration.contact.backends.FlakySmsBackend",
    "EMAIL_BACKEND": "tests.integration.contact.backends.FlakyEmailBackend",
}

# name, channels, priority, caps
CAMPAIGNS = [
    ("C1", {"send_sms": True}, 90, {"max_per_window": 2, "window_days": 7, "min_gap_hours": 20}),
    ("C2", {"send_sms": True, "send_email": True}, 70, {"lifetime_max": 3}),
    ("C3", {"send_email": True, "send_portal": True}, 50, {"max_per_window": 1, "window_days": 3}),
    (
        "C4",
        {"send_portal": True, "send_sms": True},
        40,
        {"budget": Decimal(150_000), "cost_per_delivery": Decimal(50)},
    ),
    ("C5", {"send_email": True, "send_sms": True}, 30, {"holdout_percent": Decimal(10)}),
    ("C6", {"send_sms": True}, 60, {"max_per_window": 3, "window_days": 7, "min_gap_hours": 12}),
]


@dataclass
class Load:
    campaigns: dict[str, Campaign]
    member_ids: list[int]
    cohort: list[int]  # reached one by one (C6) and whose inbox is viewed


def setup_load(*, members: int, cohort: int) -> Load:
    policy = ContactPolicy.load()
    for name, value in {
        "portal_max": None,
        "email_max": EMAIL_CAP,
        "sms_max": SMS_CAP,
        "fatigue_max": FATIGUE_CAP,
        "quiet_hours_start": None,
        "quiet_hours_end": None,
        "sms_cost": Decimal(250),
        "email_cost": Decimal(10),
        "portal_cost": Decimal(0),
    }.items():
        setattr(policy, name, value)
    policy.save()
    rng = random.Random(9)
    users = User.objects.bulk_create(
        [User(email=f"r9-{i}@example.test", password="!") for i in range(members)]
    )
    rows = []
    for i in range(members):
        rows.append(
            Member(
                msisdn=f"+8491{i:07d}",
                account_number=f"R9{i:08d}",
                activation_date=dt.date(2020, 1, 1),
                language=rng.choice(["en", "vi"]),
                time_zone=rng.choice(ZONES),
                consent_marketing=rng.random() > 0.03,
                consent_sms=rng.random() > 0.05,
                consent_email=rng.random() > 0.05,
                consent_portal=True,
                max_messages_per_week=WEEKLY_LIMIT if rng.random() < 0.1 else None,
                user=users[i] if i % 2 == 0 else None,
            )
        )
    member_ids = [m.pk for m in Member.objects.bulk_create(rows)]
    audience = Audience.objects.create(name="r9 everyone")
    campaigns = {}
    for name, channels, priority, caps in CAMPAIGNS:
        fields = {"send_portal": False, **channels}
        campaign = Campaign.objects.create(
            name=name,
            objective="retain",
            relationship_tier="financial",
            audience=audience,
            live=True,
            priority=priority,
            **fields,
            **caps,
        )
        for language in ("en", "vi"):
            CampaignMessage.objects.create(
                campaign=campaign,
                language=language,
                title=f"{name} {language}",
                body=f"{name} body",
                sms_text=f"{name} sms {language}",
            )
        campaigns[name] = campaign
    return Load(campaigns=campaigns, member_ids=member_ids, cohort=member_ids[:cohort])


@pytest.fixture
def gate_settings(settings):
    """Flaky channels, and the gate's keys under a prefix of this test's own."""
    settings.CONTACT_GATE_PREFIX = f"test:r9:{uuid.uuid4().hex[:12]}:"
    for name, value in FLAKY.items():
        setattr(settings, name, value)
    yield
    _flush_gate()


MemberPath = Callable[..., object]


@dataclass
class Figures:
    tasks: int = 0
    reserved: int = 0
    sent: int = 0
    failed: int = 0
    impressions: int = 0
    impressions_refused: int = 0
    flushed_keys: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _day(k: int) -> dt.datetime:
    return T0 + dt.timedelta(days=k)


def _tasks(load: Load, rng: random.Random) -> list[tuple]:
    c = load.campaigns
    lo, hi = min(load.member_ids), max(load.member_ids) + 1
    cohort = set(load.cohort)
    tasks = []
    for k in range(DAYS):
        day = []
        for start in range(lo, hi, CHUNK):
            end = min(start + CHUNK, hi)
            day.append(
                (
                    "chunk",
                    _day(k),
                    [RunSlice(c["C1"], f"d{k}"), RunSlice(c["C2"], f"d{k}"), RunSlice(c["C3"], f"d{k}")],
                    start,
                    end,
                )
            )
            day.append(
                (
                    "chunk",
                    _day(k) + dt.timedelta(hours=1),
                    [
                        RunSlice(c["C4"], f"d{k}"),
                        RunSlice(c["C5"], f"d{k}"),
                        RunSlice(c["C6"], f"d{k}", extra_filter=~Q(pk__in=cohort)),
                    ],
                    start,
                    end,
                )
            )
        for start in range(0, len(load.cohort), BATCH):
            batch = load.cohort[start : start + BATCH]
            day.append(("members", _day(k) + dt.timedelta(hours=2), RunSlice(c["C6"], f"d{k}"), batch))
            day.append(("views", _day(k) + dt.timedelta(hours=3), batch))
        rng.shuffle(day)
        tasks.extend(day)
    return tasks


def _flush_gate() -> int:
    client = gate_module.client()
    keys = list(client.scan_iter(match=f"{gate_module.key_prefix()}*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


def run_load(
    load: Load,
    *,
    member_path: MemberPath = contact_reserve_member,
    flush_at: tuple[float, ...] = (),
    seed: int = 9,
) -> Figures:
    """Run every task on ``WORKERS`` threads (one database connection each); flush the gate's
    keys when the given shares of the tasks are done."""
    figures = Figures()
    tasks = _tasks(load, random.Random(seed))
    work: queue.Queue = queue.Queue()
    for task in tasks:
        work.put(task)
    lock = threading.Lock()
    flush_after = sorted(int(share * len(tasks)) for share in flush_at)

    def send(ids, at):
        report = deliveries_send(delivery_ids=ids, now=at)
        with lock:
            figures.reserved += len(ids)
            figures.sent += report.sent
            figures.failed += report.failed

    def run(task):
        kind, at = task[0], task[1]
        if kind == "chunk":
            _kind, _at, slices, start, end = task
            outcomes = contacts_reserve(slices=slices, id_from=start, id_to=end, at=at)
            send([i for o in outcomes.values() for i in o.delivery_ids], at)
        elif kind == "members":
            _kind, _at, run_slice, batch = task
            ids = []
            for member_id in batch:
                ids.extend(member_path(run_slice=run_slice, member_id=member_id, at=at).delivery_ids)
            send(ids, at)
        else:
            _kind, _at, batch = task
            for member_id in batch:
                offers = list(
                    Delivery.objects.filter(member_id=member_id, channel="portal", status="sent")
                    .order_by("id")
                    .values_list("id", flat=True)
                )
                if offers:
                    outcome = impressions_record(member_id=member_id, delivery_ids=offers, at=at)
                    with lock:
                        figures.impressions += len(offers) - len(outcome.refused)
                        figures.impressions_refused += len(outcome.refused)

    def worker():
        try:
            while True:
                try:
                    task = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    run(task)
                except Exception as exc:  # counted: the test fails on any
                    with lock:
                        figures.errors.append(f"{task[0]}: {type(exc).__name__}: {exc}")
                with lock:
                    figures.tasks += 1
                    while flush_after and figures.tasks >= flush_after[0]:
                        flush_after.pop(0)
                        figures.flushed_keys.append(_flush_gate())
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.seconds = time.perf_counter() - started
    return figures


LIVE = "status <> 'failed' AND counts_toward_caps"


def _count(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _over_window(events: str, window: dt.timedelta, cap: str, params: list, member_filter: str = "") -> int:
    """Members with more than ``cap`` events in some window ``(t - window, t]``, t an event."""
    return _count(
        f"WITH ev AS ({events}) SELECT count(DISTINCT a.member_id) FROM ev a JOIN members_member m "
        f"ON m.id = a.member_id WHERE {member_filter or 'true'} AND (SELECT count(*) FROM ev b "
        f"WHERE b.member_id = a.member_id AND b.t > a.t - %s AND b.t <= a.t) > {cap}",
        [*params, window],
    )


def violations(load: Load) -> dict[str, int]:
    """Members over each cap, over every window of the result (0 everywhere is the invariant)."""
    week = dt.timedelta(days=7)
    out: dict[str, int] = {}
    pushed = (
        f"SELECT member_id, reserved_at AS t FROM contact_delivery WHERE {LIVE}"
        " AND channel IN ('email', 'sms')"
        f" UNION ALL SELECT member_id, viewed_at FROM contact_delivery WHERE {LIVE} AND viewed_at IS NOT NULL"
    )
    out["fatigue"] = _over_window(pushed, week, str(FATIGUE_CAP), [])
    out["member_limit"] = _over_window(
        pushed, week, "m.max_messages_per_week", [], "m.max_messages_per_week IS NOT NULL"
    )
    for channel, cap in (("sms", SMS_CAP), ("email", EMAIL_CAP)):
        events = f"SELECT member_id, reserved_at AS t FROM contact_delivery WHERE {LIVE} AND channel = %s"
        out[f"{channel}_cap"] = _over_window(events, week, str(cap), [channel])
    for campaign in load.campaigns.values():
        cid = campaign.pk
        occurrences = (
            "SELECT member_id, occurrence, min(reserved_at) AS t FROM contact_delivery "
            f"WHERE status <> 'failed' AND campaign_id = {cid} GROUP BY member_id, occurrence"
        )
        if campaign.max_per_window:
            out[f"{campaign.name}_window"] = _over_window(
                f"SELECT member_id, t FROM ({occurrences}) o",
                dt.timedelta(days=campaign.window_days),
                str(campaign.max_per_window),
                [],
            )
        if campaign.min_gap_hours:
            out[f"{campaign.name}_gap"] = _count(
                f"WITH o AS ({occurrences}) SELECT count(DISTINCT a.member_id) FROM o a JOIN o b ON "
                "a.member_id = b.member_id AND a.occurrence <> b.occurrence"
                " AND b.t <= a.t AND b.t > a.t - %s",
                [dt.timedelta(hours=campaign.min_gap_hours)],
            )
        if campaign.lifetime_max:
            out[f"{campaign.name}_lifetime"] = _count(
                f"SELECT count(*) FROM (SELECT member_id FROM ({occurrences}) o GROUP BY member_id "
                f"HAVING count(*) > {campaign.lifetime_max}) x",
                [],
            )
        if campaign.budget is not None:
            spent = (
                CampaignBudget.objects.filter(campaign=campaign).values_list("spent", flat=True).first() or 0
            )
            live_cost = sum(
                Delivery.objects.filter(campaign=campaign)
                .exclude(status="failed")
                .values_list("cost", flat=True)
            )
            out[f"{campaign.name}_budget"] = int(spent > campaign.budget) + int(spent != live_cost)
    out["consent"] = _count(
        "SELECT count(*) FROM contact_delivery d JOIN members_member m ON m.id = d.member_id "
        "WHERE d.status <> 'failed' AND (NOT m.consent_marketing"
        " OR (d.channel = 'sms' AND NOT m.consent_sms) "
        "OR (d.channel = 'email' AND NOT m.consent_email))",
        [],
    )
    return out


def freed_slots_reused() -> int:
    """Members with a window where live + failed SMS exceed the cap: only possible if a failed
    SMS freed its slot and a later one took it."""
    events = (
        "SELECT member_id, reserved_at AS t FROM contact_delivery"
        " WHERE channel = 'sms' AND counts_toward_caps"
    )
    return _over_window(events, dt.timedelta(days=7), str(SMS_CAP), [])


def failed_share() -> float:
    pushed = Delivery.objects.filter(channel__in=["email", "sms"]).exclude(status="reserved")
    return pushed.filter(status="failed").count() / max(pushed.count(), 1)


def gate_refusals() -> int:
    return Suppression.objects.filter(detail="refused by the Redis gate").count()
