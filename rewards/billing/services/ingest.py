"""``billing_events_ingest``: one batch of operator events, applied in one transaction.

Steps (docs/ingestion.md): validate each event (pure), resolve member references (one query
per kind of reference), drop ids already stored, then in one transaction: lock the batch's
members, decide the reversals, insert the new events (``ON CONFLICT (event_id) DO NOTHING``
says which are new), resolve waiting reversals, apply activity, points, member changes and
tiers for the new events, keep the refused ones in quarantine.
"""

from __future__ import annotations

import contextlib
import gc
import uuid
from collections.abc import Iterator, Sequence

from django.db import transaction
from django.utils import timezone

from config.counters import counters_add, labels_of

from ..listeners import billing_applied_notify
from ..models import BillingEvent, EventSource, EventState, PendingReversal, QuarantineReason
from ..selectors import member_ids_by_reference, stored_event_ids
from .effects import batch_effects_apply, member_ids_lock
from .quarantine import quarantine_add, quarantine_resolve
from .report import EventOutcome, IngestReport, Outcome
from .reversals import Candidate, reversal_plan
from .storing import EventRow, events_insert
from .validation import EventParser, ParsedEvent, Refusal

MAX_BATCH = 10_000


class BatchTooLarge(ValueError):
    pass


def billing_events_ingest(
    *, events: Sequence[object], source: str, batch_ref: str = "", position_offset: int = 0
) -> IngestReport:
    """Apply a batch of up to ``MAX_BATCH`` raw events (dicts as received) from ``source``
    (``api`` or ``file``). Returns one outcome per event, in the batch's order. Safe to call
    again with the same events, also concurrently: an event id is applied once."""
    if len(events) > MAX_BATCH:
        raise BatchTooLarge(f"a batch holds at most {MAX_BATCH:,} events, not {len(events):,}")
    if source not in EventSource.values:
        raise ValueError(f"unknown source {source!r}")
    with _cyclic_gc_paused():
        return _ingest(events, source, batch_ref or uuid.uuid4().hex[:16], position_offset)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the batch, back on after (if it was on).

    A batch of 10,000 events keeps some 200,000 small objects alive until it ends, none of
    them in reference cycles (reference counting frees them). Each full collection the
    allocations trigger walks the whole heap of the process, for nothing to collect: about
    an eighth of the batch's time in the ``accrual`` benchmark. Garbage in cycles made
    meanwhile (by this or another thread) waits for the next collection after the batch.
    Only the caller that turned the collector off turns it back on, so overlapping batches
    in two threads leave it as they found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ingest(events: Sequence[object], source: str, batch_ref: str, position_offset: int) -> IngestReport:
    received_at = timezone.now()
    parser = EventParser.current()
    outcomes: dict[int, EventOutcome] = {}
    refusals: list[Refusal] = []
    parsed: list[ParsedEvent] = []
    for index, raw in enumerate(events):
        result = parser.parse(raw, index + position_offset)
        (refusals if isinstance(result, Refusal) else parsed).append(result)
    candidates, seen = _resolve_members(parsed, refusals), set()
    fresh: list[Candidate] = []
    for candidate in candidates:  # the first occurrence of an id in the batch is the one
        if candidate.event.event_id in seen:
            _set(outcomes, candidate.event, Outcome.DUPLICATE)
        else:
            seen.add(candidate.event.event_id)
            fresh.append(candidate)
    fresh = _without_stored(fresh, outcomes)
    report = IngestReport(batch_ref=batch_ref, source=source)
    with transaction.atomic():
        if fresh:
            member_ids_lock(c.member_id for c in fresh)
            fresh = _without_stored(fresh, outcomes)  # a concurrent batch may have committed them
        if fresh:
            billing_applied_notify(
                member_ids=_apply(fresh, report, outcomes, refusals, received_at=received_at))
        for refusal in refusals:
            outcomes[refusal.position] = EventOutcome(
                refusal.position, refusal.event_id, Outcome.QUARANTINED, refusal.reason,
                tuple(refusal.messages),
            )
        quarantine_add(
            refusals=[r if r.raw is not None else _with_raw(r, events[r.position - position_offset])
                      for r in refusals],
            source=source, batch_ref=batch_ref, received_at=received_at,
        )
    report.outcomes = [outcomes[position] for position in sorted(outcomes)]
    increments = {("billing_events", labels_of(source=source, outcome=outcome)): n
                  for outcome, n in report.counts.items()}
    transaction.on_commit(lambda: counters_add(increments))  # /ops/metrics: one Redis round trip
    return report


