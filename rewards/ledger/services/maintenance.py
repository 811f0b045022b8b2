"""Background movements: pending lots clear, active lots expire. Batched and safe to kill.

Each batch is one transaction: it locks the accounts of the batch's members (in member order,
like every ledger writer), then the lots, re-checking their state; so a batch either happens
whole or not at all, and a rerun after a kill picks up exactly what is left.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from ..models import EntryKind, LedgerEntry, LotMovement, LotStatus, PointLot, SourceType
from ..reasons import ReasonCode
from .accounts import accounts_bump, accounts_lock

BATCH_SIZE = 1000


def points_clear_due(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Make pending lots whose clearing time has come active; return how many lots cleared."""
    now = now or timezone.now()
    cleared = 0
    while True:
        done = _clear_batch(now=now, batch_size=batch_size)
        cleared += done
        if done < batch_size:
            return cleared


def points_expire_due(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Expire the points left in lots whose expiry has passed; return how many lots expired."""
    now = now or timezone.now()
    expired = 0
    while True:
        done = expire_batch(now=now, batch_size=batch_size)
        expired += done
        if done < batch_size:
            return expired


def _due(status: str, **filters):
    return PointLot.objects.filter(status=status, **filters).order_by("pk")


def _clear_batch(*, now: dt.datetime, batch_size: int) -> int:
    with transaction.atomic():
        due = _due(LotStatus.PENDING, clears_at__lte=now)
        candidates = list(due.values_list("pk", "member_id")[:batch_size])
        if not candidates:
            return 0
        accounts_lock(member_id for _, member_id in candidates)
        lots = list(
            due.filter(pk__in=[pk for pk, _ in candidates])
            .select_for_update().only("pk", "member_id", "remaining")
        )
        deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for lot in lots:
            deltas[lot.member_id][0] += lot.remaining
            deltas[lot.member_id][1] -= lot.remaining
        PointLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(status=LotStatus.ACTIVE)
        accounts_bump({m: (a, p) for m, (a, p) in deltas.items()})
        return len(candidates)


def expire_batch(*, now: dt.datetime, batch_size: int) -> int:
    """Expire one batch of due lots in one transaction; return how many candidates it saw."""
    with transaction.atomic():
        due = _due(LotStatus.ACTIVE, expires_at__lte=now, remaining__gt=0)
        candidates = list(due.values_list("pk", "member_id")[:batch_size])
        if not candidates:
            return 0
        accounts_lock(member_id for _, member_id in candidates)
        lots = list(
            due.filter(pk__in=[pk for pk, _ in candidates]).select_for_update()
            .only("pk", "member_id", "remaining", "restorations", "expires_at")
        )
        entries = LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    member_id=lot.member_id, kind=EntryKind.EXPIRE, points=-lot.remaining,
                    reason=_expiry_reason(lot),
                    reason_code=ReasonCode.EXPIRED, reason_values=_expiry_values(lot),
                    source_type=SourceType.SYSTEM, source_ref=f"lot:{lot.pk}",
                    idempotency_key=f"expire:{lot.pk}:{lot.restorations}", created_at=now,
                )
                for lot in lots
            ]
        )
        LotMovement.objects.bulk_create(
            [
                LotMovement(entry=entry, lot_id=lot.pk, points=-lot.remaining)
                for entry, lot in zip(entries, lots, strict=True)
            ]
        )
        PointLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(
            remaining=0, status=LotStatus.EXPIRED
        )
        deltas: dict[int, int] = defaultdict(int)
        for lot in lots:
            deltas[lot.member_id] -= lot.remaining
        accounts_bump({m: (a, 0) for m, a in deltas.items()})
        return len(candidates)


def _expiry_reason(lot: PointLot) -> str:
    return f"{lot.remaining} points reached their expiry date {timezone.localdate(lot.expires_at):%Y-%m-%d}"


def _expiry_values(lot: PointLot) -> dict:
    return {"points": lot.remaining, "date": timezone.localdate(lot.expires_at).isoformat()}
