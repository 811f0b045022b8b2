"""Writing new billing events: ``COPY`` into a temporary table, then one ``INSERT ... SELECT
... ON CONFLICT (event_id) DO NOTHING RETURNING`` on PostgreSQL (the database says which rows
are new, also under concurrency); ``bulk_create`` elsewhere (the embedded SQLite mode)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from ..models import BillingEvent
from .validation import ParsedEvent

COLUMNS = (
    "event_id", "kind", "member_id", "occurred_at", "received_at", "state", "source", "batch_ref",
    "amount", "period", "channel", "data_mb", "voice_minutes", "sms", "plan_name", "payment_plan",
    "tariff_kind", "status", "churn_reason", "reverses", "reversed_by",
)
_INCOMING = "billing_incoming"


@dataclass(frozen=True)
class EventRow:
    """A new event as it is stored: the parsed event, its member and its first state."""

    event: ParsedEvent
    member_id: int
    state: str
    reversed_by: str = ""

    def values(self, *, received_at: dt.datetime, source: str, batch_ref: str) -> tuple:
        e = self.event
        return (
            e.event_id, e.kind, self.member_id, e.occurred_at, received_at, self.state, source,
            batch_ref, e.amount, e.period, e.channel, e.data_mb, e.voice_minutes, e.sms, e.plan_name,
            e.payment_plan, e.tariff_kind, e.status, e.churn_reason, e.reverses, self.reversed_by,
        )


def events_insert(
    *, rows: Sequence[EventRow], received_at: dt.datetime, source: str, batch_ref: str
) -> dict[str, int]:
    """Insert ``rows``; returns ``{event_id: pk}`` of those actually written (new ids).
    Callers hold ``transaction.atomic()``."""
    if not rows:
        return {}
    if connection.vendor == "postgresql":
        return _insert_copy(rows, received_at=received_at, source=source, batch_ref=batch_ref)
    created = BillingEvent.objects.bulk_create(
        [BillingEvent(**dict(zip(COLUMNS, row.values(received_at=received_at, source=source,
                                                     batch_ref=batch_ref), strict=True)))
         for row in rows],
        batch_size=500,
    )
    return {event.event_id: event.pk for event in created}


def _insert_copy(rows: Sequence[EventRow], **context) -> dict[str, int]:
    table = BillingEvent._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_INCOMING} ON COMMIT DELETE ROWS "
            f"AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {_INCOMING}")
        with cursor.cursor.copy(f"COPY {_INCOMING} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row.values(**context))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_INCOMING} "
            f"ON CONFLICT (event_id) DO NOTHING RETURNING event_id, id"
        )
        return dict(cursor.fetchall())
