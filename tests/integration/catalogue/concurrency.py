"""Run calls at the same moment in real threads, each with its own database connection."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0


class Crowd:
    """``size`` long-lived threads (one connection each, kept across rounds, closed at the end).

    ``run(calls)`` gives one call to each thread and releases them together with a barrier.
    An exception is an outcome (a "server error" for the caller to count), never lost.
    """

    def __init__(self, size: int, *, timeout: float = 60):
        self.size = size
        self.timeout = timeout
        self._inboxes: list[queue.Queue] = [queue.Queue() for _ in range(size)]
        self._results: queue.Queue = queue.Queue()
        self._threads = [threading.Thread(target=self._work, args=(i,), daemon=True) for i in range(size)]
        for thread in self._threads:
            thread.start()

    def _work(self, index: int) -> None:
        try:
            while True:
                job = self._inboxes[index].get()
                if job is None:
                    return
                barrier, call = job
                try:
                    barrier.wait(timeout=self.timeout)
                    started = time.perf_counter()
                    outcome = Outcome(value=call(), seconds=time.perf_counter() - started)
                except Exception as exc:  # counted by the test
                    outcome = Outcome(error=exc, seconds=time.perf_counter() - started)
                self._results.put((index, outcome))
        finally:
            connection.close()

    def run(self, calls: Sequence[Callable[[], Any]]) -> list[Outcome]:
        if len(calls) != self.size:
            raise ValueError(f"give exactly {self.size} calls")
        barrier = threading.Barrier(self.size)
        for inbox, call in zip(self._inboxes, calls, strict=True):
            inbox.put((barrier, call))
        outcomes: list[Outcome | None] = [None] * self.size
        for _ in range(self.size):
            index, outcome = self._results.get(timeout=self.timeout)
            outcomes[index] = outcome
        return outcomes  # type: ignore[return-value]

    def close(self) -> None:
        for inbox in self._inboxes:
            inbox.put(None)
        for thread in self._threads:
            thread.join(self.timeout)

    def __enter__(self) -> Crowd:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
