"""r19: the seeded soak. For SOAK_SECONDS (120 by default; 1800 on demand) three clients feed
the real system a seeded stream (billing batches with duplicates, reordering and reversals;
signed Stripe webhooks duplicated and shuffled with forged and stale ones; redemptions of
limited stock; partner code redemptions; RSVPs; campaigns sent under frequency caps and
budgets; cross-member probes and bad input), real Celery workers do the sends, and a chaos
thread SIGKILLs the workers, restarts (so empties) the private Redis and replays inputs. After
a drain, every invariant of DESIGN.md is checked. See docs/soak.md."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import queue
import random
import re
import sys
import tempfile
import threading
import time
import traceback

import pytest
import redis
from django.db import connection
from django.utils import timezone

from campaigns.contact.models import Delivery, DeliveryStatus, Suppression
from campaigns.contact.services.sending import LOST_AFTER, deliveries_send_due
from campaigns.sends.models import Run, RunStatus
from campaigns.sends.services import sends_tick
from club.events.models import Rsvp
from club.membership.models import StripeEventInbox
from club.membership.tasks import stripe_inbox_drain_task
from club.profiles.services.pending import profiles_refresh_pending_count
from club.profiles.tasks import profiles_refresh_drain_task
from config.celery import app
from partners.api import ratelimit
from partners.api.services.keys import api_key_cache_clear
from partners.copromotions.models import PartnerRedemption
from rewards.catalogue.models import Redemption
from rewards.ledger.models import LedgerEntry
from tests.membership_stripe import POINTS_PER_INVOICE, WEBHOOK_SECRET

from . import soak_checks as checks
from .celery_workers import Workers
from .soak_support import (
    PrivateRedis,
    Step,
    Stream,
    chaos_schedule,
)
from .soak_support import sms_sent as read_sms
from .soak_world import (
    CLIENTS,
    OUTAGES,
    PARTNER_COST,
    SMS_CAP,
    SMS_COST,
    Runner,
    Tally,
    is_outage,
    stripe_renewals,
    world_build,
)

pytestmark = [
    pytest.mark.soak,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SECONDS = float(os.environ.get("SOAK_SECONDS", 120))
DRAIN_SECONDS = 120
KILL_WAITS_FOR_DRAIN = 5.0  # seconds a kill waits for a worker's drain to hold a batch
# A drain's batch is one transaction that began with SELECT ... FOR UPDATE on the inbox: it holds
# a ROW SHARE lock on the table until it ends (nothing else takes that mode on the inbox: a
# webhook's insert and the drain's final UPDATE take ROW EXCLUSIVE), and it has a transaction id
# once it has locked rows. Its id (with the epoch, as txid_status wants it), or none.
DRAIN_BATCH_SQL = (
    "SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint >> 32 << 32) "
    "| activity.backend_xid::text::bigint FROM pg_locks AS lock "
    "JOIN pg_stat_activity AS activity ON activity.pid = lock.pid "
    "WHERE lock.relation = %s::regclass AND lock.mode = 'RowShareLock' AND lock.granted "
    "AND activity.backend_xid IS NOT NULL AND lock.pid <> pg_backend_pid() LIMIT 1"
)
DRAIN_DONE_IN_WORKER = re.compile(r"Task membership\.stripe_inbox_drain\[[0-9a-f-]+\] succeeded")


def _ledger_rows() -> dict[int, tuple]:
    rows = LedgerEntry.objects.values_list("pk", "member_id", "points", "idempotency_key", "kind")
    return {row[0]: row[1:] for row in rows}


def _sending_ids() -> set[int]:
    return set(Delivery.objects.filter(status=DeliveryStatus.SENDING).values_list("pk", flat=True))


def _wait_for_drain_batch(stop: threading.Event) -> int | None:
    """Wait (at most KILL_WAITS_FOR_DRAIN) until a worker's drain holds a batch of the inbox,
    so that the kill lands in the middle of it: the batch's transaction id, or None."""
    deadline = time.monotonic() + KILL_WAITS_FOR_DRAIN
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and not stop.is_set():
            cursor.execute(DRAIN_BATCH_SQL, [StripeEventInbox._meta.db_table])
            row = cursor.fetchone()
            if row:
                return row[0]
            time.sleep(0.002)
    return None


