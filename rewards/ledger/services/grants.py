"""Crediting points: earn and goodwill entries, each with its own lot."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from ..models import EntryKind, ExpiryPolicy, LedgerEntry, LotStatus, PointLot, PointsAccount
from ..policy import LotPolicy
from .accounts import accounts_bump, accounts_lock

CREDIT_KINDS = {EntryKind.EARN, EntryKind.GOODWILL}


@dataclass(frozen=True)
class PointsGrant:
    member_id: int
    points: int
    reason: str
    source_type: str
    source_ref: str
    idempotency_key: str
    earned_at: dt.datetime
    kind: str = EntryKind.EARN
    # what the member reads, in their language (rewards.ledger.reasons); blank: ``reason``
    reason_code: str = ""
    reason_values: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.points <= 0:
            raise ValueError(f"a grant credits a positive number of points, not {self.points}")
        if self.kind not in CREDIT_KINDS:
            raise ValueError(f"a grant is an earn or goodwill entry, not {self.kind!r}")
        if not self.reason:
            raise ValueError("a grant needs a reason")


def points_grant_many(*, grants: Sequence[PointsGrant], policy: LotPolicy | None = None) -> int:
    """Credit every grant whose idempotency key is new; return how many entries were written.

    Set-based. On PostgreSQL the grants are copied into a temporary table (or, up to
    ``SMALL_BATCH`` of them, bound as a VALUES list) and one statement writes the entries
    (skipping used keys), their lots and the account deltas. A key seen before, in this call or
    any earlier one, is skipped.
    """
    unique: dict[str, PointsGrant] = {}
    for grant in grants:
        unique.setdefault(grant.idempotency_key, grant)
    if not unique:
        return 0
    policy = policy or LotPolicy.current()
    if connection.vendor == "postgresql":
        # No savepoint inside a caller's transaction (two round trips fewer): these statements
        # skip used keys instead of failing on them, so they fail only on a deadlock or a lost
        # connection, after which the caller's transaction cannot go on anyway.
        with transaction.atomic(savepoint=False):
            return _grant_many_postgresql(list(unique.values()), policy)
    with transaction.atomic():
        return _grant_many_portable(list(unique.values()), policy)


_GRANTS_IN = "ledger_grants_in"
_GRANT_COLUMNS = (
    "member_id, kind, points, reason, reason_code, reason_values, source_type, source_ref, idempotency_key, "
    "earned_at"
)
_NO_VALUES = "{}"
# One encoder for the whole COPY: ``json.dumps`` per row costs about half as much again.
_values_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


# Up to this many grants are bound as a VALUES list in the statements themselves; more are
# copied into a temporary table first (creating and emptying it costs more than it saves for a
# few rows: a webhook's or a check-in's single grant).
SMALL_BATCH = 16
_GRANT_TYPES = ("bigint", "text", "bigint", "text", "text", "jsonb", "text", "text", "text", "timestamptz")


def _grant_row(g: PointsGrant) -> tuple:
    return (g.member_id, str(g.kind), g.points, g.reason[:255], g.reason_code,
            _values_json(g.reason_values) if g.reason_values else _NO_VALUES,
            str(g.source_type), g.source_ref, g.idempotency_key, g.earned_at)


def _grant_many_postgresql(grants: list[PointsGrant], policy: LotPolicy) -> int:
    entry, lot, account = (m._meta.db_table for m in (LedgerEntry, PointLot, PointsAccount))
    expiry_sql, expiry_params = _expiry_sql(policy)
    with connection.cursor() as cursor:
        if len(grants) <= SMALL_BATCH:
            row = "(" + ", ".join(f"%s::{kind}" for kind in _GRANT_TYPES) + ")"
            source = (f"(SELECT * FROM (VALUES {', '.join([row] * len(grants))}) "
                      f"AS grants_in ({_GRANT_COLUMNS}))")
            source_params = [value for g in grants for value in _grant_row(g)]
            member_ids = sorted({g.member_id for g in grants})
            accounts_in, accounts_params = "SELECT unnest(%s::bigint[])", [member_ids]
        else:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_GRANTS_IN} (member_id bigint, kind text, points bigint, "
                "reason text, reason_code text, reason_values jsonb, source_type text, source_ref text, "
                "idempotency_key text, earned_at timestamptz) ON COMMIT DELETE ROWS"
            )
            cursor.execute(f"TRUNCATE {_GRANTS_IN}")
            with cursor.cursor.copy(f"COPY {_GRANTS_IN} ({_GRANT_COLUMNS}) FROM STDIN") as copy:
                for g in grants:
                    copy.write_row(_grant_row(g))
            source, source_params = _GRANTS_IN, []
            accounts_in, accounts_params = f"SELECT DISTINCT member_id FROM {_GRANTS_IN}", []
        # Accounts exist and are locked in member order before any balance moves, so that two
        # grants to several members never wait for each other in a circle. A grant to one
        # member has no order to keep: the balance update below locks its one account row.
        cursor.execute(
            f"INSERT INTO {account} (member_id, available, pending, updated_at) "
            f"SELECT member_id, 0, 0, now() FROM ({accounts_in}) AS ids (member_id) ON CONFLICT DO NOTHING",
            accounts_params,
        )
        if len(grants) > SMALL_BATCH or len({g.member_id for g in grants}) > 1:
            cursor.execute(
                f"SELECT member_id FROM {account} WHERE member_id IN ({accounts_in}) "
                "ORDER BY member_id FOR UPDATE",
                accounts_params,
            )
        cursor.execute(
            f"""
            WITH entries AS (
                INSERT INTO {entry} ({_GRANT_COLUMNS.replace("earned_at", "created_at")})
                SELECT {_GRANT_COLUMNS} FROM {source} AS grants_in
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id, member_id, points, created_at
            ), lots AS (
                INSERT INTO {lot} (member_id, earn_entry_id, points, remaining, status, earned_at,
                                   clears_at, expires_at, restorations)
                SELECT member_id, id, points, points,
                       CASE WHEN created_at + %s > %s THEN 'pending' ELSE 'active' END,
                       created_at, created_at + %s, {expiry_sql}, 0
                FROM entries
                RETURNING member_id, points, status
            ), deltas AS (
                SELECT member_id,
                       coalesce(sum(points) FILTER (WHERE status = 'active'), 0) AS available,
                       coalesce(sum(points) FILTER (WHERE status = 'pending'), 0) AS pending
                FROM lots GROUP BY member_id
            ), moved AS (
                UPDATE {account} AS acc
                SET available = acc.available + deltas.available, pending = acc.pending + deltas.pending,
                    updated_at = now()
                FROM deltas WHERE acc.member_id = deltas.member_id
                RETURNING 1
            )
            SELECT count(*) FROM lots
            """,
            [*source_params, _clearing(policy), timezone.now(), _clearing(policy), *expiry_params],
        )
        return cursor.fetchone()[0]


def _clearing(policy: LotPolicy) -> dt.timedelta:
    return dt.timedelta(days=policy.clearing_days)


def _expiry_sql(policy: LotPolicy) -> tuple[str, list]:
    """The lot's expiry in SQL, the same rule as ``LotPolicy.expires_at`` (tested to agree)."""
    if policy.expiry_policy == ExpiryPolicy.NEVER:
        return "NULL::timestamptz", []
    if policy.expiry_policy == ExpiryPolicy.END_OF_NEXT_YEAR:
        zone = timezone.get_current_timezone_name()
        sql = "(date_trunc('year', created_at AT TIME ZONE %s) + interval '2 years') AT TIME ZONE %s"
        return sql, [zone, zone]
    return "created_at + make_interval(months => %s)", [policy.expiry_months]


