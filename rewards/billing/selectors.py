"""Reads of billing events: member references, stored originals, pending reversals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from club.members.models import Member
from rewards.sql import text_array

from .models import BillingEvent, EventKind, PendingReversal

_IN_CHUNK = 900  # below SQLite's historical limit of 999 variables per statement


def chunked(values: Sequence, size: int = _IN_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def values_in(table: str, key: str, columns: str, values: Iterable[str], extra: str = "") -> list[tuple]:
    """``SELECT columns FROM table WHERE key IN values`` for a text ``key``: ``= ANY(array)``
    on PostgreSQL (one statement, one parameter: the array as one text literal), chunks of
    ``IN (...)`` elsewhere."""
    values = list(values)
    if not values:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {key} = ANY(%s::text[]) {extra}",
                           [text_array(values)])
            return cursor.fetchall()
        rows: list[tuple] = []
        for chunk in chunked(values):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {key} IN ({marks}) {extra}", list(chunk))
            rows.extend(cursor.fetchall())
        return rows


def member_ids_by_reference(
    *, msisdns: Iterable[str], account_numbers: Iterable[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Members' ids by MSISDN and by account number: one query per kind of reference."""
    table = Member._meta.db_table
    by_msisdn = dict(values_in(table, "msisdn", "msisdn, id", set(msisdns)))
    by_account = dict(values_in(table, "account_number", "account_number, id", set(account_numbers)))
    return by_msisdn, by_account


def stored_event_ids(*, event_ids: Iterable[str]) -> set[str]:
    return {row[0] for row in values_in(BillingEvent._meta.db_table, "event_id", "event_id", event_ids)}


@dataclass(frozen=True)
class StoredEvent:
    """What reversing a stored event needs to know about it."""

    event_id: str
    kind: str
    member_id: int
    state: str
    occurred_at: dt.datetime
    amount: Decimal | None
    period: dt.date | None
    data_mb: int
    voice_minutes: int
    sms: int

    @property
    def month(self) -> dt.date:
        if self.period is not None:
            return self.period
        return timezone.localtime(self.occurred_at).date().replace(day=1)


_STORED_COLUMNS = "event_id, kind, member_id, state, occurred_at, amount, period, data_mb, voice_minutes, sms"


def stored_events(*, event_ids: Iterable[str]) -> dict[str, StoredEvent]:
    rows = values_in(BillingEvent._meta.db_table, "event_id", _STORED_COLUMNS, event_ids)
    events = {}
    for row in rows:
        event = StoredEvent(*row)
        if connection.vendor != "postgresql":  # SQLite hands back text and floats
            event = _coerced(event)
        events[event.event_id] = event
    return events


def _coerced(event: StoredEvent) -> StoredEvent:
    field = BillingEvent._meta.get_field
    converters = {name: field(name) for name in ("occurred_at", "amount", "period")}
    values = {name: converter.to_python(getattr(event, name)) for name, converter in converters.items()}
    if values["occurred_at"] is not None and timezone.is_naive(values["occurred_at"]):
        values["occurred_at"] = timezone.make_aware(values["occurred_at"], dt.UTC)
    if values["amount"] is not None:
        values["amount"] = Decimal(str(values["amount"])).quantize(Decimal("0.01"))
    return StoredEvent(**{**event.__dict__, **values})


@dataclass(frozen=True)
class WaitingReversal:
    original_event_id: str
    reversal_pk: int
    reversal_event_id: str
    member_id: int


def waiting_reversals(*, original_event_ids: Iterable[str]) -> dict[str, WaitingReversal]:
    """Reversals stored as waiting for one of ``original_event_ids``, by original id."""
    pending, events = PendingReversal._meta.db_table, BillingEvent._meta.db_table
    rows = values_in(
        f"{pending} p JOIN {events} e ON e.id = p.reversal_id", "p.original_event_id",
        "p.original_event_id, e.id, e.event_id, e.member_id", original_event_ids,
    )
    return {row[0]: WaitingReversal(*row) for row in rows}


def latest_member_changes(
    *, member_ids: Iterable[int], exclude_event_ids: set[str]
) -> dict[tuple[int, str], dt.datetime]:
    """The latest stored plan or status change per (member, kind), leaving out this batch's."""
    latest: dict[tuple[int, str], dt.datetime] = {}
    rows = [
        row
        for chunk in chunked(sorted(set(member_ids)))
        for row in BillingEvent.objects.filter(
            member_id__in=chunk, kind__in=[EventKind.PLAN_CHANGE, EventKind.STATUS_CHANGE]
        )
        .values_list("member_id", "kind", "occurred_at", "event_id")
        .order_by()
    ]
    for member_id, kind, occurred_at, event_id in rows:
        if event_id in exclude_event_ids:
            continue
        key = (member_id, kind)
        if key not in latest or occurred_at > latest[key]:
            latest[key] = occurred_at
    return latest
