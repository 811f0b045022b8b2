"""Balance columns move only here, by deltas, in SQL (never read-modify-write)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection
from django.utils import timezone

from ..models import PointsAccount


def accounts_lock(member_ids: Iterable[int]) -> dict[int, PointsAccount]:
    """Create missing accounts, then lock them in member order (the one lock order for all)."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    PointsAccount.objects.bulk_create(
        [PointsAccount(member_id=member_id) for member_id in ids], ignore_conflicts=True
    )
    locked = PointsAccount.objects.select_for_update().filter(member_id__in=ids).order_by("member_id")
    return {account.member_id: account for account in locked}


def accounts_lock_ids(member_ids: Iterable[int]) -> None:
    """Like ``accounts_lock`` without loading the rows (for big batches)."""
    ids = sorted(set(member_ids))
    if ids:
        PointsAccount.objects.bulk_create(
            [PointsAccount(member_id=member_id) for member_id in ids], ignore_conflicts=True
        )
        list(
            PointsAccount.objects.select_for_update().filter(member_id__in=ids)
            .order_by("member_id").values_list("member_id", flat=True)
        )


def accounts_bump(deltas: Mapping[int, tuple[int, int]]) -> None:
    """Add ``(available, pending)`` deltas to each member's account, creating it when missing.

    One statement for the whole mapping; rows are touched in member order so two concurrent
    callers cannot deadlock on each other. The CHECK constraints refuse a negative result.
    """
    rows = sorted((member_id, a, p) for member_id, (a, p) in deltas.items() if a or p)
    if not rows:
        return
    now = timezone.now()
    table = PointsAccount._meta.db_table
    # Missing accounts first (a zero row), then one UPDATE by deltas. Not an upsert with the
    # deltas as values: PostgreSQL checks CHECK constraints on the proposed row before it sees
    # the conflict, so a negative delta would be refused even for an existing account.
    # Locking in member order first keeps two concurrent batches from deadlocking.
    accounts_lock_ids(m for m, _, _ in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS acc SET available = acc.available + d.a, pending = acc.pending + d.p, "
                "updated_at = %s FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS d(m, a, p) "
                "WHERE acc.member_id = d.m",
                [now, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET available = available + %s, pending = pending + %s, updated_at = %s "
                "WHERE member_id = %s",
                [(a, p, now, m) for m, a, p in rows],
            )
