"""The subscriber import: files or records from the operator -> ``Member`` rows, idempotently.

Public API (every face calls these: the admin upload screen through a Celery task, the
``import_subscribers`` command, the demo loader, the benchmark):

- ``import_mapping_load(name_or_path)``: a declared column mapping (importing_mapping.py)
- ``subscriber_import_records(*, records, mapping, ...)``: records already read
- ``subscriber_import_file(*, file, file_format, mapping, ...)``: a CSV or JSONL file

How it works: rows are read and validated in chunks of ``CHUNK_SIZE``; each chunk costs one
SELECT of the stored members it names, then ``bulk_create`` / ``bulk_update`` of what changed.

- default mode: each chunk's valid rows are written in their own transaction; bad rows are
  reported and never written.
- all-or-nothing: every chunk is validated first; only if no row is bad are all chunks written,
  in one transaction.
- dry run: the same validation and comparison, nothing written.

The upsert key is the account number; an MSISDN is unique too, so a row whose MSISDN belongs
to another stored account is a bad row. See docs/import.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from .importing_files import NumberedRecord, binary_open, file_format_guess, file_open
from .importing_mapping import ImportMapping, MappingInvalid, import_mapping_load, import_mapping_names
from .importing_rows import ParsedRow, RowError, RowParser
from .importing_write import ChunkPlan, chunk_plan, chunk_write

__all__ = [
    "CHUNK_SIZE",
    "ImportMapping",
    "ImportReport",
    "MappingInvalid",
    "RowError",
    "import_mapping_load",
    "import_mapping_names",
    "subscriber_import_file",
    "subscriber_import_records",
]

CHUNK_SIZE = 2000

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    """The outcome of one import. In a dry run, or an all-or-nothing run that found a bad row,
    the counts say what writing would have done and ``written`` is False."""

    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors})


@dataclass
class _Seen:
    """Account numbers and MSISDNs already met in this file, with their first row."""

    accounts: dict[str, int] = field(default_factory=dict)
    msisdns: dict[str, int] = field(default_factory=dict)

    def duplicates(self, *, parsed: ParsedRow, parser: RowParser) -> list[RowError]:
        errors = []
        for target, seen, name in (("account_number", self.accounts, "account number"),
                                   ("msisdn", self.msisdns, "MSISDN")):
            value = parsed.values.get(target)
            if value is None:
                continue
            first = seen.setdefault(value, parsed.row)
            if first != parsed.row:
                errors.append(RowError(row=parsed.row, column=parser.label(target),
                                       message=f"duplicate {name} {value}: also on row {first}"))
        return errors


def _chunk_parse(
    *, chunk: tuple[NumberedRecord, ...], parser: RowParser, seen: _Seen
) -> tuple[list[ParsedRow], list[RowError]]:
    good: list[ParsedRow] = []
    errors: list[RowError] = []
    for row, record in chunk:
        if isinstance(record, RowError):
            errors.append(record)
            continue
        parsed, row_errors = parser.parse(row=row, record=record)
        row_errors += seen.duplicates(parsed=parsed, parser=parser)
        if row_errors:
            errors += row_errors
        else:
            good.append(parsed)
    return good, errors


def _batched(items: Iterable[NumberedRecord], size: int) -> Iterator[tuple[NumberedRecord, ...]]:
    iterator = iter(items)
    while chunk := tuple(itertools.islice(iterator, size)):
        yield chunk


def _plan_count(report: ImportReport, plan: ChunkPlan) -> None:
    report.created += len(plan.creates)
    report.updated += len(plan.updates)
    report.unchanged += plan.unchanged


def _numbered_run(
    *,
    numbered: Iterable[NumberedRecord],
    total: int | None,
    mapping: ImportMapping,
    all_or_nothing: bool,
    dry_run: bool,
    progress: Progress | None,
    recorded_by_id: Any,
) -> ImportReport:
    parser = RowParser(mapping)
    report = ImportReport(dry_run=dry_run)
    seen = _Seen()
    held: list[ChunkPlan] = []  # all-or-nothing: plans wait until every row is known good
    now = timezone.now()
    write_each_chunk = not (all_or_nothing or dry_run)
    for chunk in _batched(numbered, CHUNK_SIZE):
        good, errors = _chunk_parse(chunk=chunk, parser=parser, seen=seen)
        if good:
            with transaction.atomic():
                plan, db_errors = chunk_plan(rows=good, parser=parser)
                if write_each_chunk:
                    chunk_write(plan=plan, now=now, recorded_by_id=recorded_by_id)
            errors += db_errors
            _plan_count(report, plan)
            if all_or_nothing and not dry_run and not report.errors and not errors:
                held.append(plan)
        report.errors += errors
        report.total_rows += len(chunk)
        if progress is not None:
            progress(report.total_rows, max(total or 0, report.total_rows))
    report.errors.sort(key=lambda error: error.row)
    if dry_run or (all_or_nothing and report.errors):
        return report
    if all_or_nothing:
        with transaction.atomic():
            for plan in held:
                chunk_write(plan=plan, now=now, recorded_by_id=recorded_by_id)
    report.written = True
    return report


def _mapping(mapping: ImportMapping | str | Path) -> ImportMapping:
    return mapping if isinstance(mapping, ImportMapping) else import_mapping_load(mapping)


def subscriber_import_records(
    *,
    records: Iterable[Mapping[str, str]],
    mapping: ImportMapping | str,
    all_or_nothing: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    recorded_by_id: Any = None,
) -> ImportReport:
    """Import records already read (e.g. generated): the first record is row 1.

    ``recorded_by_id`` is the user named on the consent history the import writes."""
    return _numbered_run(
        numbered=enumerate(records, start=1),
        total=len(records) if isinstance(records, Sized) else None,
        mapping=_mapping(mapping),
        all_or_nothing=all_or_nothing,
        dry_run=dry_run,
        progress=progress,
        recorded_by_id=recorded_by_id,
    )


def subscriber_import_file(
    *,
    file: Any,
    file_format: str | None,
    mapping: ImportMapping | str,
    all_or_nothing: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    recorded_by_id: Any = None,
) -> ImportReport:
    """Import a CSV or JSONL file: a path, or an open binary file (then ``file_format`` may be
    None only if the file has a ``name`` ending in .csv or .jsonl)."""
    mapping = _mapping(mapping)
    file_format = file_format_guess(name=str(getattr(file, "name", file)), file_format=file_format)
    with binary_open(file) as binary:
        opened = file_open(binary=binary, file_format=file_format, columns=mapping.source_columns)
        if opened.errors:
            return ImportReport(total_rows=opened.total, errors=opened.errors, dry_run=dry_run)
        return _numbered_run(
            numbered=opened.records,
            total=opened.total,
            mapping=mapping,
            all_or_nothing=all_or_nothing,
            dry_run=dry_run,
            progress=progress,
            recorded_by_id=recorded_by_id,
        )
