"""What every scenario shares: the result line and a throw-away PostgreSQL database."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection


class BenchUnavailable(RuntimeError):
    """The benchmark cannot run here (no PostgreSQL...); the message says what to do."""


@dataclass(frozen=True)
class BenchResult:
    scenario: str
    size: int
    value: float
    unit: str
    baseline: float
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else 0.0

    def as_json(self) -> dict:
        return {
            "scenario": self.scenario,
            "size": self.size,
            "value": round(self.value, 1),
            "unit": self.unit,
            "baseline": round(self.baseline, 1),
            "ratio": round(self.ratio, 4),
        }


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


@contextlib.contextmanager
def throwaway_database() -> Iterator[None]:
    """Create a fresh, migrated database next to the configured one, and drop it afterwards.

    The developer's own database is never touched: Django's test-database machinery creates
    ``<NAME>_bench`` (not ``test_<NAME>``, so a test run in parallel is not disturbed).
    Benchmarks measure production behaviour, so DEBUG's query logging is switched off.
    """
    if connection.vendor != "postgresql":
        raise BenchUnavailable(
            "benchmarks need PostgreSQL (the baseline is a raw COPY): "
            "set DATABASE_URL=postgres://user@host:5432/name"
        )
    settings.DEBUG = False
    test_settings = connection.settings_dict.setdefault("TEST", {})
    test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
