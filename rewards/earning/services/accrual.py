"""Points for billing events: the service the ingestion calls inside its transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction

from rewards.ledger.models import SourceType
from rewards.ledger.services import PointsGrant

from ..evaluation import EarningEvent, RuleSpec, evaluate_events, period_start
from ..models import EarningKind
from ..reasons import ReasonStyle, award_reason, award_reason_code, award_reason_values
from ..selectors import live_rule_specs, member_contexts
from .counters import CounterKey, counters_add, counters_lock

EVENT_KINDS = (EarningKind.BILL_PAID, EarningKind.TOP_UP, EarningKind.USAGE)


def points_for_events(*, events: Sequence[EarningEvent]) -> list[PointsGrant]:
    """The points grants ``events`` earn under the live rules, cap counters updated.

    Call it once per batch, inside the ingestion's transaction, with events not applied
    before (the ingestion drops duplicates first: the counters would count a replay, the
    ledger would not). A constant number of queries: the rules, the members and their tiers,
    the capped counters (created, locked and read), one upsert of the counters. Events of
    members that do not exist earn nothing. The grants' idempotency key is ``earn:<event_id>``.
    """
    unique: dict[str, EarningEvent] = {}
    for event in events:
        unique.setdefault(event.event_id, event)
    batch = [event for event in unique.values() if event.kind in EVENT_KINDS]
    if not batch:
        return []
    rules = live_rule_specs(kinds=EVENT_KINDS)
    if not rules:
        return []
    with transaction.atomic():
        members = member_contexts(member_ids={event.member_id for event in batch})
        earned = counters_lock(keys=_counter_keys(batch, rules, members.keys()))
        awards = evaluate_events(batch, members, rules, earned)
        increments: dict[CounterKey, int] = defaultdict(int)
        for award in awards:
            for (rule_id, start), points in award.counted:
                increments[(award.member_id, rule_id, start)] += points
        counters_add(increments=increments)
    style = ReasonStyle.current()
    return [
        PointsGrant(
            member_id=award.member_id, points=award.points,
            reason=award_reason(unique[award.event_id], award, style),
            reason_code=award_reason_code(unique[award.event_id]),
            reason_values=award_reason_values(unique[award.event_id], award),
            source_type=SourceType.BILLING_EVENT, source_ref=award.event_id,
            idempotency_key=f"earn:{award.event_id}", earned_at=unique[award.event_id].occurred_at,
        )
        for award in awards
        if award.points > 0
    ]


def _counter_keys(events, rules: Sequence[RuleSpec], member_ids) -> set[CounterKey]:
    capped = [rule for rule in rules if rule.is_capped]
    known = set(member_ids)
    keys: set[CounterKey] = set()
    if not capped:
        return keys
    for event in events:
        if event.member_id not in known:
            continue
        for rule in capped:
            if rule.applies_to(event):
                keys.add((event.member_id, rule.id, period_start(rule.cap_period, event.local_date)))
    return keys
