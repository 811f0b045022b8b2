"""Per-key rate limits: a fixed one-minute window counted atomically in Redis.

One Lua script per request: ``INCR`` the key's counter for the current minute, give it a
time-out on its first hit, and answer (count, seconds left in the window, and the keys'
generation of ``key_generation.py``, which tells the key check whether its cached row still
holds). Being one script it is atomic, so parallel requests on any number of web processes
cannot pass the limit. A fixed window lets a client send up to twice its limit across a minute
boundary (the end of one window and the start of the next); that is the documented price of one
key and one round trip.

Without ``REDIS_URL`` (the embedded mode: one process) and when Redis does not answer, the
limit is counted in this process instead: fail-open to a local limit. A Redis outage must not
stop partners redeeming at the till, and each process still holds every key to its limit, so the
worst case is the limit times the number of web processes (docs/partners.md).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from .key_generation import (
    LOCAL_GENERATION,
    READ_OR_CREATE_LUA,
    as_text,
    generation_key,
    redis_client_for,
    redis_url,
)

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60

_LUA = READ_OR_CREATE_LUA + """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl, key_generation(KEYS[2])}
"""


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window resets (what a 429's Retry-After says)
    counted_in: str  # "redis" or "process"
    key_generation: str | None  # read in the same call (key_generation.py); None: Redis is down


def key_prefix() -> str:
    return getattr(settings, "PARTNER_API_RATELIMIT_PREFIX", "troika:partner_api:rl:")


@lru_cache(maxsize=4)
def _script_for(client):
    return client.register_script(_LUA)


class _LocalWindows:
    """The fallback: fixed windows counted in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window number, hits)

    def hit(self, key: str, now: float) -> tuple[int, int]:
        window = int(now // WINDOW_SECONDS)
        with self._lock:
            current, hits = self._counts.get(key, (window, 0))
            hits = hits + 1 if current == window else 1
            self._counts[key] = (window, hits)
            if len(self._counts) > 10_000:  # drop old windows now and then
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        return hits, max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


local_windows = _LocalWindows()


def ratelimit_hit(*, key_id: int, limit: int) -> RateDecision:
    """Count one request of the key and say whether it is within its limit."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    redis_key = f"{key_prefix()}{key_id}:{window}"
    url = redis_url()
    counted_in = "process"
    generation = None if url else LOCAL_GENERATION
    if url:
        try:
            client = redis_client_for(url)
            hits, ttl, generation = _script_for(client)(
                keys=[redis_key, generation_key()], args=[WINDOW_SECONDS + 1], client=client
            )
            counted_in = "redis"
            retry_after = max(1, min(int(ttl), math.ceil((window + 1) * WINDOW_SECONDS - now)))
        except Exception as exc:  # redis.RedisError, OSError: Redis is down; fail open, counted here
            logger.warning("partner API rate limit: Redis unavailable (%s); counting in this process", exc)
            hits, retry_after = local_windows.hit(redis_key, now)
    else:
        hits, retry_after = local_windows.hit(redis_key, now)
    hits = int(hits)
    return RateDecision(
        allowed=hits <= limit, limit=limit, remaining=max(0, limit - hits), retry_after=retry_after,
        counted_in=counted_in, key_generation=as_text(generation),
    )
