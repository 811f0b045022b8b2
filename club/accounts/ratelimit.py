"""A fixed-window rate limit on the shared cache (Redis when ``REDIS_URL`` is set).

Each hit is one atomic ``cache.incr`` on a counter that ``cache.add`` created with the window
as its time-out: no read-modify-write, so parallel requests on many web processes cannot slip
past the limit. For allauth's own actions (login, sign-up, resets) allauth's limits apply; this
is for Troika's actions (line linking, guesses at the sign-up SMS code) that allauth does
not count atomically. The limits are settings: ``TROIKA_RATE_LIMITS``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    action: str
    limit: int
    window_seconds: int


def rate_limit_for(action: str, subject_kind: str) -> RateLimit:
    """The limit set in ``settings.TROIKA_RATE_LIMITS[action][subject_kind]`` (hits, seconds)."""
    limit, window_seconds = settings.TROIKA_RATE_LIMITS[action][subject_kind]
    return RateLimit(f"{action}:{subject_kind}", limit, window_seconds)


def _cache_key(rate: RateLimit, subject: str) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"troika:rl:{rate.action}:{rate.window_seconds}:{digest}"


def ratelimit_consume(*, rate: RateLimit, subject: str) -> bool:
    """Count one hit for ``subject`` (a user id, an IP, a target) and say whether it is allowed."""
    key = _cache_key(rate, subject)
    cache.add(key, 0, timeout=rate.window_seconds)
    try:
        hits = cache.incr(key)
    except ValueError:
        # The window expired between ``add`` and ``incr``: this hit opens a new one.
        cache.add(key, 0, timeout=rate.window_seconds)
        hits = cache.incr(key)
    return hits <= rate.limit


def ratelimit_give_back(*, rate: RateLimit, subject: str) -> None:
    """Un-count one hit that turned out to be allowed (a login that succeeded), atomically."""
    try:
        cache.decr(_cache_key(rate, subject))
    except ValueError:  # the window has expired meanwhile: nothing left to give back
        pass


def ratelimit_consume_all(*, checks: list[tuple[RateLimit, str]]) -> bool:
    """Count a hit against every (rate, subject) pair; allowed only if all allow it.

    Every counter is raised even when an earlier one refuses, so a refused caller cannot spend
    its turns on one subject to probe another.
    """
    results = [ratelimit_consume(rate=rate, subject=subject) for rate, subject in checks]
    return all(results)
