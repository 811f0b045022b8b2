"""What an ingestion tells its caller: one outcome per event, and the counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


class Outcome:
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    WAITING = "waiting"  # a reversal stored until its original arrives

    ALL = (APPLIED, DUPLICATE, QUARANTINED, WAITING)


@dataclass(frozen=True)
class EventOutcome:
    position: int  # index in the batch (0-based); the line or row number for files
    event_id: str
    outcome: str
    reason: str = ""  # QuarantineReason code when quarantined
    messages: tuple[str, ...] = ()


@dataclass
class IngestReport:
    batch_ref: str
    source: str
    outcomes: list[EventOutcome] = field(default_factory=list)
    points_granted: int = 0  # ledger entries written by this batch
    reversals_applied: int = 0  # stored originals reversed by this batch
    tier_changes: int = 0

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(outcome.outcome for outcome in self.outcomes)
        return {name: counted.get(name, 0) for name in Outcome.ALL}

    @property
    def quarantined(self) -> list[EventOutcome]:
        return [outcome for outcome in self.outcomes if outcome.outcome == Outcome.QUARANTINED]

    @property
    def total(self) -> int:
        return len(self.outcomes)
