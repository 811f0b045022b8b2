"""Chunks of member ids for the set-based steps of the profiles pipeline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet


def id_chunks(*, ids: Sequence[int] | None, every: QuerySet, field: str, size: int) -> Iterator[list[int]]:
    """The given ids sorted in chunks of ``size``; with ``ids=None`` every value of ``field`` in
    ``every``, walked by keyset (``field > last``) so that no chunk rereads an earlier one."""
    if ids is not None:
        ordered = sorted(set(ids))
        for start in range(0, len(ordered), size):
            yield ordered[start:start + size]
        return
    last = 0
    while True:
        after = every.filter(**{f"{field}__gt": last}).order_by(field)
        chunk = list(after.values_list(field, flat=True)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]
