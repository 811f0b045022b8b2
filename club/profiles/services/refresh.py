"""Refreshing member profiles, set-based: one upsert per chunk of members (docs/profiles.md).

``profiles_refresh`` recomputes the aggregates of the given members (or of all);
``profiles_refresh_all`` walks every member in keyset chunks and runs the whole pipeline
(profile, then the later steps of ``club.profiles.pipeline``) on each chunk, one transaction
per chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from club.members.models import Member

from ..pipeline import pipeline_run
from ..windows import ProfileWindows
from .refresh_sql import refresh_parameters, refresh_statement

DEFAULT_CHUNK_SIZE = 10_000
MAX_CHUNK_SIZE = 50_000
CHUNK_WORK_MEM = "64MB"


@dataclass(frozen=True)
class RefreshRun:
    members: int
    chunks: int
    on: dt.date


def _chunk_size_checked(chunk_size: int) -> int:
    whole = isinstance(chunk_size, int) and not isinstance(chunk_size, bool)
    if not whole or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"the chunk size is a whole number from 1 to {MAX_CHUNK_SIZE:,}, not {chunk_size!r}")
    return chunk_size


def _member_ids_checked(member_ids: Iterable[int]) -> list[int]:
    ids = list(member_ids)
    wrong = [value for value in ids if isinstance(value, bool) or not isinstance(value, int) or value < 1]
    if wrong:
        raise ValueError(f"member ids are positive whole numbers; not {', '.join(map(repr, wrong[:5]))}")
    return sorted(set(ids))


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def member_id_chunks(*, chunk_size: int) -> Iterator[list[int]]:
    """Every member's id, in ascending chunks of ``chunk_size`` (keyset: ``id > last``)."""
    _chunk_size_checked(chunk_size)
    last = 0
    while True:
        ids = list(Member.objects.filter(pk__gt=last).order_by("pk")
                   .values_list("pk", flat=True)[:chunk_size])
        if not ids:
            return
        yield KeysetChunk(ids)
        last = ids[-1]


class KeysetChunk(list):
    """A chunk of ``member_id_chunks``: sorted ids that are every member from the first to the
    last (read in one keyset query). A plain list to every pipeline step; the profile step
    filters such a chunk by its range alone."""


def _as_range_if_whole(ids: Sequence[int]) -> Sequence[int] | range:
    """``ids`` as a ``range`` when no member between the first and the last is left out: a
    keyset chunk, or ids without gaps."""
    if isinstance(ids, KeysetChunk) or ids[-1] - ids[0] + 1 == len(ids):
        return range(ids[0], ids[-1] + 1)
    return ids


def _refresh_chunk(ids: Sequence[int], windows: ProfileWindows) -> int:
    """One statement for the chunk (``ids`` sorted, unique, not empty), in the caller's
    transaction. On PostgreSQL, for the rest of that transaction: no JIT compiler (compiling
    the statement costs more than running it on a chunk) and room for the chunk's sorts in
    memory (``CHUNK_WORK_MEM``; the default 4 MB spills a chunk of 10,000 to disk)."""
    statement = refresh_statement(_as_range_if_whole(ids))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            cursor.execute(f"SET LOCAL jit = off; SET LOCAL work_mem = '{CHUNK_WORK_MEM}'")
        cursor.execute(statement, refresh_parameters(windows, timezone.now()))
        return max(cursor.rowcount, 0)


def profiles_refresh(*, member_ids: Sequence[int] | None = None, on: dt.date | None = None,
                     chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Recompute the profile aggregates of ``member_ids`` (every member when ``None``) as of
    ``on`` (today in the operator's time zone by default); creates missing profiles. Ids of
    members that do not exist are skipped. Returns the profiles written."""
    on = on or timezone.localdate()
    windows = ProfileWindows.as_of(on, settings.TIME_ZONE)
    _chunk_size_checked(chunk_size)
    chunks = (member_id_chunks(chunk_size=chunk_size) if member_ids is None
              else _chunks(_member_ids_checked(member_ids), chunk_size))
    written = 0
    for ids in chunks:
        with transaction.atomic():
            written += _refresh_chunk(ids, windows)
    return written


def profiles_refresh_step(*, member_ids: Sequence[int], on: dt.date) -> int:
    """The pipeline's first step: the profiles of one chunk (sorted ids), in its transaction."""
    ids = member_ids if isinstance(member_ids, KeysetChunk) else _member_ids_checked(member_ids)
    if not ids:
        return 0
    return _refresh_chunk(ids, ProfileWindows.as_of(on, settings.TIME_ZONE))


def profiles_pipeline_run(*, member_ids: Sequence[int], on: dt.date | None = None,
                          chunk_size: int = DEFAULT_CHUNK_SIZE) -> RefreshRun:
    """Run every pipeline step on ``member_ids`` (the incremental path), chunk by chunk."""
    ids = _member_ids_checked(member_ids)
    return _pipeline_chunks(_chunks(ids, _chunk_size_checked(chunk_size)), on or timezone.localdate())


def profiles_refresh_all(*, chunk_size: int = DEFAULT_CHUNK_SIZE, on: dt.date | None = None) -> RefreshRun:
    """The nightly run: every member, in keyset chunks, through every pipeline step."""
    return _pipeline_chunks(member_id_chunks(chunk_size=chunk_size), on or timezone.localdate())


def _pipeline_chunks(chunks: Iterable[list[int]], on: dt.date) -> RefreshRun:
    members = count = 0
    for ids in chunks:
        with transaction.atomic():
            pipeline_run(member_ids=ids, on=on)
        members, count = members + len(ids), count + 1
    return RefreshRun(members=members, chunks=count, on=on)
