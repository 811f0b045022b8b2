"""The effects of a batch's new events: activity, points, member changes, tiers.

Each step is one set-based call for the whole batch (reversals of stored events, which the
ledger takes back one source at a time, are the exception). Callers hold the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from club.members.models import Member, MemberStatus
from rewards.activity.services import ActivityDelta, activity_add_many
from rewards.earning.services import EarningEvent, points_for_events
from rewards.ledger.models import SourceType
from rewards.ledger.reasons import ReasonCode
from rewards.ledger.services import points_grant_many, points_reverse_source
from rewards.sql import int_array
from rewards.tiers.services import tier_evaluate_members

from ..models import EventKind
from ..selectors import StoredEvent, chunked, latest_member_changes
from .reversals import Candidate

COUNTED_KINDS = frozenset({EventKind.BILL_PAID, EventKind.TOP_UP, EventKind.USAGE})
CHANGE_KINDS = frozenset({EventKind.PLAN_CHANGE, EventKind.STATUS_CHANGE})
_ZERO = Decimal(0)


@dataclass(frozen=True)
class BatchEffects:
    points_entries: int
    reversals_applied: int
    tier_changes: int


def _delta(kind: str, member_id: int, month: dt.date, amount, data_mb: int, voice_minutes: int,
           sms: int, sign: int) -> ActivityDelta:
    amount = (amount or _ZERO) * sign
    if kind == EventKind.BILL_PAID:
        return ActivityDelta(member_id=member_id, month=month, spend=amount, bills_paid=sign)
    if kind == EventKind.TOP_UP:
        return ActivityDelta(member_id=member_id, month=month, spend=amount, top_up_amount=amount,
                             top_ups=sign)
    return ActivityDelta(member_id=member_id, month=month, data_mb=data_mb * sign,
                         voice_minutes=voice_minutes * sign, sms=sms * sign)


def batch_effects_apply(
    *, applied: Sequence[Candidate], reversed_now: Sequence[tuple[StoredEvent, str]], on: dt.date
) -> BatchEffects:
    """``applied``: the batch's new events that count (stored as applied); ``reversed_now``:
    stored originals this batch reverses, with the reversing event's id."""
    counted = [c for c in applied if c.event.kind in COUNTED_KINDS]
    deltas = [
        _delta(c.event.kind, c.member_id, c.event.month, c.event.amount, c.event.data_mb,
               c.event.voice_minutes, c.event.sms, 1)
        for c in counted
    ]
    deltas += [
        _delta(o.kind, o.member_id, o.month, o.amount, o.data_mb, o.voice_minutes, o.sms, -1)
        for o, _reversal_id in reversed_now if o.kind in COUNTED_KINDS
    ]
    activity_add_many(deltas=deltas)
    grants = points_for_events(events=[
        EarningEvent(
            event_id=c.event.event_id, member_id=c.member_id, kind=c.event.kind,
            occurred_at=c.event.occurred_at, amount=c.event.amount or _ZERO, data_mb=c.event.data_mb,
            voice_minutes=c.event.voice_minutes, sms=c.event.sms, channel=c.event.channel,
        )
        for c in counted
    ])
    entries = points_grant_many(grants=grants) if grants else 0
    for original, reversal_id in reversed_now:
        points_reverse_source(
            source_type=SourceType.BILLING_EVENT, source_ref=original.event_id,
            reason=f"billing event {original.event_id} reversed by {reversal_id}",
            reason_code=ReasonCode.BILLING_REVERSED,
            reason_values={"event": original.event_id, "reversal": reversal_id},
            idempotency_key=f"reverse:{reversal_id}",
        )
    members_changes_apply(changes=[c for c in applied if c.event.kind in CHANGE_KINDS])
    touched = {c.member_id for c in applied} | {o.member_id for o, _ in reversed_now}
    evaluation = tier_evaluate_members(member_ids=touched, on=on) if touched else None
    return BatchEffects(
        points_entries=entries, reversals_applied=len(reversed_now),
        tier_changes=len(evaluation.changes) if evaluation else 0,
    )


def members_changes_apply(*, changes: Sequence[Candidate]) -> int:
    """Plan and status changes: per member and kind, the batch's latest change is written
    unless a stored change of that kind is as recent or more (an older change arriving
    late is ignored). Returns the members updated."""
    latest: dict[tuple[int, str], Candidate] = {}
    for change in changes:
        key = (change.member_id, change.event.kind)
        held = latest.get(key)
        if held is None or change.event.occurred_at >= held.event.occurred_at:
            latest[key] = change
    if not latest:
        return 0
    stored = latest_member_changes(
        member_ids={member_id for member_id, _ in latest},
        exclude_event_ids={c.event.event_id for c in changes},
    )
    values: dict[int, dict[str, str]] = {}
    for key, change in latest.items():
        if key in stored and stored[key] >= change.event.occurred_at:
            continue
        event = change.event
        fields = values.setdefault(change.member_id, {})
        if event.kind == EventKind.PLAN_CHANGE:
            fields["plan_name"] = event.plan_name
            if event.payment_plan:
                fields["payment_plan"] = event.payment_plan
            if event.tariff_kind:
                fields["tariff_kind"] = event.tariff_kind
        else:
            fields["status"] = event.status
            fields["churn_reason"] = event.churn_reason if event.status == MemberStatus.CHURNED else ""
    _members_update(values)
    return len(values)


def _members_update(values: dict[int, dict[str, str]]) -> None:
    """One ``UPDATE ... SET column = CASE id WHEN ... END`` per chunk of members."""
    table, now = Member._meta.db_table, timezone.now()
    for ids in chunked(sorted(values), 200):
        columns = sorted({name for member_id in ids for name in values[member_id]})
        assignments, params = [], []
        for column in columns:
            whens = [(member_id, values[member_id][column])
                     for member_id in ids if column in values[member_id]]
            assignments.append(f"{column} = CASE id " + " ".join(["WHEN %s THEN %s"] * len(whens))
                               + f" ELSE {column} END")
            params += [value for pair in whens for value in pair]
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {', '.join(assignments)}, updated_at = %s WHERE id IN ({marks})",
                [*params, now, *ids],
            )


def member_ids_lock(member_ids: Iterable[int]) -> None:
    """Lock the batch's members (``FOR NO KEY UPDATE``, in id order) for the transaction:
    two batches touching one member queue up, so a reversal and its original arriving at the
    same moment in two batches see each other. SQLite serialises writers by itself."""
    ids = sorted(set(member_ids))
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Member._meta.db_table} WHERE id = ANY(%s::bigint[]) ORDER BY id "
            "FOR NO KEY UPDATE",
            [int_array(ids)],
        )
