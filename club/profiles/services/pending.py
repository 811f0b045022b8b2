"""Incremental profile refreshes, coalesced: billing asks, a drain answers (docs/profiles.md).

A batch of billing events, once committed, **asks** for its members' refresh: one INSERT of
a ``PendingRefresh`` row per member, then a wake-up, a drain task queued unless one is queued
and has not started (a flag in the cache, ``add`` only if absent). The **drain** clears the
flag, then, claim after claim, takes every pending row of the ``CLAIM_MEMBERS`` members asked
for longest ago (at most ``CLAIM_ROWS`` rows), runs the pipeline (profile, segments, churn
score) once on those members and deletes the rows, all in one transaction.

- However fast batches arrive, the work is one pipeline run per member and claim, not per
  batch: a member asked for by a hundred batches since the last claim is refreshed once.
- One drain at a time: each claim takes a transaction-level advisory lock first, and a drain
  that cannot have it leaves (the running one loops until nothing is left). Two drains would
  only queue on the same profile rows, and each would hold a worker.
- A drain works for at most ``DRAIN_SECONDS``, then queues its successor at the back of the
  queue and ends, so the workers' other tasks (sends, the Stripe inbox) run in between.
- A drain killed halfway rolls back: its rows come back, for the next drain.
- A row asked for while a drain runs is not among the rows it locked: it stays, and its
  wake-up (the flag was cleared) queues the next drain, or the running drain's next claim
  takes it. A wake-up lost with the cache or the broker (or given up in the moment a drain
  was ending) is covered by the beat's drain, every minute.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from config.coalesce import Coalesced

from ..models import PendingRefresh
from ..pipeline import pipeline_run

logger = logging.getLogger(__name__)

CLAIM_MEMBERS = 5_000  # members one pipeline run refreshes
CLAIM_ROWS = 100_000  # ... and the requests one claim answers at most (the rest: the next claim)
DRAIN_SECONDS = 30.0  # then the drain queues its successor and ends
# pg_try_advisory_xact_lock's key: one drain claims at a time ("PROF" "REFR" in ASCII)
DRAIN_LOCK = 0x50524F46_52454652
WAKE_KEY = "profiles:refresh:drain-queued"
WAKE_SECONDS = 60  # a queued drain that never ran (its worker lost) stops blocking new ones


@dataclass(frozen=True)
class DrainRun:
    claims: int  # pipeline runs (transactions)
    rows: int  # requests answered
    members: int  # members refreshed, counted once per claim


def profiles_refresh_request(member_ids: Iterable[int]) -> None:
    """Ask for the refresh of ``member_ids`` (their billing events are committed): one row each
    in one statement, then a drain's wake-up."""
    ids = sorted({int(member_id) for member_id in member_ids})
    if not ids:
        return
    now = timezone.now()
    PendingRefresh.objects.bulk_create([PendingRefresh(member_id=pk, requested_at=now) for pk in ids])
    profiles_refresh_wake()


def _wake() -> None:
    from ..tasks import profiles_refresh_drain_task  # the tasks module imports this one

    if cache.add(WAKE_KEY, 1, timeout=WAKE_SECONDS):
        profiles_refresh_drain_task.delay()


# At most one wake-up a process per PROFILES_REFRESH_WAKE_SECONDS, and one after every request
# (config/coalesce.py). Eager Celery (tests, the embedded mode) drains in the caller's thread.
_wake_coalesced = Coalesced(
    _wake, lambda: 0 if settings.CELERY_TASK_ALWAYS_EAGER else settings.PROFILES_REFRESH_WAKE_SECONDS
)


def profiles_refresh_wake() -> None:
    """Queue a drain unless one is queued and has not started yet: that one will see the rows
    asked for before this call, because a drain clears the flag before it claims. When the
    cache or the broker is down the rows wait for the beat's drain (every minute)."""
    try:
        _wake_coalesced()
    except Exception:  # the ingest has committed: its refresh waits for the beat, it does not fail
        logger.warning("profiles refresh: the wake-up failed; the beat's drain will pick it up",
                       exc_info=True)


def profiles_refresh_pending_drain(
    *, claim_members: int = CLAIM_MEMBERS, claim_rows: int = CLAIM_ROWS, seconds: float = DRAIN_SECONDS,
    on: dt.date | None = None,
) -> DrainRun:
    """Refresh the members of every pending request, claim after claim, until none is left,
    another drain holds the lock, or ``seconds`` have passed (then the next drain is queued)."""
    try:
        cache.delete(WAKE_KEY)  # from now on a new request queues another drain
    except Exception:  # the cache is down: this drain runs anyway
        logger.warning("profiles refresh drain: the cache is unavailable", exc_info=True)
    started = time.monotonic()
    claims = rows_done = members = 0
    while True:
        if claims and time.monotonic() - started >= seconds:
            _successor_queue()
            break
        with transaction.atomic():
            if not _drain_lock_taken():
                break  # another drain is claiming: it loops until nothing is left
            rows = _claim(claim_members, claim_rows)
            if not rows:
                break
            member_ids = sorted({member_id for _, member_id in rows})
            pipeline_run(member_ids=member_ids, on=on or timezone.localdate())
            PendingRefresh.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        claims, rows_done, members = claims + 1, rows_done + len(rows), members + len(member_ids)
    return DrainRun(claims=claims, rows=rows_done, members=members)


def _drain_lock_taken() -> bool:
    """This transaction's hold on the drain lock (PostgreSQL; SQLite serialises writers)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [DRAIN_LOCK])
        return cursor.fetchone()[0]


def _claim(claim_members: int, claim_rows: int) -> list[tuple[int, int]]:
    """Every pending row (at most ``claim_rows``) of the ``claim_members`` members whose oldest
    request is oldest, locked until the transaction ends: [(row id, member id)]."""
    oldest_first = (
        PendingRefresh.objects.values("member_id").annotate(first=Min("id")).order_by("first")
        .values("member_id")[:claim_members]
    )
    return list(
        PendingRefresh.objects.select_for_update(skip_locked=True)
        .filter(member_id__in=oldest_first).order_by("id")
        .values_list("id", "member_id")[:claim_rows]
    )


def _successor_queue() -> None:
    from ..tasks import profiles_refresh_drain_task

    try:
        profiles_refresh_drain_task.delay()
    except Exception:  # the broker is down: the beat's drain goes on
        logger.warning("profiles refresh drain: could not queue the next drain", exc_info=True)


def profiles_refresh_pending_count() -> int:
    """Requests not yet answered (the metrics' gauge, the soak's settling check)."""
    return PendingRefresh.objects.count()
