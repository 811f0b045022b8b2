"""The per-member cap counters: locked before a batch reads them, added to after it.

Counters that do not exist yet are first inserted at zero (``ON CONFLICT DO NOTHING``, in
``(member, rule, period)`` order), so that every counter a batch depends on can be locked
``FOR UPDATE``: two concurrent batches for the same member then take turns, and the second
reads what the first added. Nothing is ever read, changed in Python and written back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import connection

from ..models import EarningCounter

CounterKey = tuple[int, int, dt.date]  # (member_id, rule_id, period_start)


def counters_lock(*, keys: Iterable[CounterKey]) -> dict[CounterKey, int]:
    """Lock the counters of ``keys`` (creating missing ones at zero) and return their points.
    Call inside ``transaction.atomic()``."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    EarningCounter.objects.bulk_create(
        [EarningCounter(member_id=m, rule_id=r, period_start=p, points=0) for m, r, p in wanted],
        ignore_conflicts=True, batch_size=_batch_size(4, len(wanted)),
    )
    members = {m for m, _r, _p in wanted}
    rules = {r for _m, r, _p in wanted}
    periods = {p for _m, _r, p in wanted}
    rows = (
        EarningCounter.objects.select_for_update()
        .filter(member_id__in=members, rule_id__in=rules, period_start__in=periods)
        .order_by("member_id", "rule_id", "period_start")
        .values_list("member_id", "rule_id", "period_start", "points")
    )
    return {(m, r, p): points for m, r, p, points in rows}


def counters_add(*, increments: Mapping[CounterKey, int]) -> None:
    """Add ``increments`` to the counters: ``INSERT ... ON CONFLICT DO UPDATE SET points =
    points + excluded.points`` (PostgreSQL and SQLite share the syntax)."""
    rows = sorted((key, points) for key, points in increments.items() if points)
    if not rows:
        return
    table = connection.ops.quote_name(EarningCounter._meta.db_table)
    size = _batch_size(4, len(rows))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params: list = []
            for (member_id, rule_id, period), points in chunk:
                params.extend((member_id, rule_id, period, points))
            cursor.execute(
                f"INSERT INTO {table} (member_id, rule_id, period_start, points) VALUES {values} "
                f"ON CONFLICT (member_id, rule_id, period_start) "
                f"DO UPDATE SET points = {table}.points + excluded.points",
                params,
            )


def _batch_size(columns: int, rows: int) -> int:
    fields = [EarningCounter._meta.get_field("points")] * columns
    return max(connection.ops.bulk_batch_size(fields, [None] * rows), 1)
