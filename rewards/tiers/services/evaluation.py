"""Tier evaluation: one set-based function for the incremental path (billing ingestion, after
each batch, for the members it touched) and the nightly full recompute (every member, in
chunks by id). Both call ``tier_evaluate_members``, so they cannot disagree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from club.members.models import Member
from rewards.activity.models import MonthlyActivity
from rewards.activity.selectors import rolling_spend_subquery, rolling_window_start
from rewards.sql import ids_in, int_array

from ..models import MemberTier, Tier, TierChange, TierChangeReason, TierSettings
from ..rules import TierDecision, TierPolicy, TierSpec, TierState, tenure_years, tier_decide, tier_qualified

RECOMPUTE_CHUNK = 2000


@dataclass(frozen=True)
class TierChangeRecord:
    member_id: int
    from_tier_id: int | None
    to_tier_id: int
    reason: str


@dataclass
class TierEvaluation:
    evaluated: int = 0
    initial: int = 0
    upgraded: int = 0
    downgraded: int = 0
    rows_written: int = 0
    changes: list[TierChangeRecord] = field(default_factory=list)

    def add(self, other: TierEvaluation) -> None:
        self.evaluated += other.evaluated
        self.initial += other.initial
        self.upgraded += other.upgraded
        self.downgraded += other.downgraded
        self.rows_written += other.rows_written
        self.changes.extend(other.changes)


def tier_specs() -> dict[int, TierSpec]:
    """Every tier, live or not (a member may still sit in an unpublished one), by id."""
    return {
        tier.pk: TierSpec(
            id=tier.pk, code=tier.code, name=tier.name, rank=tier.rank,
            min_rolling_spend=tier.min_rolling_spend, min_tenure_years=tier.min_tenure_years,
            points_multiplier=tier.points_multiplier, discount_percent=tier.discount_percent,
            event_access=tier.event_access, priority_support=tier.priority_support, is_live=tier.live,
        )
        for tier in Tier.objects.order_by("rank")
    }


def tier_policy() -> TierPolicy:
    stored = TierSettings.load()
    return TierPolicy(qualification_months=stored.qualification_months, grace_days=stored.grace_days)


def tier_evaluate_members(
    *, member_ids: Iterable[int], on: dt.date, policy: TierPolicy | None = None
) -> TierEvaluation:
    """Evaluate the tiers of ``member_ids`` on ``on`` and store the result, with history.

    A constant number of statements whatever the number of members: placeholder state rows
    for members never evaluated (``ON CONFLICT DO NOTHING``, in member order), the state rows
    locked ``FOR UPDATE`` in member order (two batches touching one member queue up instead of
    losing a change), then spend and tenure, the pure decision, one upsert and one insert of
    history rows. Idempotent: evaluating again on the same day writes nothing.
    """
    ids = sorted(set(member_ids))
    if not ids:
        return TierEvaluation()
    tiers = tier_specs()
    if not any(tier.is_live for tier in tiers.values()):
        return TierEvaluation()
    policy = policy or tier_policy()
    with transaction.atomic():
        _placeholders_insert(ids)
        states = {
            member_id: TierState(tier_id, since, until, due)
            for member_id, tier_id, since, until, due in MemberTier.objects.select_for_update()
            .filter(ids_in(MemberTier, "member", ids))
            .order_by("member_id")
            .values_list("member_id", "tier_id", "since", "qualified_until", "downgrade_due")
        }
        # Read after the lock, in a statement of its own: its snapshot then holds what a
        # concurrent batch for the same member committed while this one waited.
        facts = _tenure_and_spend(ids, on)
        result = TierEvaluation()
        ladder = list(tiers.values())
        rows: list[MemberTier] = []
        history: list[TierChange] = []
        now = timezone.now()
        for member_id, activation_date, spend in facts:
            state = states.get(member_id)
            qualified = tier_qualified(
                tiers=ladder, rolling_spend=spend, years=tenure_years(activation_date, on)
            )
            current = tiers.get(state.tier_id) if state and state.tier_id else None
            decision = tier_decide(state=state, current=current, qualified=qualified, on=on, policy=policy)
            result.evaluated += 1
            if _unchanged(state, decision):
                continue
            rows.append(MemberTier(
                member_id=member_id, tier_id=decision.tier_id, since=decision.since,
                qualified_until=decision.qualified_until, downgrade_due=decision.downgrade_due,
                updated_at=now,
            ))
            if decision.change:
                _count(result, decision.change)
                from_tier_id = state.tier_id if state else None
                result.changes.append(
                    TierChangeRecord(member_id, from_tier_id, decision.tier_id, decision.change)
                )
                history.append(TierChange(
                    member_id=member_id, from_tier_id=from_tier_id, to_tier_id=decision.tier_id,
                    on=on, reason=decision.change, recorded_at=now,
                ))
        if rows:
            MemberTier.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["member"],
                update_fields=["tier", "since", "qualified_until", "downgrade_due", "updated_at"],
            )
        if history:
            TierChange.objects.bulk_create(history)
        result.rows_written = len(rows)
    return result


def _tenure_and_spend(ids: list[int], on: dt.date) -> list[tuple]:
    """``(member_id, activation_date, rolling_spend)`` of ``ids``, in member order. On
    PostgreSQL the spend is one aggregate over the batch's activity rows, joined in: a
    correlated subquery per member costs more, and its estimate is high enough at thousands
    of members to pull in the JIT compiler, which costs more than the query."""
    if connection.vendor != "postgresql":
        return list(
            Member.objects.filter(ids_in(Member, "id", ids))
            .annotate(rolling_spend=rolling_spend_subquery(on=on))
            .order_by("pk")
            .values_list("pk", "activation_date", "rolling_spend")
        )
    member, activity = (connection.ops.quote_name(m._meta.db_table) for m in (Member, MonthlyActivity))
    array = int_array(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, m.activation_date, coalesce(spend.total, 0) FROM {member} m "
            f"LEFT JOIN (SELECT member_id, sum(spend) AS total FROM {activity} "
            f"WHERE member_id = ANY(%s::bigint[]) AND month >= %s AND month <= %s "
            f"GROUP BY member_id) spend ON spend.member_id = m.id "
            f"WHERE m.id = ANY(%s::bigint[]) ORDER BY m.id",
            [array, rolling_window_start(on), on, array],
        )
        return cursor.fetchall()


def _placeholders_insert(ids: list[int]) -> None:
    """Empty state rows for members never evaluated, so that every member can be locked."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(MemberTier._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (member_id, updated_at) SELECT m, now() "
                "FROM unnest(%s::bigint[]) AS m ORDER BY m ON CONFLICT (member_id) DO NOTHING",
                [int_array(ids)],
            )
        return
    MemberTier.objects.bulk_create(
        [MemberTier(member_id=member_id) for member_id in ids], ignore_conflicts=True
    )


