"""The per-member cap counters: locked before a batch reads them, added to after it.

Counters that do not exist yet are first inserted at zero (``ON CONFLICT DO NOTHING``, in
``(member, rule, period)`` order), so that every counter a batch depends on can be locked
``FOR UPDATE``: two concurrent batches for the same member then take turns, and the second
reads what the first added. Nothing is ever read, changed in Python and written back.
On PostgreSQL the rows travel as arrays (``unnest``), elsewhere as ``VALUES`` lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import connection

from rewards.sql import ids_in, int_array

from ..models import EarningCounter

CounterKey = tuple[int, int, dt.date]  # (member_id, rule_id, period_start)

_COLUMNS = "member_id, rule_id, period_start, points"
_CONFLICT = "ON CONFLICT (member_id, rule_id, period_start)"


def counters_lock(*, keys: Iterable[CounterKey]) -> dict[CounterKey, int]:
    """Lock the counters of ``keys`` (creating missing ones at zero) and return their points.
    Call inside ``transaction.atomic()``."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    _write([(key, 0) for key in wanted], f"{_CONFLICT} DO NOTHING")
    rows = (
        EarningCounter.objects.select_for_update()
        .filter(
            ids_in(EarningCounter, "member", {m for m, _r, _p in wanted}),
            rule_id__in={r for _m, r, _p in wanted}, period_start__in={p for _m, _r, p in wanted},
        )
        .order_by("member_id", "rule_id", "period_start")
        .values_list("member_id", "rule_id", "period_start", "points")
    )
    return {(m, r, p): points for m, r, p, points in rows}


def counters_add(*, increments: Mapping[CounterKey, int]) -> None:
    """Add ``increments`` to the counters: ``INSERT ... ON CONFLICT DO UPDATE SET points =
    points + excluded.points``."""
    rows = sorted((key, points) for key, points in increments.items() if points)
    if rows:
        table = _table()
        _write(rows, f"{_CONFLICT} DO UPDATE SET points = {table}.points + excluded.points")


def _table() -> str:
    return connection.ops.quote_name(EarningCounter._meta.db_table)


def _write(rows: list[tuple[CounterKey, int]], conflict: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {_table()} ({_COLUMNS}) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::bigint[]) "
                f"{conflict}",
                [int_array(k[0] for k, _ in rows), int_array(k[1] for k, _ in rows),
                 "{" + ",".join(k[2].isoformat() for k, _ in rows) + "}",
                 int_array(points for _, points in rows)],
            )
            return
        fields = [EarningCounter._meta.get_field("points")] * 4
        size = max(connection.ops.bulk_batch_size(fields, rows), 1)
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list = []
            for (member_id, rule_id, period), points in chunk:
                params.extend((member_id, rule_id, period, points))
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {_table()} ({_COLUMNS}) VALUES {values} {conflict}", params)
