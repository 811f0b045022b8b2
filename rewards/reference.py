"""Reference data: the few rows that every member page reads and marketers rarely change (the
live tiers, the discount schedules with their brackets and bands, the bundle templates with
their lines), kept whole in the cache and dropped whenever one of their rows is written.

A ``ReferenceData`` names its cache key, the function that loads it from the database and the
models whose writes make it stale. ``reference_data_connect`` (called from the owning app's
``ready``) ties those models' ``post_save`` and ``post_delete`` to ``invalidate``: once at
the write, and again when its transaction commits, so a reader that loaded the old rows between
the two cannot leave them cached. Writes that bypass signals (``QuerySet.update``,
``bulk_create``) must call ``invalidate`` themselves. The time-to-live is a backstop, not the
mechanism.

Each process also keeps the value it last read for ``LOCAL_SECONDS``: a page reads the tiers or
the schedules several times, and each read from Redis costs a round trip and an unpickling. A
write drops the writing process's copy at once; other processes see it within those seconds.
docs/reference-cache.md explains the choice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

# Bump when the shape of a cached value changes, so a deploy never reads the old shape.
SCHEMA = 1
TIME_TO_LIVE = 15 * 60  # seconds, in Redis
LOCAL_SECONDS = 2.0  # in each process
_MISSING = object()
_ALL: list[ReferenceData] = []


@dataclass(frozen=True, eq=False)
class ReferenceData(Generic[T]):
    name: str
    load: Callable[[], T]
    models: tuple[str, ...]  # "app_label.ModelName" whose writes make the value stale
    _local: dict[str, Any] = field(default_factory=dict, repr=False)  # {"copy": (until, value)}

    def __post_init__(self) -> None:
        _ALL.append(self)

    @property
    def key(self) -> str:
        return f"reference:{SCHEMA}:{self.name}"

    def get(self) -> T:
        local = self._local.get("copy")
        if local is not None and local[0] > time.monotonic():
            return local[1]
        value = cache.get(self.key, _MISSING)
        if value is _MISSING:
            value = self.load()
            cache.set(self.key, value, TIME_TO_LIVE)
        self._local["copy"] = (time.monotonic() + LOCAL_SECONDS, value)
        return value

    def invalidate(self) -> None:
        self._local.pop("copy", None)
        cache.delete(self.key)

    def _on_write(self, sender, **kwargs) -> None:
        forget_now_and_at_commit(self.invalidate, using=kwargs.get("using"))


def forget_now_and_at_commit(forget: Callable[[], None], *, using: str | None = None) -> None:
    """Run ``forget`` now and again when the writing transaction commits: a reader between
    the two still sees the rows as they were, and would otherwise leave them cached."""
    forget()
    transaction.on_commit(forget, using=using)


def reference_data_connect(data: ReferenceData) -> None:
    """Drop ``data`` from the cache whenever a row of one of its models is saved or deleted.
    ``weak=False``: the bound method would otherwise be collected at once."""
    for model in data.models:
        uid = f"reference:{data.name}:{model}"
        post_save.connect(data._on_write, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(data._on_write, sender=model, weak=False, dispatch_uid=uid)


_LOCAL_STORES: list[dict] = []  # other process-local copies under the same rule (the site menu's)


def reference_local_store_register(store: dict) -> dict:
    _LOCAL_STORES.append(store)
    return store


def reference_local_copies_drop() -> None:
    """Forget every process-local copy (the tests do, between tests: each has its own cache)."""
    for data in _ALL:
        data._local.clear()
    for store in _LOCAL_STORES:
        store.clear()
