"""Idempotent partner requests (``Idempotency-Key``), one transaction per request.

The request's row is inserted first, with ``INSERT ... ON CONFLICT DO NOTHING``, in the same
transaction as the work it guards, and its answer is written before the commit:

- a first request inserts the row, runs, stores its status and JSON, commits: all or nothing.
  If it fails (an exception, a 500) nothing is kept, the key is free, and a retry runs afresh;
- a retry after a commit finds the row: the same request (fingerprint) gets the stored answer
  (``replayed``), another request with that key gets ``idempotency_conflict`` (409);
- a concurrent request with the same key waits on the unique index until the first commits,
  then is answered as a retry (the stored answer, or 409). PostgreSQL does the waiting; nothing
  runs twice, and nobody gets a half-done answer.

Keys are per partner (a rotated key's retries still match), and kept for good: the table is
small next to the redemptions it guards.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from rewards.prepared import prepared_cursor

from ..models import IdempotentRequest

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    replayed: bool = False


class IdempotencyConflict(Exception):
    """The key was used before for another request."""


def request_fingerprint(*, method: str, path: str, payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def idempotency_key_problem(key: str | None) -> str | None:
    """Why ``key`` is not a usable Idempotency-Key, or None when it is."""
    if not key:
        return "missing"
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        return "invalid"
    return None


def _insert_sql() -> str:
    table = connection.ops.quote_name(IdempotentRequest._meta.db_table)
    return (
        f"INSERT INTO {table} (partner_id, key, fingerprint, status_code, body, created_at) "
        "VALUES (%s, %s, %s, 0, %s, %s) ON CONFLICT (partner_id, key) DO NOTHING RETURNING id"
    )


def _answer_sql() -> str:
    table = connection.ops.quote_name(IdempotentRequest._meta.db_table)
    return f"UPDATE {table} SET status_code = %s, body = %s WHERE id = %s"


def _stored(*, partner_id: int, key: str, fingerprint: str) -> Answer:
    found = IdempotentRequest.objects.filter(partner_id=partner_id, key=key).values_list(
        "fingerprint", "status_code", "body"
    ).get()
    if found[0] != fingerprint:
        raise IdempotencyConflict(key)
    return Answer(status=found[1], body=found[2], replayed=True)


def idempotent_request_execute(
    *, partner_id: int, key: str, fingerprint: str, execute: Callable[[], Answer]
) -> Answer:
    """Run ``execute`` once for (partner, key); raise ``IdempotencyConflict`` when the key was
    used for another request. ``execute`` runs inside this transaction."""
    body_field = IdempotentRequest._meta.get_field("body")
    with transaction.atomic():
        with prepared_cursor() as cursor:
            cursor.execute(
                _insert_sql(),
                [partner_id, key, fingerprint, body_field.get_db_prep_save({}, connection), timezone.now()],
            )
            inserted = cursor.fetchone()
        if inserted is None:
            return _stored(partner_id=partner_id, key=key, fingerprint=fingerprint)
        answer = execute()
        with prepared_cursor() as cursor:
            body = body_field.get_db_prep_save(answer.body, connection)
            cursor.execute(_answer_sql(), [answer.status, body, inserted[0]])
    return answer
