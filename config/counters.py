"""Operational counters shared by every process: one Redis hash, read by ``/ops/metrics``.

gunicorn runs several web processes and Celery several workers, so a counter kept in a
process's memory would show one process's share. Each increment is an ``HINCRBY`` on one hash
(``METRICS_COUNTERS_KEY``), all of a call's increments in one round trip; the scrape reads the
hash with one ``HGETALL``. A field is the metric's name and its labels: ``name|k=v|k=v``.

Counters only go up. When Redis loses its data they start again from zero, which Prometheus's
``rate()`` and ``increase()`` read as a counter reset, as after a restart. A counter is never
the record of anything (PostgreSQL is): an increment that fails (Redis down) is dropped,
logged once a minute, and never fails the request or task that made it; for the next
``PAUSE_SECONDS`` the process then drops increments without trying, so an unreachable Redis
costs a request one short time-out at most every few seconds, not one each.

Without ``REDIS_URL`` (the embedded mode: one process) the counters live in this process.
See docs/observability.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from functools import lru_cache

from django.conf import settings

from config.coalesce import Coalesced

logger = logging.getLogger(__name__)

Labels = tuple[tuple[str, str], ...]
Increments = Mapping[tuple[str, Labels], int]

_local: dict[str, int] = {}
_local_lock = threading.Lock()
_last_warning = [0.0]
_paused_until = [0.0]
PAUSE_SECONDS = 5.0


def counters_key() -> str:
    return getattr(settings, "METRICS_COUNTERS_KEY", "troika:metrics:counters")


def field_name(name: str, labels: Labels = ()) -> str:
    return "|".join([name, *(f"{k}={v}" for k, v in labels)])


def field_parse(field: str) -> tuple[str, Labels]:
    name, *pairs = field.split("|")
    return name, tuple(tuple(pair.split("=", 1)) for pair in pairs)  # type: ignore[misc]


def labels_of(**labels: object) -> Labels:
    return tuple(sorted((k, str(v).replace("|", "/")) for k, v in labels.items()))


@lru_cache(maxsize=4)
def _client_for(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def _client():
    url = getattr(settings, "METRICS_REDIS_URL", "") or settings.REDIS_URL
    return _client_for(url) if url else None


def counters_add(increments: Increments) -> None:
    """Add each ``{(name, labels): n}`` (``labels`` from ``labels_of``), in one round trip."""
    fields = {field_name(name, labels): n for (name, labels), n in increments.items() if n}
    if not fields:
        return
    client = _client()
    if client is None:
        with _local_lock:
            for field, n in fields.items():
                _local[field] = _local.get(field, 0) + n
        return
    if _paused_until[0] and time.monotonic() < _paused_until[0]:
        return
    try:
        if len(fields) == 1:
            ((field, n),) = fields.items()
            client.hincrby(counters_key(), field, n)
        else:
            pipe = client.pipeline(transaction=False)
            for field, n in fields.items():
                pipe.hincrby(counters_key(), field, n)
            pipe.execute()
    except Exception as exc:  # redis.RedisError, OSError: a lost increment, never a failed request
        now = time.monotonic()
        _paused_until[0] = now + PAUSE_SECONDS
        if now - _last_warning[0] > 60:
            _last_warning[0] = now
            logger.warning("metrics counters: Redis unavailable (%s); increments dropped", exc)


def counter_add(name: str, n: int = 1, **labels: object) -> None:
    counters_add({(name, labels_of(**labels)): n})


_pending: dict[tuple[str, Labels], int] = {}
_pending_lock = threading.Lock()


def counter_add_soon(name: str, n: int = 1, **labels: object) -> None:
    """``counter_add`` for hot paths (every request): the increment joins this process's
    pending ones, sent together in one round trip at most every ``METRICS_FLUSH_SECONDS`` and
    never later than that (config/coalesce.py). A process killed in between loses that
    second's increments, which a counter may."""
    key = (name, labels_of(**labels))
    with _pending_lock:
        _pending[key] = _pending.get(key, 0) + n
    _flush_coalesced()


def counters_flush() -> None:
    """Send this process's pending increments now."""
    with _pending_lock:
        pending = dict(_pending)
        _pending.clear()
    if pending:
        counters_add(pending)


_flush_coalesced = Coalesced(counters_flush, lambda: getattr(settings, "METRICS_FLUSH_SECONDS", 1.0))


def counters_read() -> dict[tuple[str, Labels], int]:
    """Every counter's value; raises when Redis does not answer (the scrape says so)."""
    client = _client()
    if client is None:
        with _local_lock:
            raw = dict(_local)
    else:
        raw = {k.decode(): int(v) for k, v in client.hgetall(counters_key()).items()}
    return {field_parse(field): int(value) for field, value in raw.items()}


def counters_clear_local() -> None:
    """Forget the embedded mode's counters (tests)."""
    with _local_lock:
        _local.clear()
    _paused_until[0] = 0.0
