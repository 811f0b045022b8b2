"""Incremental profile refreshes, coalesced: billing asks, a drain answers (docs/profiles.md).

A batch of billing events, once committed, **asks** for its members' refresh: one INSERT of
a ``PendingRefresh`` row per member, then a wake-up, a drain task queued unless one is queued
and has not started (a flag in the cache, ``add`` only if absent). The **drain** clears the
flag, then claims up to ``CLAIM_ROWS`` rows no other drain holds (``FOR UPDATE SKIP
LOCKED``), runs the pipeline (profile, segments, churn score) on their distinct members and
deletes the rows, all in one transaction, until no row is left.

- However fast batches arrive, the work is one pipeline run per claim of rows, not one per
  batch: a backlog shrinks instead of queueing a task per batch.
- A drain killed halfway rolls back: its rows come back, for the next drain.
- A row asked for while a drain runs is not among the rows it locked: it stays, and its
  wake-up (the flag was cleared) queues the next drain. So no event is left unseen.
- A wake-up lost with the cache or the broker is covered by the beat's drain, every minute.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from config.coalesce import Coalesced

from ..models import PendingRefresh
from ..pipeline import pipeline_run

logger = logging.getLogger(__name__)

CLAIM_ROWS = 5_000  # rows (so at most as many members) one pipeline run takes
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


def profiles_refresh_pending_drain(*, claim_rows: int = CLAIM_ROWS, on: dt.date | None = None) -> DrainRun:
    """Refresh the members of every pending request, ``claim_rows`` requests to a transaction,
    until none is left that another drain does not hold."""
    try:
        cache.delete(WAKE_KEY)  # from now on a new request queues another drain
    except Exception:  # the cache is down: this drain runs anyway
        logger.warning("profiles refresh drain: the cache is unavailable", exc_info=True)
    claims = rows_done = members = 0
    while True:
        with transaction.atomic():
            rows = list(
                PendingRefresh.objects.select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("id", "member_id")[:claim_rows]
            )
            if not rows:
                return DrainRun(claims=claims, rows=rows_done, members=members)
            member_ids = sorted({member_id for _, member_id in rows})
            pipeline_run(member_ids=member_ids, on=on or timezone.localdate())
            PendingRefresh.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        claims, rows_done, members = claims + 1, rows_done + len(rows), members + len(member_ids)


def profiles_refresh_pending_count() -> int:
    """Requests not yet answered (the metrics' gauge, the soak's settling check)."""
    return PendingRefresh.objects.count()
