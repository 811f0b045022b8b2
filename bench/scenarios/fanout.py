"""``fanout``: audience members sent per second, against a raw ``INSERT ... SELECT`` of the same
audience in the same run.

value: members/s of a one-shot campaign's whole send after the members already have a history
of deliveries: the run and its wave, the wave cut into chunks (keyset over the audience), then
``FANOUT_LANES`` lanes (threads with a connection each, like two workers on this 2-core
machine) working the chunks with the real ``wave_chunk_work``: the audience, every cap in SQL
(campaign window, gap and lifetime, channel caps, fatigue, member limits, consents, quiet
hours, holdout) with a Delivery or Suppression row per member and channel, the run chunk's
done flag, and ``deliveries_send`` tasks published to the broker after each commit (on a
private queue, purged afterwards, never consumed). The campaign sends on the portal and by SMS.
baseline: members/s of one uncapped ``INSERT INTO <copy of the delivery table> SELECT ... FROM
members WHERE <the same audience>``, a row per member and channel, into a table with the
delivery table's columns, constraints and indexes; the best of two.
notes: the same send without any history (cost flat in past deliveries?), the SQL phase alone
(members / the seconds spent inside ``contacts_reserve``, summed over the lanes: the
single-core figure to compare with the single-statement baseline), the enqueue and planning.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid

NAME = "fanout"
DEFAULT_SIZE = 1_000_000
UNIT = "members/s"
BASELINE_RUNS = 2
HISTORY_PER_MEMBER = 3  # past deliveries per member, over the last 400 days (some in the cap windows)


def _members_create(size: int) -> None:
    """``size`` members in one server-side INSERT: 90% active, 75% with marketing consent,
    60% of those with SMS consent, a few with their own weekly limit or quiet hours."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO members_member (msisdn, account_number, customer_type, activation_date, payment_plan,
                tariff_kind, plan_name, region, city, language, status, churn_reason, segment,
                consent_marketing, consent_profiling, consent_email, consent_sms, consent_portal,
                max_messages_per_week, quiet_hours_start, quiet_hours_end, time_zone, attributes,
                billing_detail_digest, created_at, updated_at)
            SELECT '+849' || lpad(((i * 7919 + 1000003) %% 100000000)::text, 8, '0'),
                'FAN' || lpad(i::text, 9, '0'), 'individual', date '2016-01-01' + (i %% 3650)::int, 'prepaid',
                'metered', 'Basic', 'Hà Nội', 'Hà Nội', 'vi',
                CASE WHEN i %% 10 = 0 THEN 'suspended' ELSE 'active' END, '', '',
                i %% 4 <> 0, true, false, i %% 5 < 3, true,
                CASE WHEN i %% 20 = 1 THEN 2 END,
                CASE WHEN i %% 50 = 7 THEN time '22:00' END, CASE WHEN i %% 50 = 7 THEN time '07:00' END,
                'Asia/Ho_Chi_Minh', '{}', '', now(), now()
            FROM generate_series(1::bigint, %s) AS i
            """,
            [size],
        )
        # Every member has its lock row, as after any earlier send: the first send to a new
        # base also creates them, which would make "without history" the slower run for a
        # reason that is not history.
        cursor.execute("INSERT INTO contact_contactstate (member_id) SELECT id FROM members_member")
        cursor.execute("VACUUM ANALYZE members_member, contact_contactstate")


def _history_create(campaigns: list[int], now: dt.datetime) -> int:
    """``HISTORY_PER_MEMBER`` sent deliveries per member from older campaigns, spread over 400
    days, about one in eight inside the 7-day cap windows."""
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for index, campaign_id in enumerate(campaigns[:HISTORY_PER_MEMBER]):
            cursor.execute(
                """
                INSERT INTO contact_delivery (campaign_id, topic, member_id, channel, occurrence, status,
                    marketing, counts_toward_caps, cost, reserved_at, sent_at, error)
                SELECT %s, '', m.id, CASE WHEN m.id %% 3 = 0 THEN 'sms' ELSE 'portal' END, 'once', 'sent',
                    true, true, 0, %s - make_interval(hours => ((m.id * 37 + %s * 101) %% 9600)::int),
                    %s - make_interval(hours => ((m.id * 37 + %s * 101) %% 9600)::int), ''
                FROM members_member m
                """,
                [campaign_id, now, index, now, index],
            )
            rows += cursor.rowcount
        cursor.execute("VACUUM ANALYZE contact_delivery")
    return rows


def _campaign(name: str, **fields):
    from campaigns.audiences.models import Audience
    from campaigns.models import Campaign

    audience, _ = Audience.objects.get_or_create(name="Everyone (bench)")
    values = {
        "name": name, "objective": "retain", "relationship_tier": "financial", "audience": audience,
        "send_portal": True, "send_sms": True, "live": True, "priority": 50,
        "max_per_window": 2, "window_days": 30, "min_gap_hours": 24, "lifetime_max": 10,
        "holdout_percent": 5,
    }
    return Campaign.objects.create(**{**values, **fields})


def _policy() -> None:
    from campaigns.contact.models import ContactPolicy

    policy = ContactPolicy.load()  # the defaults: SMS 3 and email 4 a week, fatigue 6, quiet 21:00-08:00
    policy.save()


def _baseline(campaign, channels: list[str], at: dt.datetime) -> float:
    """members/s of one uncapped INSERT ... SELECT of the audience, a row per channel."""
    from django.db import connection

    from bench.harness import seconds
    from campaigns.audiences.selectors import audience_members
    from campaigns.sends.selectors import local_day

    members = audience_members(audience=campaign.audience, on=local_day(at)).order_by().values("id")
    members_sql, params = members.query.sql_with_params()
    count = members.count()
    best = None
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_delivery (LIKE contact_delivery INCLUDING ALL)")
        for _run in range(BASELINE_RUNS):
            cursor.execute("TRUNCATE bench_delivery")

            def insert() -> None:
                cursor.execute(
                    "INSERT INTO bench_delivery (campaign_id, topic, member_id, channel, occurrence, status, "
                    "marketing, counts_toward_caps, cost, reserved_at, error) "
                    "SELECT %s, '', a.id, c.channel, 'once', 'reserved', true, true, 0, %s, '' "
                    f"FROM ({members_sql}) a "
                    "CROSS JOIN unnest(%s::text[]) AS c(channel)",
                    [campaign.pk, at, *params, channels],
                )

            elapsed = seconds(insert)
            best = elapsed if best is None else min(best, elapsed)
        cursor.execute("DROP TABLE bench_delivery")
    return count / best


class _Timed:
    """Seconds spent inside ``contacts_reserve`` (all lanes) and in publishing tasks."""

    def __init__(self):
        self.reserve = 0.0
        self.enqueue = 0.0
        self.lock = threading.Lock()

    def wrap(self, module, name: str, attribute: str):
        real = getattr(module, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                with self.lock:
                    setattr(self, attribute, getattr(self, attribute) + time.perf_counter() - started)

        setattr(module, name, timed)
        return real


def _send(campaign, lanes: int) -> dict:
    """The whole send of ``campaign``: run, wave, plan, lanes; returns its figures."""
    from django.db import connection
    from django.utils import timezone

    from campaigns.contact import services as contact_services
    from campaigns.contact import tasks as contact_tasks
    from campaigns.sends.models import Run
    from campaigns.sends.services import wave_plan, wave_work
    from campaigns.sends.services.plan import runs_start

    timed = _Timed()
    real_reserve = timed.wrap(contact_services, "contacts_reserve", "reserve")
    timed.wrap(contact_tasks.deliveries_send_task, "apply_async", "enqueue")  # publishing, after each commit
    errors: list[BaseException] = []

    def lane(wave_id: int) -> None:
        try:
            wave_work(wave_id=wave_id, seconds=float("inf"))
        except BaseException as exc:  # noqa: BLE001 - reported after the join
            errors.append(exc)
        finally:
            connection.close()

    with connection.cursor() as cursor:  # statistics as autovacuum keeps them in production
        cursor.execute("ANALYZE contact_delivery, contact_suppression, contact_contactstate")
    try:
        started = time.perf_counter()
        wave, runs = runs_start(due=[(campaign, "once")], now=timezone.now())
        plan_started = time.perf_counter()
        chunks = wave_plan(wave_id=wave.pk)
        planned = time.perf_counter() - plan_started
        threads = [threading.Thread(target=lane, args=(wave.pk,)) for _ in range(lanes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        contact_services.contacts_reserve = real_reserve
        del contact_tasks.deliveries_send_task.apply_async  # the task class's own method again
    if errors:
        raise errors[0]
    run = Run.objects.get(pk=runs[0].pk)
    if run.status != "done":
        raise RuntimeError(f"the run ended {run.status}")
    return {"elapsed": elapsed, "reserve": timed.reserve, "enqueue": timed.enqueue, "plan": planned,
            "chunks": chunks, "members": run.delivered + run.held_out + sum(run.suppressed.values()),
            "delivered": run.delivered, "held_out": run.held_out, "suppressed": run.suppressed}


def _private_queue():
    """Publish to a queue of our own on the configured broker, never eagerly; purge it after."""
    from config.celery import app

    queue = f"bench-fanout-{uuid.uuid4().hex[:8]}"
    saved = {name: app.conf[name] for name in ("task_always_eager", "task_default_queue")}
    app.conf.update(task_always_eager=False, task_default_queue=queue)

    def restore() -> int:
        with app.connection_for_write() as conn:
            purged = conn.default_channel.queue_purge(queue) or 0
        app.conf.update(saved)
        return purged

    return restore


def run(*, size: int):
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from bench.harness import BenchResult, seconds

    lanes = int(os.environ.get("FANOUT_LANES", "2"))
    settings.SENDS_CHUNK_SIZE = int(os.environ.get("FANOUT_CHUNK", "2000"))
    create_seconds = seconds(lambda: _members_create(size))
    _policy()
    restore_queue = _private_queue()
    try:
        fresh = _send(_campaign("Fan-out without history"), lanes)
        now = timezone.now()
        past = [_campaign(f"Past campaign {i}", live=False).pk for i in range(HISTORY_PER_MEMBER)]
        started = time.perf_counter()
        history_rows = _history_create(past, now)
        history_seconds = time.perf_counter() - started
        measured_campaign = _campaign("Fan-out with history")
        baseline = _baseline(measured_campaign, ["portal", "sms"], now)
        measured = _send(measured_campaign, lanes)
    finally:
        purged = restore_queue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contact_delivery")
        deliveries = cursor.fetchone()[0]
    value = measured["members"] / measured["elapsed"]
    sql_rate = measured["members"] / measured["reserve"]
    fresh_rate = fresh["members"] / fresh["elapsed"]

    def line(label: str, figures: dict) -> str:
        return (
            f"{label}: {figures['members']:,} audience members in {figures['elapsed']:.2f} s "
            f"({figures['members'] / figures['elapsed']:,.0f}/s) with {lanes} lanes, {figures['chunks']} "
            f"chunks of {settings.SENDS_CHUNK_SIZE}; plan {figures['plan']:.2f} s, inside contacts_reserve "
            f"{figures['reserve']:.2f} s (summed over lanes), enqueue {figures['enqueue']:.2f} s; delivered "
            f"{figures['delivered']:,}, held out {figures['held_out']:,}, suppressed {figures['suppressed']}"
        )

    return BenchResult(
        scenario=NAME, size=size, value=value, unit=UNIT, baseline=baseline,
        notes=[
            f"fanout: {size:,} members created in {create_seconds:.1f} s; history: {history_rows:,} past "
            f"deliveries in {history_seconds:.1f} s; {deliveries:,} delivery rows at the end; "
            f"{purged} tasks published and purged",
            line("without history", fresh),
            line("with history (the value)", measured),
            f"baseline INSERT ... SELECT (uncapped, 2 channels, best of {BASELINE_RUNS}): "
            f"{baseline:,.0f} members/s",
            f"ratios: end to end {value / baseline:.3f} (with history), "
            f"{fresh_rate / baseline:.3f} (without); "
            f"SQL phase {sql_rate:,.0f} members/s per core, ratio {sql_rate / baseline:.3f}; "
            f"with history / without: {value / fresh_rate:.2f}",
        ],
    )
