"""Coalescing a frequent side call (a Redis round trip) within one process.

``Coalesced(call, seconds)`` makes ``call()`` run at most once per ``seconds`` in this process,
and never later than ``seconds`` after a request for it: the first request runs it at once;
requests within the next ``seconds`` run it once more when that time is up, on a timer thread.
So every request is followed, after it was made, by a run of ``call``: what a caller did before
asking (committed a row, counted something) is seen by that run. With ``seconds`` 0 every
request runs ``call`` at once, in the caller's thread (the tests, eager Celery).

Used where a hot path owes a cheap signal to another process (the Stripe inbox's wake-up,
the metrics counters' flush) and a burst of requests needs only one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Coalesced:
    def __init__(self, call: Callable[[], None], seconds: Callable[[], float] | float):
        self._call = call
        self._seconds = seconds if callable(seconds) else (lambda: seconds)
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._timer: threading.Timer | None = None

    def __call__(self) -> None:
        seconds = self._seconds()
        if seconds <= 0:
            self._call()
            return
        now = time.monotonic()
        with self._lock:
            if self._timer is not None:  # a run is due after this request: it covers it
                return
            if now - self._last < seconds:
                self._timer = threading.Timer(self._last + seconds - now, self._due)
                self._timer.daemon = True
                self._timer.start()
                return
            self._last = now
        self._call()

    def _due(self) -> None:
        with self._lock:
            self._timer = None
            self._last = time.monotonic()
        try:
            self._call()
        except Exception:  # a timer thread has nobody to raise to
            logger.exception("coalesced call %r failed", self._call)