def _grant_many_portable(grants: list[PointsGrant], policy: LotPolicy) -> int:
    now = timezone.now()
    accounts_lock(grant.member_id for grant in grants)
    written = _insert_entries(grants)
    lots = []
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for entry_id, grant in written:
        clears_at = policy.clears_at(grant.earned_at)
        status = LotStatus.PENDING if clears_at > now else LotStatus.ACTIVE
        lots.append(
            PointLot(
                member_id=grant.member_id, earn_entry_id=entry_id, points=grant.points,
                remaining=grant.points, status=status, earned_at=grant.earned_at,
                clears_at=clears_at, expires_at=policy.expires_at(grant.earned_at),
            )
        )
        deltas[grant.member_id][0 if status == LotStatus.ACTIVE else 1] += grant.points
    PointLot.objects.bulk_create(lots, batch_size=5000)
    accounts_bump({member_id: (a, p) for member_id, (a, p) in deltas.items()})
    return len(written)


def points_grant(
    *, member_id: int, points: int, reason: str, source_type: str, source_ref: str = "",
    idempotency_key: str, earned_at: dt.datetime | None = None, kind: str = EntryKind.EARN,
    reason_code: str = "", reason_values: dict | None = None,
) -> LedgerEntry:
    """Credit one grant; the same key again returns the entry written the first time."""
    grant = PointsGrant(
        member_id=member_id, points=points, reason=reason, source_type=source_type,
        source_ref=source_ref, idempotency_key=idempotency_key,
        earned_at=earned_at or timezone.now(), kind=kind,
        reason_code=reason_code, reason_values=reason_values or {},
    )
    points_grant_many(grants=[grant])
    return LedgerEntry.objects.get(idempotency_key=idempotency_key)


def _insert_entries(grants: list[PointsGrant]) -> list[tuple[int, PointsGrant]]:
    """Insert the entries of ``grants``, skipping keys already used; return (id, grant) pairs.

    A credit is dated when its points were earned (the billing event's time), so a statement
    reads in the order things happened."""
    by_key = {grant.idempotency_key: grant for grant in grants}
    used = set(
        LedgerEntry.objects.filter(idempotency_key__in=list(by_key)).values_list("idempotency_key", flat=True)
    )
    fresh = [grant for grant in grants if grant.idempotency_key not in used]
    created = LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                member_id=g.member_id, kind=g.kind, points=g.points, reason=g.reason[:255],
                reason_code=g.reason_code, reason_values=g.reason_values,
                source_type=g.source_type, source_ref=g.source_ref,
                idempotency_key=g.idempotency_key, created_at=g.earned_at,
            )
            for g in fresh
        ]
    )
    return [(entry.pk, grant) for entry, grant in zip(created, fresh, strict=True)]
