"""Debiting points: redemptions, staff debits, reversals of earned points, refunds.

Every function here takes the member's account row lock first (``accounts_lock``), then the
lots, in that order, like every other writer of the ledger; then it checks the idempotency key
again, so a concurrent caller with the same key waits for the first and gets its entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from wagtail.log_actions import log

from club.members.models import Member

from ..models import EntryKind, LedgerEntry, LotMovement, LotStatus, PointLot, PointsAccount, SourceType
from ..policy import LotPolicy
from .accounts import accounts_bump, accounts_lock


class InsufficientPoints(Exception):
    """The member cannot spend this many points now."""

    def __init__(self, *, wanted: int, spendable: int):
        super().__init__(f"{wanted} points wanted, {spendable} spendable")
        self.wanted = wanted
        self.spendable = spendable


def points_spend(
    *, member_id: int, points: int, reason: str, source_type: str, source_ref: str = "",
    idempotency_key: str, reason_code: str = "", reason_values: dict | None = None,
) -> LedgerEntry:
    """Debit ``points`` (a redemption) from the oldest active lots; raise ``InsufficientPoints``."""
    return _debit_oldest_first(
        member_id=member_id, points=points, kind=EntryKind.REDEEM, reason=reason,
        source_type=source_type, source_ref=source_ref, idempotency_key=idempotency_key,
        reason_code=reason_code, reason_values=reason_values or {},
    )


ADJUST_LOG_ACTION = "troika.points_adjusted"


def points_adjust(
    *, member_id: int, points: int, reason: str, staff_user, idempotency_key: str
) -> LedgerEntry:
    """A staff adjustment: a credit becomes a new lot; a debit takes the oldest points first.

    Audited: the entry names the staff user and the reason, and Wagtail's audit log records
    the action on the member in the same transaction (once, however often the key is sent)."""
    if not reason or not reason.strip():
        raise ValueError("a manual adjustment needs a reason")
    if points == 0:
        raise ValueError("an adjustment moves at least one point")
    if staff_user is None:
        raise ValueError("a manual adjustment names the staff user who made it")
    with transaction.atomic():
        entry = _adjust(member_id=member_id, points=points, reason=reason.strip(), staff_user=staff_user,
                        idempotency_key=idempotency_key)
        if getattr(entry, "created_now", False):
            _audit_adjustment(entry, staff_user)
        return entry


def _audit_adjustment(entry: LedgerEntry, staff_user) -> None:
    """The append-only audit log (docs/audit.md): the points moved, the reason, and the
    available balance before and after, in the same transaction as the entry."""
    available = PointsAccount.objects.filter(member_id=entry.member_id).values_list("available", flat=True)
    after = available.first() or 0
    log(
        instance=Member.objects.get(pk=entry.member_id), action=ADJUST_LOG_ACTION, user=staff_user,
        data={"points": entry.points, "reason": entry.reason, "entry": entry.pk},
        changes={"available points": [after - entry.points, after]},
    )


def _adjust(*, member_id: int, points: int, reason: str, staff_user, idempotency_key: str) -> LedgerEntry:
    if points < 0:
        return _debit_oldest_first(
            member_id=member_id, points=-points, kind=EntryKind.ADJUST, reason=reason,
            source_type=SourceType.STAFF, source_ref=str(staff_user.pk),
            idempotency_key=idempotency_key, staff_user=staff_user,
        )
    with transaction.atomic():
        accounts_lock([member_id])
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
        now = timezone.now()
        entry = LedgerEntry.objects.create(
            member_id=member_id, kind=EntryKind.ADJUST, points=points, reason=reason,
            source_type=SourceType.STAFF, source_ref=str(staff_user.pk), staff_user=staff_user,
            idempotency_key=idempotency_key, created_at=now,
        )
        policy = LotPolicy.current()
        PointLot.objects.create(
            member_id=member_id, earn_entry=entry, points=points, remaining=points,
            status=LotStatus.ACTIVE, earned_at=now, clears_at=now, expires_at=policy.expires_at(now),
        )
        accounts_bump({member_id: (points, 0)})
        entry.created_now = True
        return entry


def points_refund(
    *, entry_id: int, reason: str, idempotency_key: str, reason_code: str = "",
    reason_values: dict | None = None,
) -> LedgerEntry:
    """Give a debit's points back to the very lots they came from (a cancelled redemption).

    A lot that has expired since is restored too and expires again at the next expiry run,
    so a refund never extends the life of points.
    """
    debit = LedgerEntry.objects.get(pk=entry_id)
    if debit.points >= 0:
        raise ValueError("only a debit can be refunded")
    with transaction.atomic():
        accounts_lock([debit.member_id])
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
        movements = list(LotMovement.objects.filter(entry=debit).select_related("lot"))
        lots = {lot.pk: lot for lot in PointLot.objects.select_for_update().filter(
            pk__in=[m.lot_id for m in movements]).order_by("pk")}
        entry = LedgerEntry.objects.create(
            member_id=debit.member_id, kind=EntryKind.REVERSE, points=-debit.points, reason=reason,
            reason_code=reason_code, reason_values=reason_values or {},
            source_type=debit.source_type, source_ref=debit.source_ref,
            idempotency_key=idempotency_key, created_at=timezone.now(),
        )
        available = pending = 0
        for movement in movements:
            lot = lots[movement.lot_id]
            back = -movement.points
            PointLot.objects.filter(pk=lot.pk).update(
                remaining=F("remaining") + back,
                status=LotStatus.PENDING if lot.status == LotStatus.PENDING else LotStatus.ACTIVE,
                restorations=F("restorations") + 1,
            )
            LotMovement.objects.create(entry=entry, lot=lot, points=back)
            if lot.status == LotStatus.PENDING:
                pending += back
            else:
                available += back
        accounts_bump({debit.member_id: (available, pending)})
        return entry


def points_reverse_source(
    *, source_type: str, source_ref: str, reason: str, idempotency_key: str, reason_code: str = "",
    reason_values: dict | None = None,
) -> LedgerEntry | None:
    """Take back what a source (a billing event) credited: from its own lots first, then from
    the member's oldest others, never below zero. Returns ``None`` when there was nothing to take.
    Points that could not be taken back are named in the reason and, as ``unrecovered``, in its
    values."""
    credits = list(
        LedgerEntry.objects.filter(
            source_type=source_type, source_ref=source_ref, kind__in=[EntryKind.EARN, EntryKind.GOODWILL]
        ).values_list("member_id", "points", "pk")
    )
    if not credits:
        return None
    member_id = credits[0][0]
    owed = sum(points for _, points, _ in credits)
    with transaction.atomic():
        accounts_lock([member_id])
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
        own = list(
            PointLot.objects.select_for_update().filter(earn_entry_id__in=[pk for _, _, pk in credits])
            .order_by("earned_at", "pk")
        )
        others = _spendable_lots(member_id, exclude=[lot.pk for lot in own])
        takes = _plan_takes([*own, *others], owed, allow_short=True)
        taken = sum(take for _, take in takes)
        if not taken:
            return None
        note, values = reason, dict(reason_values or {})
        if taken < owed:
            note, values["unrecovered"] = f"{reason} ({owed - taken} points already spent)", owed - taken
        return _write_debit(
            member_id=member_id, takes=takes, kind=EntryKind.REVERSE, reason=note,
            reason_code=reason_code, reason_values=values, source_type=source_type, source_ref=source_ref,
            idempotency_key=idempotency_key, final_status=LotStatus.REVERSED,
        )


def _debit_oldest_first(
    *, member_id: int, points: int, kind: str, reason: str, source_type: str, source_ref: str,
    idempotency_key: str, staff_user=None, reason_code: str = "", reason_values: dict | None = None,
) -> LedgerEntry:
    """The hot path of a redemption: inside the caller's transaction it adds no savepoint, takes
    one lock (the account row) and moves the balance with one UPDATE. A refusal is raised after
    the block, so the caller's transaction stays usable (it may answer "not enough points")."""
    if points <= 0:
        raise ValueError(f"a debit takes a positive number of points, not {points}")
    debit = _debit_postgresql if connection.vendor == "postgresql" else _debit_portable
    with transaction.atomic(savepoint=False):
        entry, spendable = debit(
            member_id=member_id, points=points, kind=kind, reason=reason[:255], source_type=source_type,
            source_ref=source_ref, idempotency_key=idempotency_key, staff_user=staff_user,
            reason_code=reason_code, reason_values=reason_values or {},
        )
    if entry is None:
        raise InsufficientPoints(wanted=points, spendable=spendable)
    return entry


