"""The Redis gate: a fast, rebuildable copy of each member's recent contacts, with an atomic
check-and-reserve in Lua. PostgreSQL stays the record and re-checks everything the gate lets
through (see docs/caps.md for why the gate may refuse but never has the last word on a yes).

One sorted set per member (``<prefix>gate:<member id>``), scored by time in milliseconds:
``d|<channel>|<counts>|<campaign>|<occurrence>`` for a delivery, ``v|<counts>|<delivery id>``
for a portal impression, and the marker ``~`` (score +inf) that says the set was loaded from
PostgreSQL. No key means "not loaded" (never "no contacts"): the caller rebuilds it from
PostgreSQL and asks again. Keys expire after the horizon, so a lost update heals by itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Q

from ..models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

CHANNEL_LETTER = {"portal": "p", "email": "e", "sms": "s"}
MARKER = "~"

# KEYS[1] member set. ARGV: at_ms, keep_ms, n_checks, then n_checks x (kind, window_ms, limit, arg),
# then the entries to add, in order. Adds entries while every check passes (an entry already
# present passes without counting twice). Returns {added, failing check (1-based) or 0};
# {-1, 0} when the set is not loaded.
RESERVE_LUA = """
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return {-1, 0} end
local at = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local checks = {}
local widest = 0
for i = 1, n do
  local b = 3 + (i - 1) * 4
  local w = tonumber(ARGV[b + 2])
  local arg = ARGV[b + 4]
  local bar = string.find(arg, '|', 1, true) or #arg
  checks[i] = {ARGV[b + 1], at - w, tonumber(ARGV[b + 3]), arg,
               string.sub(arg, 1, bar), string.sub(arg, bar + 1)}
  if w > widest then widest = w end
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (at - keep))
-- false, or what to count: true, or the occurrence for a campaign check
local function match(name, check)
  local kind = check[1]
  local first = string.sub(name, 1, 1)
  if kind == 'fa' then
    if first == 'v' then return string.sub(name, 3, 3) == '1' end
    local ch = string.sub(name, 3, 3)
    return first == 'd' and (ch == 'e' or ch == 's') and string.sub(name, 5, 5) == '1'
  end
  if first ~= 'd' then return false end
  if kind == 'ch' then return string.sub(name, 3, 3) == check[4] and string.sub(name, 5, 5) == '1' end
  local campaign = check[5]
  if string.sub(name, 7, 6 + #campaign) ~= campaign then return false end
  local occurrence = string.sub(name, 7 + #campaign)
  if occurrence == check[6] then return false end
  return occurrence
end
local added = 0
for e = 4 + n * 4, #ARGV do
  local name = ARGV[e]
  if not redis.call('ZSCORE', key, name) then
    local items = redis.call('ZRANGEBYSCORE', key, '(' .. (at - widest), '+inf', 'WITHSCORES')
    for i, check in ipairs(checks) do
      local seen, distinct = 0, {}
      for j = 1, #items, 2 do
        local item = items[j]
        if item ~= '~' and tonumber(items[j + 1]) > check[2] then
          local found = match(item, check)
          if found == true then
            seen = seen + 1
          elseif found and not distinct[found] then
            distinct[found] = true
            seen = seen + 1
          end
        end
      end
      if seen >= check[3] then
        redis.call('PEXPIRE', key, keep)
        return {added, i}
      end
    end
    redis.call('ZADD', key, at, name)
  end
  added = added + 1
end
redis.call('PEXPIRE', key, keep)
return {added, 0}
"""

# KEYS[1] member set. ARGV: keep_ms, then (score, name) pairs. Loads only a missing set.
LOAD_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('ZADD', KEYS[1], '+inf', '~')
for i = 2, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""


@dataclass(frozen=True)
class Check:
    """One cap the gate checks: ``kind`` "ch" (a channel, ``arg`` its letter), "fa" (contacts
    across channels: fatigue or the member's weekly limit), "cw" (a campaign's other
    occurrences, ``arg`` "<campaign id>|<this occurrence>"; the minimum gap is "cw" with limit
    1); ``reason`` is the suppression reason when it refuses."""

    kind: str
    window: dt.timedelta
    limit: int
    reason: str
    arg: str = ""


@dataclass(frozen=True)
class GateAnswer:
    added: int
    refused_by: Check | None


def horizon() -> dt.timedelta:
    """How far back the gate keeps contacts; checks with a longer window are left to SQL."""
    return dt.timedelta(days=getattr(settings, "CONTACT_GATE_HORIZON_DAYS", 35))


def key_prefix() -> str:
    return getattr(settings, "CONTACT_GATE_PREFIX", "troika:contact:")


def member_key(member_id: int) -> str:
    return f"{key_prefix()}gate:{member_id}"


@lru_cache(maxsize=4)
def _client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def client():
    """The gate's Redis client, or None when no Redis is configured."""
    url = getattr(settings, "CONTACT_GATE_REDIS_URL", None) or settings.REDIS_URL
    return _client(url) if url else None


@lru_cache(maxsize=4)
def _scripts(redis_client):
    return redis_client.register_script(RESERVE_LUA), redis_client.register_script(LOAD_LUA)


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def delivery_entry(*, channel: str, counts: bool, campaign_id: int | None, occurrence: str) -> str:
    return f"d|{CHANNEL_LETTER[channel]}|{int(counts)}|{campaign_id or 0}|{occurrence}"


def impression_entry(*, delivery_id: int, counts: bool) -> str:
    return f"v|{int(counts)}|{delivery_id}"


def member_entries(member_id: int, at: dt.datetime) -> list[tuple[int, str]]:
    """The member's live contacts within the horizon, from PostgreSQL: (score, name)."""
    since = at - horizon()
    rows = (
        Delivery.objects.filter(member_id=member_id).exclude(status=DeliveryStatus.FAILED)
        .filter(Q(reserved_at__gt=since) | Q(viewed_at__gt=since))
        .values_list(
            "id", "channel", "counts_toward_caps", "campaign_id", "occurrence", "reserved_at", "viewed_at"
        )
    )
    entries = []
    for delivery_id, channel, counts, campaign_id, occurrence, reserved_at, viewed_at in rows:
        entries.append((_ms(reserved_at), delivery_entry(
            channel=channel, counts=counts, campaign_id=campaign_id, occurrence=occurrence)))
        if viewed_at is not None:
            entries.append((_ms(viewed_at), impression_entry(delivery_id=delivery_id, counts=counts)))
    return entries


Loader = Callable[[int, dt.datetime], list[tuple[int, str]]]


def gate_load(*, member_id: int, at: dt.datetime, loader: Loader = member_entries) -> bool:
    """Load a member's set from PostgreSQL if it is missing; False if it was there already."""
    redis_client = client()
    _reserve, load = _scripts(redis_client)
    args = [int(horizon().total_seconds() * 1000)]
    for score, name in loader(member_id, at):
        args.extend([score, name])
    return bool(load(keys=[member_key(member_id)], args=args))


def gate_reserve(
    *, member_id: int, at: dt.datetime, checks: Sequence[Check], entries: Sequence[str],
    loader: Loader = member_entries,
) -> GateAnswer | None:
    """Atomically add ``entries`` (in order, while every check passes) to the member's set,
    loading it from PostgreSQL first if Redis has lost it. ``None``: no Redis (or it failed):
    the caller goes straight to PostgreSQL."""
    redis_client = client()
    if redis_client is None:
        return None
    import redis

    checks = [c for c in checks if c.window <= horizon()]
    args: list = [_ms(at), int(horizon().total_seconds() * 1000), len(checks)]
    for check in checks:
        args.extend([check.kind, int(check.window.total_seconds() * 1000), check.limit, check.arg])
    args.extend(entries)
    try:
        reserve, _load = _scripts(redis_client)
        for _attempt in range(3):
            added, failing = reserve(keys=[member_key(member_id)], args=args)
            if added >= 0:
                return GateAnswer(added=added, refused_by=checks[failing - 1] if failing else None)
            gate_load(member_id=member_id, at=at, loader=loader)
        return None  # evicted again at once: let PostgreSQL decide
    except redis.RedisError as exc:
        logger.warning("contact gate unavailable, PostgreSQL decides alone: %s", exc)
        return None


def gate_release(*, member_id: int, entries: Iterable[str]) -> None:
    """Take back entries PostgreSQL did not confirm."""
    names = list(entries)
    redis_client = client()
    if redis_client is None or not names:
        return
    import redis

    try:
        redis_client.zrem(member_key(member_id), *names)
    except redis.RedisError as exc:
        logger.warning("contact gate: could not release entries of member %s: %s", member_id, exc)


def gate_forget(*, deliveries: Iterable[Delivery]) -> None:
    """Failed deliveries free their slot in the gate too (and their impressions)."""
    redis_client = client()
    if redis_client is None:
        return
    import redis

    try:
        pipe = redis_client.pipeline(transaction=False)
        for d in deliveries:
            pipe.zrem(
                member_key(d.member_id),
                delivery_entry(channel=d.channel, counts=d.counts_toward_caps, campaign_id=d.campaign_id,
                               occurrence=d.occurrence),
                impression_entry(delivery_id=d.pk, counts=d.counts_toward_caps),
            )
        pipe.execute()
    except redis.RedisError as exc:
        logger.warning("contact gate: could not forget failed deliveries: %s", exc)


def gate_invalidate(*, member_ids: Iterable[int]) -> None:
    """Drop members' sets (they reload from PostgreSQL on next use): after a chunk wrote
    deliveries the gate has not seen."""
    redis_client = client()
    keys = [member_key(m) for m in set(member_ids)]
    if redis_client is None or not keys:
        return
    import redis

    try:
        for start in range(0, len(keys), 1000):
            redis_client.unlink(*keys[start:start + 1000])
    except redis.RedisError as exc:
        logger.warning("contact gate: could not invalidate %s members: %s", len(keys), exc)