def _unchanged(state: TierState | None, decision: TierDecision) -> bool:
    return state is not None and (
        state.tier_id, state.since, state.qualified_until, state.downgrade_due
    ) == (decision.tier_id, decision.since, decision.qualified_until, decision.downgrade_due)


def _count(result: TierEvaluation, change: str) -> None:
    if change == TierChangeReason.INITIAL:
        result.initial += 1
    elif change == TierChangeReason.UPGRADE:
        result.upgraded += 1
    else:
        result.downgraded += 1


def tier_recompute_chunk(
    *, on: dt.date, after_member_id: int = 0, chunk_size: int | None = None,
    policy: TierPolicy | None = None,
) -> tuple[TierEvaluation, int | None]:
    """Evaluate the next ``chunk_size`` members after ``after_member_id`` (keyset pagination),
    in one transaction. Returns the evaluation and the last member id (``None``: done)."""
    chunk_size = chunk_size or RECOMPUTE_CHUNK
    ids = list(
        Member.objects.filter(pk__gt=after_member_id).order_by("pk").values_list("pk", flat=True)[:chunk_size]
    )
    if not ids:
        return TierEvaluation(), None
    evaluation = tier_evaluate_members(member_ids=ids, on=on, policy=policy)
    return evaluation, ids[-1] if len(ids) == chunk_size else None


def tier_recompute_all(*, on: dt.date, chunk_size: int | None = None) -> TierEvaluation:
    """The full recompute: every member, ``chunk_size`` at a time, each chunk its own transaction."""
    policy = tier_policy()
    total = TierEvaluation()
    after: int | None = 0
    while after is not None:
        evaluation, after = tier_recompute_chunk(
            on=on, after_member_id=after, chunk_size=chunk_size, policy=policy
        )
        total.add(evaluation)
    return total
