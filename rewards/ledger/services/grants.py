"""Crediting points: earn and goodwill entries, each with its own lot."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from ..models import EntryKind, LedgerEntry, LotStatus, PointLot
from ..policy import LotPolicy
from .accounts import accounts_bump

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

    def __post_init__(self):
        if self.points <= 0:
            raise ValueError(f"a grant credits a positive number of points, not {self.points}")
        if self.kind not in CREDIT_KINDS:
            raise ValueError(f"a grant is an earn or goodwill entry, not {self.kind!r}")
        if not self.reason:
            raise ValueError("a grant needs a reason")


def points_grant_many(*, grants: Sequence[PointsGrant], policy: LotPolicy | None = None) -> int:
    """Credit every grant whose idempotency key is new; return how many entries were written.

    Set-based: the entries, then their lots, then the accounts, one statement each (on
    PostgreSQL). A key seen before, in this call or any earlier one, is skipped.
    """
    unique: dict[str, PointsGrant] = {}
    for grant in grants:
        unique.setdefault(grant.idempotency_key, grant)
    if not unique:
        return 0
    policy = policy or LotPolicy.current()
    now = timezone.now()
    with transaction.atomic():
        written = _insert_entries(list(unique.values()))
        if not written:
            return 0
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
) -> LedgerEntry:
    """Credit one grant; the same key again returns the entry written the first time."""
    grant = PointsGrant(
        member_id=member_id, points=points, reason=reason, source_type=source_type,
        source_ref=source_ref, idempotency_key=idempotency_key,
        earned_at=earned_at or timezone.now(), kind=kind,
    )
    points_grant_many(grants=[grant])
    return LedgerEntry.objects.get(idempotency_key=idempotency_key)


def _insert_entries(grants: list[PointsGrant]) -> list[tuple[int, PointsGrant]]:
    """Insert the entries of ``grants``, skipping keys already used; return (id, grant) pairs.

    A credit is dated when its points were earned (the billing event's time), so a statement
    reads in the order things happened."""
    by_key = {grant.idempotency_key: grant for grant in grants}
    table = LedgerEntry._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (member_id, kind, points, reason, source_type, source_ref, "
                "idempotency_key, created_at) "
                "SELECT m, k, p, r, st, sr, ik, at FROM unnest(%s::bigint[], %s::text[], %s::bigint[], "
                "%s::text[], %s::text[], %s::text[], %s::text[], %s::timestamptz[]) "
                "AS g(m, k, p, r, st, sr, ik, at) "
                "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key",
                [
                    [g.member_id for g in grants], [str(g.kind) for g in grants],
                    [g.points for g in grants], [g.reason[:255] for g in grants],
                    [str(g.source_type) for g in grants], [g.source_ref for g in grants],
                    [g.idempotency_key for g in grants], [g.earned_at for g in grants],
                ],
            )
            return [(entry_id, by_key[key]) for entry_id, key in cursor.fetchall()]
    used = set(
        LedgerEntry.objects.filter(idempotency_key__in=list(by_key)).values_list("idempotency_key", flat=True)
    )
    fresh = [grant for grant in grants if grant.idempotency_key not in used]
    created = LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                member_id=g.member_id, kind=g.kind, points=g.points, reason=g.reason[:255],
                source_type=g.source_type, source_ref=g.source_ref,
                idempotency_key=g.idempotency_key, created_at=g.earned_at,
            )
            for g in fresh
        ]
    )
    return [(entry.pk, grant) for entry, grant in zip(created, fresh, strict=True)]
