"""Deciding what each reversal of a batch does, before anything is written.

A reversal names the original event it takes back. Four cases (docs/ingestion.md):

* the original is in the same batch: the original is stored as reversed (it never counts);
* the original is stored and applied: it is reversed now (points, activity);
* the original has not arrived: the reversal is stored as waiting, with a ``PendingReversal``;
* an original arriving while a reversal waits for it is stored as reversed, and the waiting
  reversal becomes applied.

Refused (quarantined): a reversal of a reversal, of an event already reversed or already
awaited by another reversal, or of another member's event. Callers hold the lock on the
batch's members, so what is read here cannot change before it is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import EventKind, EventState, QuarantineReason
from ..selectors import StoredEvent, WaitingReversal, stored_events, waiting_reversals
from .validation import ParsedEvent, Refusal


@dataclass(frozen=True)
class Candidate:
    event: ParsedEvent
    member_id: int


@dataclass
class ReversalPlan:
    states: dict[str, str] = field(default_factory=dict)  # event id -> state, when not applied
    reversed_by: dict[str, str] = field(default_factory=dict)  # batch original -> reversal id
    refused: list[Refusal] = field(default_factory=list)
    reverse_now: list[tuple[StoredEvent, str]] = field(default_factory=list)  # (original, reversal)
    waiting: dict[str, str] = field(default_factory=dict)  # reversal id -> original id
    resolved: list[WaitingReversal] = field(default_factory=list)  # waiting reversals now applied


def reversal_plan(*, candidates: Sequence[Candidate]) -> ReversalPlan:
    plan = ReversalPlan()
    reversals = [c for c in candidates if c.event.kind == EventKind.REVERSAL]
    originals = {c.event.event_id: c for c in candidates if c.event.kind != EventKind.REVERSAL}
    targets = {c.event.reverses for c in reversals}
    stored = stored_events(event_ids=targets - originals.keys()) if reversals else {}
    waiting = waiting_reversals(original_event_ids=targets | originals.keys())
    batch_reversal_ids = {c.event.event_id for c in reversals}
    claimed: dict[str, str] = {}

    def refuse(candidate: Candidate, message: str) -> None:
        event = candidate.event
        plan.refused.append(Refusal(event.position, None, event.event_id,
                                    QuarantineReason.BAD_REVERSAL, [f"reverses: {message}"]))

    for candidate in reversals:
        reversal_id, target = candidate.event.event_id, candidate.event.reverses
        if target in claimed:
            refuse(candidate, f"{target} is already reversed by {claimed[target]} in this batch")
        elif target in batch_reversal_ids or (target in stored and stored[target].kind == EventKind.REVERSAL):
            refuse(candidate, f"{target} is a reversal; a reversal cannot be reversed")
        elif target in waiting:
            refuse(candidate, f"{target} already has a reversal ({waiting[target].reversal_event_id})")
        elif target in originals:
            if originals[target].member_id != candidate.member_id:
                refuse(candidate, f"{target} belongs to another member")
                continue
            plan.states[target] = EventState.REVERSED
            plan.reversed_by[target] = reversal_id
            claimed[target] = reversal_id
        elif target in stored:
            original = stored[target]
            if original.member_id != candidate.member_id:
                refuse(candidate, f"{target} belongs to another member")
            elif original.state != EventState.APPLIED:
                refuse(candidate, f"{target} is already reversed")
            else:
                plan.reverse_now.append((original, reversal_id))
                claimed[target] = reversal_id
        else:
            plan.states[reversal_id] = EventState.WAITING
            plan.waiting[reversal_id] = target
            claimed[target] = reversal_id
    for original_id in originals.keys() & waiting.keys():
        plan.states[original_id] = EventState.REVERSED
        plan.reversed_by[original_id] = waiting[original_id].reversal_event_id
        plan.resolved.append(waiting[original_id])
    return plan
