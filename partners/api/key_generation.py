"""The generation of the partner API keys: one value in Redis that changes at every revocation.

Each web process keeps the rows of the keys it has seen (``services/keys.py``), each tagged with
the generation read *before* the row was read from PostgreSQL. A request trusts its cached row
only while Redis still holds that generation; the value comes back with the rate limit's Lua
call (``ratelimit.py``), so checking it costs no extra round trip. A revocation sets a new random
value after its commit, and every process reads the key's row again at its next request.

When Redis has lost the value (flushed, restarted empty) the first reader sets a new one made of
Redis's clock, which no cached row carries, so every process reads PostgreSQL again: never a
stale "valid". When Redis does not answer, the generation is unknown (``None``) and every
request reads PostgreSQL. Without ``REDIS_URL`` (the embedded mode, one process) it is the
constant ``LOCAL_GENERATION``: the process drops the rows it revokes itself.
"""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger(__name__)

LOCAL_GENERATION = "process"

# Lua: a function that answers the generation, set from Redis's clock when it is missing.
READ_OR_CREATE_LUA = """
local function key_generation(key)
  local generation = redis.call('GET', key)
  if not generation then
    local now = redis.call('TIME')
    redis.call('SET', key, 'r' .. now[1] .. '.' .. now[2], 'NX')
    generation = redis.call('GET', key)
  end
  return generation
end
"""

_READ_LUA = READ_OR_CREATE_LUA + "return key_generation(KEYS[1])\n"


def generation_key() -> str:
    return getattr(settings, "PARTNER_API_KEY_GENERATION_KEY", "troika:partner_api:key_generation")


def redis_url() -> str:
    return getattr(settings, "PARTNER_API_RATELIMIT_REDIS_URL", None) or settings.REDIS_URL


@lru_cache(maxsize=4)
def redis_client_for(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


@lru_cache(maxsize=4)
def _read_script_for(client):
    return client.register_script(_READ_LUA)


def as_text(generation) -> str | None:
    if generation is None:
        return None
    return generation.decode() if isinstance(generation, bytes) else str(generation)


def key_generation_read() -> str | None:
    """The current generation (one round trip), or None when Redis does not answer."""
    url = redis_url()
    if not url:
        return LOCAL_GENERATION
    try:
        client = redis_client_for(url)
        return as_text(_read_script_for(client)(keys=[generation_key()], client=client))
    except Exception as exc:  # redis.RedisError, OSError: read the key's row from PostgreSQL
        logger.warning("partner API keys: Redis unavailable (%s); reading keys from the database", exc)
        return None


def key_generation_bump() -> None:
    """A new generation: every process reads its cached key rows again. Call after commit."""
    url = redis_url()
    if not url:
        return
    try:
        redis_client_for(url).set(generation_key(), secrets.token_hex(8))
    except Exception as exc:  # the processes' caches still drop a row after CACHE_SECONDS
        logger.warning("partner API keys: could not announce a revocation in Redis (%s)", exc)