def _debit_portable(
    *, member_id: int, points: int, kind: str, reason: str, source_type: str, source_ref: str,
    idempotency_key: str, staff_user, reason_code: str, reason_values: dict,
) -> tuple[LedgerEntry | None, int]:
    """``(the new entry, points)``, ``(the entry that already had this key, points)``, or
    ``(None, the points the member could spend)``: refused."""
    locked = PointsAccount.objects.select_for_update().filter(member_id=member_id).exists()
    existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing, points
    lots = _spendable_lots(member_id) if locked else []
    try:
        takes = _plan_takes(lots, points, allow_short=False)
    except InsufficientPoints as refused:
        return None, refused.spendable
    entry = _write_debit(
        member_id=member_id, takes=takes, kind=kind, reason=reason, source_type=source_type,
        source_ref=source_ref, idempotency_key=idempotency_key, staff_user=staff_user,
        final_status=LotStatus.SPENT, reason_code=reason_code, reason_values=reason_values,
    )
    return entry, points


# After the account lock (its own statement, so this one's snapshot sees every earlier holder's
# commit): the member's spendable lots locked oldest first, what to take from each, and, only
# when they cover the debit and the key is new, the entry, the lots, the movements and the
# balance, all in one statement. Answers the new entry's id (NULL: refused or key used) and
# the points the lots could cover (at most the debit).
_LOT, _ENTRY, _MOVEMENT, _ACCOUNT = (
    m._meta.db_table for m in (PointLot, LedgerEntry, LotMovement, PointsAccount)
)
_DEBIT_SQL = f"""
WITH locked AS (
    SELECT id, remaining, earned_at FROM {_LOT}
    WHERE member_id = %(member)s AND status = %(active)s AND remaining > 0
      AND (expires_at IS NULL OR expires_at > %(now)s)
    ORDER BY earned_at, id
    FOR UPDATE
), running AS (
    SELECT id, remaining, (sum(remaining) OVER (ORDER BY earned_at, id))::bigint - remaining AS before
    FROM locked
), takes AS (
    SELECT id, remaining, LEAST(remaining, %(points)s - before) AS take
    FROM running WHERE before < %(points)s
), entry AS (
    INSERT INTO {_ENTRY} (member_id, kind, points, reason, reason_code, reason_values, source_type,
                         source_ref, staff_user_id, idempotency_key, created_at)
    SELECT %(member)s, %(kind)s, %(debit)s, %(reason)s, %(reason_code)s, %(reason_values)s::jsonb,
           %(source_type)s, %(source_ref)s, %(staff_user)s::bigint, %(key)s, %(now)s
    WHERE (SELECT coalesce(sum(take), 0) FROM takes) = %(points)s
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
), lots AS (
    UPDATE {_LOT} AS lot
    SET remaining = lot.remaining - takes.take,
        status = CASE WHEN takes.take = takes.remaining THEN %(spent)s ELSE lot.status END
    FROM takes, entry WHERE lot.id = takes.id
    RETURNING 1
), movements AS (
    INSERT INTO {_MOVEMENT} (entry_id, lot_id, points)
    SELECT entry.id, takes.id, -takes.take FROM takes, entry
    RETURNING 1
), balance AS (
    UPDATE {_ACCOUNT} SET available = available - %(points)s, updated_at = %(now)s
    WHERE member_id = %(member)s AND EXISTS (SELECT 1 FROM entry)
    RETURNING 1
)
SELECT (SELECT id FROM entry), (SELECT coalesce(sum(take), 0)::bigint FROM takes)
"""


