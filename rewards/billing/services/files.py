"""``billing_events_ingest_file``: a CSV or JSONL file of events, streamed in batches.

CSV: a header row naming the event fields (validation.ALL_FIELDS); an empty cell is an
absent field. JSONL: one JSON object per line (numbers read as exact decimals); blank lines
are skipped. Each batch of ``MAX_BATCH`` records is one ``billing_events_ingest`` call, one
transaction: a file stopped half-way can be sent again, what was applied counts as duplicate.
Positions in the report are record numbers (1-based, in file order).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..models import EventSource
from .ingest import MAX_BATCH, billing_events_ingest
from .report import EventOutcome, Outcome

FILE_FORMATS = ("csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class FileFormatUnknown(ValueError):
    pass


@dataclass
class FileIngestReport:
    file_name: str
    batches: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Outcome.ALL, 0))
    quarantined: list[EventOutcome] = field(default_factory=list)
    points_granted: int = 0
    reversals_applied: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def file_format_guess(*, name: str, given: str | None = None) -> str:
    if given:
        if given not in FILE_FORMATS:
            raise FileFormatUnknown(f"unknown format {given!r} (expected {' or '.join(FILE_FORMATS)})")
        return given
    found = _SUFFIXES.get(Path(name).suffix.lower())
    if found is None:
        raise FileFormatUnknown(f"cannot tell the format of {name}: name it .csv or .jsonl, or give --format")
    return found


def _records(path: Path, file_format: str) -> Iterator[object]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if file_format == "csv":
            yield from csv.DictReader(handle)
            return
        for line in handle:
            text = line.strip()
            if not text:
                continue
            try:
                yield json.loads(text, parse_float=Decimal)
            except json.JSONDecodeError:
                yield text  # kept as received; refused as "not a JSON object"


def billing_events_ingest_file(
    *, file: str | Path, file_format: str | None = None, batch_size: int = MAX_BATCH
) -> FileIngestReport:
    path = Path(file)
    file_format = file_format_guess(name=path.name, given=file_format)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    report = FileIngestReport(file_name=path.name)
    batch: list[object] = []
    offset = 1

    def flush() -> None:
        nonlocal offset
        result = billing_events_ingest(
            events=batch, source=EventSource.FILE, position_offset=offset,
            batch_ref=f"{path.name[:60]}#{report.batches + 1}",
        )
        report.batches += 1
        for name, count in result.counts.items():
            report.counts[name] += count
        report.quarantined.extend(result.quarantined)
        report.points_granted += result.points_granted
        report.reversals_applied += result.reversals_applied
        offset += len(batch)
        batch.clear()

    for record in _records(path, file_format):
        batch.append(record)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return report
