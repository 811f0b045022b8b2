"""The writer of ``MonthlyActivity``: adds (or, for reversals, subtracts) spend and usage.

Only billing ingestion calls it. One ``INSERT ... ON CONFLICT (member, month) DO UPDATE SET
x = x + excluded.x`` per batch (fed by ``COPY`` into a temporary table on PostgreSQL; per
chunk of rows on SQLite): never read-modify-write, so concurrent batches for the same member
cannot lose an addition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from .models import MonthlyActivity

_SUMMED = ("spend", "bills_paid", "top_up_amount", "top_ups", "data_mb", "voice_minutes", "sms")
_ROWS_PER_STATEMENT = 100  # 9 parameters a row: under SQLite's historical 999


@dataclass(frozen=True)
class ActivityDelta:
    """What to add to one member's month (negative values subtract)."""

    member_id: int
    month: dt.date
    spend: Decimal = Decimal(0)
    bills_paid: int = 0
    top_up_amount: Decimal = Decimal(0)
    top_ups: int = 0
    data_mb: int = 0
    voice_minutes: int = 0
    sms: int = 0


def activity_add_many(*, deltas: Sequence[ActivityDelta]) -> int:
    """Add ``deltas`` (summed per member and month first); returns the rows touched.
    Rows are written in (member, month) order, so concurrent callers cannot deadlock."""
    summed: dict[tuple[int, dt.date], list] = {}
    for delta in deltas:
        if delta.month.day != 1:
            raise ValueError(f"an activity month is the first day of a month, not {delta.month}")
        totals = summed.get((delta.member_id, delta.month))
        if totals is None:
            summed[(delta.member_id, delta.month)] = [getattr(delta, name) for name in _SUMMED]
        else:
            for index, name in enumerate(_SUMMED):
                totals[index] += getattr(delta, name)
    rows = [(member_id, month, *totals) for (member_id, month), totals in sorted(summed.items())]
    if not rows:
        return 0
    table = MonthlyActivity._meta.db_table
    columns = ("member_id", "month", *_SUMMED)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in _SUMMED)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY (psycopg's C path) into a temporary table, then one upsert from it.
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS activity_incoming ON COMMIT DELETE ROWS "
                f"AS SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            cursor.execute("TRUNCATE activity_incoming")
            with cursor.cursor.copy(f"COPY activity_incoming ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} "
                f"FROM activity_incoming ORDER BY member_id, month "
                f"ON CONFLICT (member_id, month) DO UPDATE SET {updates}"
            )
            return len(rows)
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start:start + _ROWS_PER_STATEMENT]
            marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {marks} "
                f"ON CONFLICT (member_id, month) DO UPDATE SET {updates}",
                [_sqlite_value(value) for row in chunk for value in row],
            )
    return len(rows)


def _sqlite_value(value):
    return str(value) if isinstance(value, Decimal) else value
