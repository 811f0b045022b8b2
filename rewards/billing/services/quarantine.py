"""Keeping refused events as received, once each (``digest`` is unique)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from rewards.sql import text_array

from ..models import QuarantinedEvent
from ..selectors import chunked
from .validation import Refusal


def _digest(raw: object) -> str:
    text = json.dumps(raw, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _storable(raw: object) -> object:
    """JSON as received; values JSON cannot hold (Decimal from exact parsing) as text."""
    return json.loads(json.dumps(raw, cls=DjangoJSONEncoder))


def quarantine_add(
    *, refusals: Sequence[Refusal], source: str, batch_ref: str, received_at: dt.datetime
) -> None:
    """Store ``refusals``; one already stored (same payload) is not stored again."""
    rows = []
    for refusal in refusals:
        raw = _storable(refusal.raw)
        rows.append(QuarantinedEvent(
            raw=raw, event_id=refusal.event_id[:64], reason=refusal.reason,
            reasons=list(refusal.messages), source=source, batch_ref=batch_ref,
            position=refusal.position, received_at=received_at, digest=_digest(raw),
        ))
    QuarantinedEvent.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


PURGE_CHUNK = 5_000


def quarantine_purge(*, received_before: dt.datetime) -> int:
    """Delete the refused events received before then, a chunk per statement; how many."""
    purged = 0
    while True:
        ids = list(QuarantinedEvent.objects.filter(received_at__lt=received_before)
                   .order_by("id").values_list("id", flat=True)[:PURGE_CHUNK])
        if not ids:
            return purged
        purged += QuarantinedEvent.objects.filter(id__in=ids).delete()[0]


def quarantine_resolve(*, event_ids: Iterable[str], at: dt.datetime) -> None:
    """Events now applied: their earlier quarantined attempts are marked resolved."""
    ids = sorted(event_ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {QuarantinedEvent._meta.db_table} SET resolved_at = %s "
                f"WHERE resolved_at IS NULL AND event_id = ANY(%s::text[])", [at, text_array(ids)],
            )
        return
    for chunk in chunked(ids):
        QuarantinedEvent.objects.filter(event_id__in=chunk, resolved_at__isnull=True).update(resolved_at=at)
