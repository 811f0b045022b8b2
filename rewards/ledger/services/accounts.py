"""Balance columns move only here, by deltas, in SQL (never read-modify-write).

Every ledger writer first calls ``accounts_lock`` (missing accounts are created, then all are
locked in member order: the one lock order, so concurrent writers cannot deadlock), then moves
balances with ``accounts_bump``. The CHECK constraints refuse a negative result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection
from django.utils import timezone

from rewards.sql import int_array

from ..models import PointsAccount


def accounts_lock(member_ids: Iterable[int]) -> None:
    """Create the members' missing accounts, then lock them all, in member order."""
    ids = sorted(set(member_ids))
    if not ids:
        return
    PointsAccount.objects.bulk_create(
        [PointsAccount(member_id=member_id) for member_id in ids], ignore_conflicts=True
    )
    list(
        PointsAccount.objects.select_for_update().filter(member_id__in=ids)
        .order_by("member_id").values_list("member_id", flat=True)
    )


def accounts_bump(deltas: Mapping[int, tuple[int, int]]) -> None:
    """Add ``(available, pending)`` deltas to accounts the caller has locked with
    ``accounts_lock``: one UPDATE for the whole mapping.

    Not an upsert with the deltas as values: PostgreSQL checks CHECK constraints on the proposed
    row before it sees the conflict, so a negative delta would be refused even for an existing
    account.
    """
    rows = sorted((member_id, a, p) for member_id, (a, p) in deltas.items() if a or p)
    if not rows:
        return
    now = timezone.now()
    table = PointsAccount._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS acc SET available = acc.available + d.a, pending = acc.pending + d.p, "
                "updated_at = %s FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS d(m, a, p) "
                "WHERE acc.member_id = d.m",
                [now, *(int_array(r[i] for r in rows) for i in range(3))],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET available = available + %s, pending = pending + %s, updated_at = %s "
                "WHERE member_id = %s",
                [(a, p, now, m) for m, a, p in rows],
            )