def _debit_postgresql(
    *, member_id: int, points: int, kind: str, reason: str, source_type: str, source_ref: str,
    idempotency_key: str, staff_user, reason_code: str, reason_values: dict,
) -> tuple[LedgerEntry | None, int]:
    """``_debit_portable`` in two statements: the account lock, then ``_DEBIT_SQL``."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {_ACCOUNT} WHERE member_id = %s FOR UPDATE", [member_id])
        if cursor.fetchone() is None:  # no account yet: nothing to spend
            entry_id, spendable = None, 0
        else:
            cursor.execute(_DEBIT_SQL, {
                "member": member_id, "points": points, "debit": -points, "kind": str(kind), "reason": reason,
                "reason_code": reason_code, "reason_values": json.dumps(reason_values),
                "source_type": str(source_type), "source_ref": source_ref, "key": idempotency_key, "now": now,
                "staff_user": staff_user.pk if staff_user is not None else None,
                "active": LotStatus.ACTIVE.value, "spent": LotStatus.SPENT.value,
            })
            entry_id, spendable = cursor.fetchone()
    if entry_id is None:  # refused, or the key was used: then that entry is the answer
        return LedgerEntry.objects.filter(idempotency_key=idempotency_key).first(), spendable
    entry = LedgerEntry(
        id=entry_id, member_id=member_id, kind=kind, points=-points, reason=reason, reason_code=reason_code,
        reason_values=reason_values, source_type=source_type,
        source_ref=source_ref, staff_user=staff_user, idempotency_key=idempotency_key, created_at=now,
    )
    entry._state.adding, entry._state.db = False, connection.alias
    entry.created_now = True
    return entry, points


def _spendable_lots(member_id: int, *, exclude: Iterable[int] = ()) -> list[PointLot]:
    """The member's active, unexpired lots with points left, oldest first, locked."""
    now = timezone.now()
    return list(
        PointLot.objects.select_for_update()
        .filter(member_id=member_id, status=LotStatus.ACTIVE, remaining__gt=0)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .exclude(pk__in=list(exclude))
        .order_by("earned_at", "pk")
    )


