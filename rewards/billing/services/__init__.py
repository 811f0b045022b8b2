"""Writes of billing ingestion (docs/ingestion.md)."""

from .files import (
    FILE_FORMATS,
    FileFormatUnknown,
    FileIngestReport,
    billing_events_ingest_file,
    file_format_guess,
)
from .ingest import MAX_BATCH, BatchTooLarge, billing_events_ingest
from .report import EventOutcome, IngestReport, Outcome

__all__ = [
    "FILE_FORMATS",
    "FileFormatUnknown",
    "file_format_guess",
    "MAX_BATCH",
    "BatchTooLarge",
    "EventOutcome",
    "FileIngestReport",
    "IngestReport",
    "Outcome",
    "billing_events_ingest",
    "billing_events_ingest_file",
]