def _rolled_back(transaction_id: int) -> bool:
    """Whether the transaction ended rolled back (PostgreSQL ends a killed client's at once)."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT txid_status(%s)", [transaction_id])
            status = cursor.fetchone()[0]
            if status != "in progress":
                return status == "aborted"
            time.sleep(0.01)
    return False


def _chaos(schedule, started, stop, workers, private_redis, tally, replay, seed) -> None:
    rng = random.Random(seed * 31 + 7)
    try:
        for at, action in schedule:
            while time.monotonic() - started < at:
                if stop.wait(0.1):
                    return
            if action == "kill":
                batch = _wait_for_drain_batch(stop)
                workers.kill()
                interrupted = batch is not None and _rolled_back(batch)  # not committed just before
                with tally.lock:
                    tally.kills += 1
                    tally.drains_interrupted += interrupted
                tally.in_flight_at_kills |= _sending_ids()  # claimed by a dead worker: may go out twice
                time.sleep(rng.uniform(0.2, 2.0))
                workers.start()
            elif action == "redis":
                private_redis.restart(down_for=rng.uniform(0.1, 1.0))
            else:
                replay(rng)
    except Exception as error:  # the chaos itself broke: report it as such
        tally.violation(f"chaos thread raised {type(error).__name__}: {error}")
    finally:
        connection.close()


def _beat(stop, tally) -> None:
    """Celery beat's share: the sends tick, every second here (every minute in production), and
    the drains of the Stripe inbox and of the profile refreshes, every 5 s here (every minute
    in production: the wake-up a webhook or a billing batch queues is lost with Redis)."""
    seconds = 0
    while not stop.wait(1.0):
        seconds += 1
        try:
            sends_tick(now=timezone.now())
            if seconds % 5 == 0:
                stripe_inbox_drain_task.delay()
                profiles_refresh_drain_task.delay()
                backlog = profiles_refresh_pending_count()
                tally.refreshes_pending_max = max(tally.refreshes_pending_max, backlog)
        except Exception as error:
            if not is_outage(error):
                tally.violation(f"beat: raised {type(error).__name__}: {error}")
    connection.close()


def _queued(workers: Workers) -> int | None:
    """Messages waiting in the workers' queue. (A killed worker's unacknowledged message stays
    in the broker's ``unacked`` hash until the visibility timeout; its work is recovered from
    PostgreSQL by the tick and the due sender, so it is not waited for.)"""
    client = redis.Redis.from_url(workers.conf["broker_url"])
    with contextlib.suppress(redis.RedisError):
        return client.llen(f"{workers.prefix}{workers.queue}")
    return None


def _unsettled(workers: Workers, tally: Tally) -> str:
    runs = Run.objects.exclude(status=RunStatus.DONE).count()
    waiting = (
        Delivery.objects.filter(status__in=[DeliveryStatus.RESERVED, DeliveryStatus.SENDING])
        .exclude(pk__in=tally.in_flight_at_kills)
        .count()
    )
    queued = _queued(workers)
    stripe_pending = StripeEventInbox.objects.filter(processed_at__isnull=True).count()
    refreshes = profiles_refresh_pending_count()
    return (
        ""
        if (runs, waiting, queued, stripe_pending, refreshes) == (0, 0, 0, 0, 0)
        else (f"{runs} runs not done, {waiting} deliveries reserved or sending, {queued} tasks queued, "
              f"{stripe_pending} Stripe events pending, {refreshes} profile refreshes pending")
    )


def _drain(runner: Runner, stream: Stream, workers: Workers, tally: Tally) -> tuple[float, str]:
    """Let the system settle: the held-back events sent, failed steps retried, every run done,
    every delivery handed over (the due sender takes what lost its task with Redis). Returns
    the seconds it took and what was left unsettled (empty when it settled)."""
    started = time.monotonic()
    rest = stream.stripe_rest()
    if rest:
        runner.run(Step(-1, "stripe", {"deliveries": rest}))
    held = stream.held_back()
    if held:
        runner.run(Step(-1, "billing", {"events": held}))
    while tally.retry and time.monotonic() - started < DRAIN_SECONDS:
        with tally.lock:
            pending, tally.retry = tally.retry, []
        for step in pending:
            runner.run(step)
    quiet_since, left = None, "the retries of failed steps"
    while time.monotonic() - started < DRAIN_SECONDS:
        with contextlib.suppress(*OUTAGES):
            sends_tick(now=timezone.now())
            deliveries_send_due(now=timezone.now() + LOST_AFTER + dt.timedelta(seconds=1))
            stripe_inbox_drain_task.delay()  # the beat's, for a wake-up lost with Redis
            profiles_refresh_drain_task.delay()
        left = _unsettled(workers, tally)
        quiet_since = (quiet_since or time.monotonic()) if not left else None
        if quiet_since and time.monotonic() - quiet_since > 2:
            break
        time.sleep(0.5)
    return time.monotonic() - started, left


def test_r19_seeded_soak_keeps_every_invariant(settings, monkeypatch):
    seed = int(os.environ.get("SOAK_SEED", random.randrange(10**6)))
    print(f"\nr19: SOAK_SEED={seed} SOAK_SECONDS={SECONDS:g}", flush=True)
    private_redis = PrivateRedis()
    private_redis.start()
    sms_file = tempfile.NamedTemporaryFile(prefix="troika-soak-sms-", suffix=".jsonl", delete=False).name
    settings.REDIS_URL = settings.CONTACT_GATE_REDIS_URL = private_redis.url
    settings.PARTNER_API_RATELIMIT_REDIS_URL = private_redis.url
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": private_redis.url,
        }
    }
    settings.SMS_BACKEND = "tests.reliability.soak_support.FileSmsBackend"
    settings.SOAK_SMS_FILE = sms_file
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = ""
    settings.SENDS_CHUNK_SIZE, settings.SENDS_LANE_SECONDS = 50, 2.0
    settings.SENDS_STALLED_AFTER = dt.timedelta(seconds=3)
    settings.PARTNER_API_RATELIMIT_PREFIX = f"soak:{seed}:rl:"
    api_key_cache_clear()
    ratelimit.local_windows.clear()
    monkeypatch.setenv("REDIS_URL", private_redis.url)  # what the worker processes are configured with
    # ... and the cache's key prefix of this test: the drains in the workers clear the wake-up
    # flag that the webhooks here set (with another prefix each event would wait for the beat)
    monkeypatch.setenv("CACHE_KEY_PREFIX", settings.CACHES["default"]["KEY_PREFIX"])

    setup_started = time.monotonic()
    world = world_build(seed)
    setup_seconds = time.monotonic() - setup_started
    tally = Tally()
    runner = Runner(world, tally)
    stream = Stream(
        seed, world.sizes, list(range(len(world.deliveries))), stripe_more=lambda: stripe_renewals(world)
    )
    steps = stream.steps()
    work: queue.Queue = queue.Queue()  # unbounded: the chaos thread's replays never wait
    history: list = []

    def replay(rng) -> None:
        if history:
            work.put(history[rng.randrange(len(history))])
            tally.replays += 1

    workers = Workers(
        count=2,
        concurrency=1,
        extra_settings={
            "SMS_BACKEND": settings.SMS_BACKEND,
            "SOAK_SMS_FILE": sms_file,
            "SENDS_CHUNK_SIZE": 50,
            "SENDS_LANE_SECONDS": 2.0,
            "CONTACT_GATE_REDIS_URL": private_redis.url,
        },
    )
    stop = threading.Event()
    try:
        with workers.running():
            # the test process publishes: every drain (the webhooks' wake-ups, the beat's) runs
            # in the workers the chaos kills, never inline here
            assert not app.conf.task_always_eager
            started = time.monotonic()

            def client_loop() -> None:
                try:
                    while not stop.is_set():
                        try:
                            step = work.get(timeout=0.2)
                        except queue.Empty:
                            continue
                        runner.run(step)
                        with tally.lock:
                            tally.steps += 1
                finally:
                    connection.close()

            threads = [threading.Thread(target=client_loop, name=f"client-{n}") for n in range(CLIENTS)]
            threads.append(threading.Thread(target=_beat, name="beat", args=(stop, tally)))
            threads.append(
                threading.Thread(
                    target=_chaos,
                    name="chaos",
                    args=(
                        chaos_schedule(seed, SECONDS),
                        started,
                        stop,
                        workers,
                        private_redis,
                        tally,
                        replay,
                        seed,
                    ),
                )
            )
            for thread in threads:
                thread.start()
            while time.monotonic() - started < SECONDS and not tally.violations:
                if not tally.snapshot and time.monotonic() - started > SECONDS / 2:
                    tally.snapshot = _ledger_rows()  # must be all there, unchanged, at the end
                step = next(steps)
                if step.kind in {"billing", "stripe"}:
                    history.append(step)
                while work.qsize() >= CLIENTS * 2 and time.monotonic() - started < SECONDS:
                    time.sleep(0.01)  # the clients set the pace
                work.put(step)
            stop.set()
            for thread in threads:
                thread.join(60)
                if thread.is_alive():  # a client stuck for a minute: say where
                    frame = sys._current_frames().get(thread.ident)
                    tally.violation(
                        f"thread {thread.name} stuck after the soak:\n"
                        + "".join(traceback.format_stack(frame))
                    )
            while not work.empty():  # steps queued but not taken: run now
                runner.run(work.get_nowait())
            if not workers.processes:
                workers.start()
            drained, unsettled = _drain(runner, stream, workers, tally)
            log_text = workers.log_text()
        connection.close()
        elapsed = time.monotonic() - started

        violations = list(tally.violations)
        if unsettled:
            violations.append(f"drain: not settled after {DRAIN_SECONDS} s: {unsettled}")
        violations += checks.money_exact(stream.billing, PARTNER_COST, SMS_COST)
        violations += checks.ledger_sound(tally.snapshot)
        violations += checks.billing_idempotent(stream.billing)
        violations += checks.profiles_follow_billing()
        violations += checks.stripe_idempotent(
            world.stories, world.fake_stripe, world.attack_ids, tally.delivered_stripe, POINTS_PER_INVOICE
        )
        violations += checks.redemptions_sound(world.stocks, tally.redeem_answers)
        violations += checks.partner_sound(tally.partner_answers, world.other_partner_id)
        violations += checks.caps_of_contact(SMS_CAP)
        sent_check, sms_count = checks.sends_after_commit(read_sms(sms_file), tally.in_flight_at_kills)
        violations += sent_check
        violations += checks.worker_failures(log_text)
        if Redemption.objects.filter(idempotency_key="soak-rolled-back").exists():
            violations.append("side effects: a rolled-back redemption exists")
        if (
            LedgerEntry.objects.filter(member_id=world.bad_member_id).count() != 1
            or Redemption.objects.filter(member_id=world.bad_member_id).exists()
        ):
            violations.append("bad input: the bad member's refused requests changed their points")
        worker_drains = len(DRAIN_DONE_IN_WORKER.findall(log_text))
        if tally.kills < 1 or private_redis.restarts < 1 or tally.drains_interrupted < 1:
            violations.append(
                f"chaos: {tally.kills} kills ({tally.drains_interrupted} during a drain's batch), "
                f"{private_redis.restarts} Redis restarts (>= 1 each)"
            )

        done = {
            "billing events": tally.events_sent,
            "webhooks": tally.webhooks,
            "deliveries": Delivery.objects.exclude(status=DeliveryStatus.FAILED).count(),
            "SMS": sms_count,
            "suppressions": Suppression.objects.count(),
            "redemptions": Redemption.objects.count(),
            "partner redemptions": PartnerRedemption.objects.count(),
            "RSVPs": Rsvp.objects.count(),
        }
        idle = [name for name, count in done.items() if not count]
        if idle:  # a soak that did not exercise a part cannot have tested it
            violations.append(f"activity: nothing of {', '.join(idle)} happened (SOAK_SECONDS too short?)")
        billing = stream.billing
        print(
            f"r19: {elapsed:.0f} s (set-up {setup_seconds:.0f} s, drain {drained:.0f} s), seed {seed}, "
            f"steps {tally.steps}, events sent {tally.events_sent} (dups {billing.duplicates}, malformed "
            f"{len(billing.malformed)}, reversals {len(billing.reversed_ids)}), webhooks {tally.webhooks}, "
            f"replays {tally.replays}, drains in workers {worker_drains}, "
            f"profile refreshes pending at most {tally.refreshes_pending_max}, workers killed {tally.kills} "
            f"({tally.drains_interrupted} drains interrupted), "
            f"Redis restarts {private_redis.restarts}, outage retries {tally.outage_errors}, "
            f"deliveries {done['deliveries']} ({sms_count} SMS, "
            f"{done['suppressions']} suppressed), redemptions {done['redemptions']}, partner redemptions "
            f"{done['partner redemptions']}, RSVPs {done['RSVPs']}, violations={len(violations)}"
        )
        assert violations == [], "broken invariants:\n" + "\n".join(violations)
    finally:
        stop.set()
        private_redis.stop()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(sms_file)