def _apply(fresh: list[Candidate], report: IngestReport, outcomes: dict, refusals: list,
           *, received_at) -> set[int]:
    """Store and apply the new events; returns the ids of the members whose events were stored."""
    plan = reversal_plan(candidates=fresh)
    refused = {refusal.position for refusal in plan.refused}
    refusals.extend(plan.refused)
    rows = [
        EventRow(c.event, c.member_id, plan.states.get(c.event.event_id, EventState.APPLIED),
                 plan.reversed_by.get(c.event.event_id, ""))
        for c in fresh if c.event.position not in refused
    ]
    written = events_insert(rows=rows, received_at=received_at, source=report.source,
                            batch_ref=report.batch_ref)
    applied: list[Candidate] = []
    for row in rows:
        event = row.event
        if event.event_id not in written:  # stored by a concurrent batch after our check
            _set(outcomes, event, Outcome.DUPLICATE)
        elif row.state == EventState.WAITING:
            _set(outcomes, event, Outcome.WAITING)
        else:
            _set(outcomes, event, Outcome.APPLIED)
            if row.state == EventState.APPLIED:
                applied.append(Candidate(event, row.member_id))
    PendingReversal.objects.bulk_create([
        PendingReversal(reversal_id=written[reversal_id], original_event_id=original_id,
                        created_at=received_at)
        for reversal_id, original_id in plan.waiting.items() if reversal_id in written
    ])
    resolved = [w for w in plan.resolved if w.original_event_id in written]
    if resolved:
        PendingReversal.objects.filter(reversal_id__in=[w.reversal_pk for w in resolved]).delete()
        BillingEvent.objects.filter(pk__in=[w.reversal_pk for w in resolved],
                                    state=EventState.WAITING).update(state=EventState.APPLIED)
    reversed_now = _originals_reverse(plan.reverse_now, written)
    effects = batch_effects_apply(applied=applied, reversed_now=reversed_now, on=timezone.localdate())
    quarantine_resolve(event_ids=written.keys(), at=received_at)
    report.points_granted = effects.points_entries
    report.reversals_applied = effects.reversals_applied
    report.tier_changes = effects.tier_changes
    return {row.member_id for row in rows if row.event.event_id in written}


def _originals_reverse(pairs, written: dict[str, int]):
    """Mark stored originals reversed; a conditional update (``state = applied``), so each
    is reversed once whatever runs concurrently. Returns the pairs that were flipped."""
    pairs = [(original, reversal_id) for original, reversal_id in pairs if reversal_id in written]
    flipped = []
    for original, reversal_id in pairs:
        if BillingEvent.objects.filter(event_id=original.event_id, state=EventState.APPLIED).update(
            state=EventState.REVERSED, reversed_by=reversal_id
        ):
            flipped.append((original, reversal_id))
    return flipped


def _resolve_members(parsed: list[ParsedEvent], refusals: list[Refusal]) -> list[Candidate]:
    by_msisdn, by_account = member_ids_by_reference(
        msisdns={e.msisdn for e in parsed if e.msisdn},
        account_numbers={e.account_number for e in parsed if e.account_number},
    )
    candidates = []
    for event in parsed:
        member_id = by_msisdn.get(event.msisdn) if event.msisdn else by_account.get(event.account_number)
        if member_id is None:
            reference = f"msisdn {event.msisdn}" if event.msisdn else f"account_number {event.account_number}"
            refusals.append(Refusal(event.position, None, event.event_id, QuarantineReason.UNKNOWN_MEMBER,
                                    [f"{reference}: no such member"]))
        else:
            candidates.append(Candidate(event, member_id))
    return candidates


def _without_stored(candidates: list[Candidate], outcomes: dict) -> list[Candidate]:
    stored = stored_event_ids(event_ids=[c.event.event_id for c in candidates])
    kept = []
    for candidate in candidates:
        if candidate.event.event_id in stored:
            _set(outcomes, candidate.event, Outcome.DUPLICATE)
        else:
            kept.append(candidate)
    return kept


def _set(outcomes: dict, event: ParsedEvent, outcome: str) -> None:
    outcomes[event.position] = EventOutcome(event.position, event.event_id, outcome)


def _with_raw(refusal: Refusal, raw: object) -> Refusal:
    return Refusal(refusal.position, raw, refusal.event_id, refusal.reason, refusal.messages)