def _plan_takes(lots: list[PointLot], points: int, *, allow_short: bool) -> list[tuple[PointLot, int]]:
    takes, left = [], points
    for lot in lots:
        if left == 0:
            break
        if lot.remaining <= 0:
            continue
        take = min(lot.remaining, left)
        takes.append((lot, take))
        left -= take
    if left and not allow_short:
        raise InsufficientPoints(wanted=points, spendable=points - left)
    return takes


def _write_debit(
    *, member_id: int, takes: list[tuple[PointLot, int]], kind: str, reason: str, source_type: str,
    source_ref: str, idempotency_key: str, final_status: str, staff_user=None, reason_code: str = "",
    reason_values: dict | None = None,
) -> LedgerEntry:
    """Write the debit; the caller holds the member's account lock."""
    total = sum(take for _, take in takes)
    entry = LedgerEntry.objects.create(
        member_id=member_id, kind=kind, points=-total, reason=reason[:255], reason_code=reason_code,
        reason_values=reason_values or {}, source_type=source_type, source_ref=source_ref,
        staff_user=staff_user, idempotency_key=idempotency_key, created_at=timezone.now(),
    )
    available = pending = 0
    for lot, take in takes:
        emptied = take == lot.remaining
        PointLot.objects.filter(pk=lot.pk).update(
            remaining=F("remaining") - take, **({"status": final_status} if emptied else {})
        )
        if lot.status == LotStatus.PENDING:
            pending -= take
        else:
            available -= take
    LotMovement.objects.bulk_create(
        [LotMovement(entry=entry, lot_id=lot.pk, points=-take) for lot, take in takes]
    )
    accounts_bump({member_id: (available, pending)})
    entry.created_now = True
    return entry


__all__ = [
    "InsufficientPoints",
    "points_adjust",
    "points_refund",
    "points_reverse_source",
    "points_spend",
]
